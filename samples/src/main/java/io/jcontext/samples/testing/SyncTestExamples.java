package io.jcontext.samples.testing;

import io.jcontext.CancellableContext;
import io.jcontext.Context;
import io.jcontext.ContextException;
import io.jcontext.samples.Sample;
import io.jcontext.testing.Bubble;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Seed 002's {@code synctest} examples, written as Go writes them: inside a {@link Bubble}
 * (Go's {@code synctest.Test}), with {@code Context.sleep} for {@code time.Sleep},
 * {@link Bubble#await()} for {@code synctest.Wait}, and plain assertions. The bubble's clock moves
 * only when every bubble thread is blocked in a wait of the library, so nothing sleeps for real
 * and the outcome never depends on scheduling.
 *
 * <p>{@code TestAfterFunc}: the function runs on a new thread of the bubble once the context is
 * cancelled ({@code afterFunc} picks the bubble's executor for a context of the bubble);
 * {@code await()} returns when that thread has finished. {@code TestWithTimeout}: the body
 * sleeps to 1 ns before the 5 s deadline, then to the deadline.
 */
public final class SyncTestExamples implements Sample {

  /** What the AfterFunc test observed: called before cancel (and Wait), called after cancel and Wait. */
  public record AfterFuncObservation(boolean calledBeforeCancel, boolean calledAfterCancel) {}

  /** Go's TestAfterFunc. */
  public static AfterFuncObservation afterFunc() throws Exception {
    return Bubble.call(bubble -> {
      CancellableContext ctx = bubble.context().withCancel();
      AtomicBoolean afterFuncCalled = new AtomicBoolean();
      ctx.afterFunc(() -> afterFuncCalled.set(true));

      bubble.await(); // synctest.Wait(): the context is live, so the function has not run
      boolean before = afterFuncCalled.get();

      ctx.cancel();
      bubble.await(); // the function's thread has run and finished
      return new AfterFuncObservation(before, afterFuncCalled.get());
    });
  }

  /** What the WithTimeout test observed just before and at the deadline. */
  public record TimeoutObservation(ContextException errJustBefore, ContextException errAtDeadline) {}

  /** Go's TestWithTimeout: 5 s timeout, look 1 ns before and at the deadline. */
  public static TimeoutObservation withTimeout() throws Exception {
    return Bubble.call(bubble -> {
      Duration timeout = Duration.ofSeconds(5);
      try (CancellableContext ctx = bubble.context().withTimeout(timeout)) {
        Context.sleep(bubble.context(), timeout.minusNanos(1)); // wait just less than the timeout
        bubble.await();
        ContextException before = ctx.err();

        Context.sleep(bubble.context(), Duration.ofNanos(1)); // the rest of the way
        bubble.await();
        return new TimeoutObservation(before, ctx.err());
      }
    });
  }

  @Override
  public String id() {
    return "002-synctest";
  }

  @Override
  public String title() {
    return "synctest AfterFunc/WithTimeout in a bubble";
  }

  @Override
  public String run() throws Exception {
    AfterFuncObservation a = afterFunc();
    TimeoutObservation t = withTimeout();
    if (a.calledBeforeCancel() || !a.calledAfterCancel()
        || t.errJustBefore() != null || t.errAtDeadline() == null || !t.errAtDeadline().isTimeout()) {
      throw new IllegalStateException(a + " " + t);
    }
    return "AfterFunc: not called before cancel, called after cancel + Wait; WithTimeout 5 s: "
        + "err null at 5 s - 1 ns, " + t.errAtDeadline().getClass().getSimpleName() + " at 5 s (bubble time)";
  }
}
