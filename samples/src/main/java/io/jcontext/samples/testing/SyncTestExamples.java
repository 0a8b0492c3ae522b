package io.jcontext.samples.testing;

import io.jcontext.CancellableContext;
import io.jcontext.Context;
import io.jcontext.ContextException;
import io.jcontext.samples.Sample;
import io.jcontext.testing.VirtualClock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.Executor;

/**
 * Seed 002's {@code synctest} examples, on jcontext's test tools instead of Go's bubble.
 *
 * <p>{@code TestAfterFunc}: Go waits for the bubble to be idle ({@code synctest.Wait}) to know
 * that the function has, or has not, run. Here the function is handed to an executor the test
 * owns ({@link ManualExecutor}), so "has it been scheduled?" is a question about a queue, answered
 * without waiting. {@code TestWithTimeout}: a {@link VirtualClock} replaces the bubble's fake time:
 * the deadline fires when the test advances the clock to it, not a nanosecond earlier, and no
 * test sleeps.
 */
public final class SyncTestExamples implements Sample {

  /** An executor that queues tasks until the test runs them: the test decides when "later" is. */
  public static final class ManualExecutor implements Executor {
    private final Queue<Runnable> queue = new ArrayDeque<>();

    @Override
    public synchronized void execute(Runnable task) {
      queue.add(task);
    }

    /** Tasks handed over and not yet run. */
    public synchronized int pending() {
      return queue.size();
    }

    /** Runs every queued task on the calling thread; returns how many ran. */
    public int runAll() {
      int n = 0;
      while (true) {
        Runnable r;
        synchronized (this) {
          r = queue.poll();
        }
        if (r == null) {
          return n;
        }
        r.run();
        n++;
      }
    }
  }

  /** What the AfterFunc test observed: called before cancel, handed over by cancel, called after. */
  public record AfterFuncObservation(boolean calledBeforeCancel, int handedOverByCancel,
      boolean calledAfterCancel) {}

  /** Go's TestAfterFunc. */
  public static AfterFuncObservation afterFunc() {
    ManualExecutor executor = new ManualExecutor();
    CancellableContext ctx = Context.background().withCancel();
    boolean[] called = {false};
    ctx.afterFunc(() -> called[0] = true, executor);
    executor.runAll(); // "synctest.Wait": everything runnable has run
    boolean before = called[0];
    ctx.cancel();
    int handedOver = executor.pending();
    executor.runAll();
    return new AfterFuncObservation(before, handedOver, called[0]);
  }

  /** What the WithTimeout test observed just before and at the deadline. */
  public record TimeoutObservation(ContextException errJustBefore, ContextException errAtDeadline) {}

  /** Go's TestWithTimeout: 5 s timeout, look 1 ns before and at the deadline. */
  public static TimeoutObservation withTimeout() {
    VirtualClock clock = new VirtualClock();
    Duration timeout = Duration.ofSeconds(5);
    try (CancellableContext ctx = clock.background().withTimeout(timeout)) {
      clock.advance(timeout.minusNanos(1));
      ContextException before = ctx.err();
      clock.advance(Duration.ofNanos(1));
      return new TimeoutObservation(before, ctx.err());
    }
  }

  @Override
  public String id() {
    return "002-synctest";
  }

  @Override
  public String title() {
    return "synctest AfterFunc/WithTimeout, virtual time";
  }

  @Override
  public String run() {
    AfterFuncObservation a = afterFunc();
    TimeoutObservation t = withTimeout();
    if (a.calledBeforeCancel() || a.handedOverByCancel() != 1 || !a.calledAfterCancel()
        || t.errJustBefore() != null || t.errAtDeadline() == null || !t.errAtDeadline().isTimeout()) {
      throw new IllegalStateException(a + " " + t);
    }
    return "AfterFunc: not called before cancel, handed over by cancel, called after; WithTimeout 5 s: "
        + "err null at 5 s - 1 ns, " + t.errAtDeadline().getClass().getSimpleName() + " at 5 s (virtual)";
  }
}
