package io.jcontext;

import org.jspecify.annotations.Nullable;

/**
 * A {@link Context} that its creator can cancel: Go's context paired with its
 * {@code CancelFunc}/{@code CancelCauseFunc}. Returned by {@link Context#withCancel()},
 * {@link Context#withDeadline} and {@link Context#withTimeout}.
 *
 * <p>Cancelling tells the work governed by this context to stop; it does not wait for the work
 * to stop. It makes this context and all its descendants done before it returns, runs their
 * {@link Context#onDone} callbacks, hands their {@link Context#afterFunc} actions to their
 * executors, stops the deadline timer and removes this context from its parent in constant
 * time. Always cancel a context you created, at the latest when the work is finished:
 *
 * <pre>{@code
 * try (CancellableContext ctx = parent.withTimeout(Duration.ofMillis(150))) {
 *   return work(ctx);
 * } // close() cancels
 * }</pre>
 *
 * <p>Pass the context on as a plain {@code Context}: code that receives a context should not be
 * able to cancel it.
 */
public interface CancellableContext extends Context, AutoCloseable {

  /**
   * Cancels this context with {@link ContextCancelledException} and no cause, unless it is
   * already done. Safe to call from any thread; after the first call, later calls do nothing.
   *
   * @return {@code true} if this call cancelled the context, {@code false} if it was already done
   */
  boolean cancel();

  /**
   * Cancels this context with {@link ContextCancelledException} whose cause is {@code cause}
   * (Go's {@code CancelCauseFunc}), unless it is already done: then nothing changes, and in
   * particular the cause is not overwritten. {@code cancel(null)} is {@link #cancel()}.
   *
   * @return {@code true} if this call cancelled the context, {@code false} if it was already done
   */
  boolean cancel(@Nullable Throwable cause);

  /** Same as {@link #cancel()}: try-with-resources is Go's {@code defer cancel()}. */
  @Override
  default void close() {
    cancel();
  }
}
