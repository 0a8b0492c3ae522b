package io.jcontext;

import java.util.concurrent.CancellationException;
import org.jspecify.annotations.Nullable;

/**
 * Why a {@link Context} is done: {@link ContextCancelledException} or
 * {@link DeadlineExceededException} (Go's {@code context.Canceled} and
 * {@code context.DeadlineExceeded}).
 *
 * <p>It extends {@link CancellationException}, so {@code Future} users, executors and Kotlin
 * coroutines treat it as cancellation rather than failure. One instance is created per
 * cancellation and shared by every context the cancellation reached; it has no stack trace (it
 * describes a state, not a place), and its {@link #getCause()} is the cause given to the
 * cancellation, or {@code null}. Its cause cannot be changed after construction.
 */
public abstract sealed class ContextException extends CancellationException
    permits ContextCancelledException, DeadlineExceededException {
  private static final long serialVersionUID = 1L;

  /** The cause given to the cancellation, or null; fixed, since the instance is shared. */
  private final @Nullable Throwable cause;

  ContextException(String message, @Nullable Throwable cause) {
    super(message);
    this.cause = cause; // a final field, not initCause(): no lock on the cancellation path
  }

  /** Returns the cause given to the cancellation or deadline, or {@code null}. */
  @Override
  public final @Nullable Throwable getCause() {
    return cause;
  }

  /**
   * Always throws {@link IllegalStateException}: the cause is fixed at construction, because
   * one instance is shared by every context the cancellation reached.
   */
  @Override
  public final Throwable initCause(@Nullable Throwable cause) {
    throw new IllegalStateException("the cause of a ContextException is fixed at construction");
  }

  /**
   * Returns whether this is a deadline rather than an explicit cancellation (Go's
   * {@code Timeout()} on {@code DeadlineExceeded}).
   */
  public abstract boolean isTimeout();

  /** Returns this: the exception describes a state and is shared, so it records no stack trace. */
  @Override
  public final Throwable fillInStackTrace() {
    return this;
  }
}
