package io.jcontext;

import org.jspecify.annotations.Nullable;

/**
 * The {@link Context#err()} of a context whose deadline, or an ancestor's, passed (Go's
 * {@code context.DeadlineExceeded}). Its {@link #getCause()} is the cause given to
 * {@link Context#withDeadline(java.time.Instant, Throwable)} or
 * {@link Context#withTimeout(java.time.Duration, Throwable)}, or {@code null}.
 */
public final class DeadlineExceededException extends ContextException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception for a deadline without cause. */
  public DeadlineExceededException() {
    this(null);
  }

  /** Creates the exception for a deadline with {@code cause} (may be null). */
  public DeadlineExceededException(@Nullable Throwable cause) {
    super("context deadline exceeded", cause);
  }

  /** Returns {@code true}: a deadline is a timeout. */
  @Override
  public boolean isTimeout() {
    return true;
  }
}
