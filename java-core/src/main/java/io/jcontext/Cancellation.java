package io.jcontext;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One cancellation: whether it was a deadline and its cause, shared by every context it reaches.
 * The {@link ContextException} that {@link Context#err()} reports is made from it on first
 * demand and cached here, so all those contexts report the same instance, while a cancellation
 * nobody asks about costs one small object instead of an exception.
 */
final class Cancellation {
  private static final VarHandle EXCEPTION;

  static {
    try {
      EXCEPTION = MethodHandles.lookup().findVarHandle(Cancellation.class, "exception", ContextException.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** True for a deadline (DeadlineExceededException), false for a cancellation. */
  final boolean timeout;
  /** The cause given to the cancellation or deadline, or null. */
  final Throwable cause;
  /** Made by the first exception() call; never changes afterwards. */
  private volatile ContextException exception;

  Cancellation(boolean timeout, Throwable cause) {
    this.timeout = timeout;
    this.cause = cause;
  }

  /** Wraps an exception that already exists (a foreign parent's err). */
  Cancellation(ContextException exception) {
    this.timeout = exception.isTimeout();
    this.cause = exception.getCause();
    this.exception = exception;
  }

  /** Returns the exception for this cancellation: the same instance on every call. */
  ContextException exception() {
    ContextException e = exception;
    if (e != null) {
      return e;
    }
    e = timeout ? new DeadlineExceededException(cause) : new ContextCancelledException(cause);
    ContextException won = (ContextException) EXCEPTION.compareAndExchange(this, null, e);
    return won == null ? e : won;
  }

  /** Returns Go's Cause: the given cause, or else the exception itself. */
  Throwable cause() {
    return cause != null ? cause : exception();
  }
}
