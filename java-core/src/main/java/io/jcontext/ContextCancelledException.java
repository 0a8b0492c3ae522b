package io.jcontext;

import org.jspecify.annotations.Nullable;

/**
 * The {@link Context#err()} of a context that was cancelled (Go's {@code context.Canceled}),
 * either directly or through an ancestor. Its {@link #getCause()} is the cause given to
 * {@link CancellableContext#cancel(Throwable)}, or {@code null}.
 */
public final class ContextCancelledException extends ContextException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception for a cancellation without cause. */
  public ContextCancelledException() {
    this(null);
  }

  /** Creates the exception for a cancellation with {@code cause} (may be null). */
  public ContextCancelledException(@Nullable Throwable cause) {
    super("context cancelled", cause);
  }

  /** Returns {@code false}. */
  @Override
  public boolean isTimeout() {
    return false;
  }
}
