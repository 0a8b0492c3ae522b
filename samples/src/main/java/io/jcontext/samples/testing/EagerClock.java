package io.jcontext.samples.testing;

import io.jcontext.Clock;
import io.jcontext.Stop;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;

/**
 * A {@link Clock} whose timers are always already due: {@link #schedule} runs the task on a new
 * thread at once and returns only when that task has finished or is blocked on a lock that the
 * scheduling thread holds (so it cannot go on until the caller lets it).
 * That is a legal (if extreme) clock: the contract lets a due task run "as soon as possible" on
 * another thread, so code that is only correct when {@code schedule} returns before the task runs
 * is wrong with every clock, and with this one it fails every time instead of once in a while.
 */
public final class EagerClock implements Clock {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  private final Clock time;

  /** Reads time from {@code time}; fires every task at once. */
  public EagerClock(Clock time) {
    this.time = time;
  }

  @Override
  public long nanoTime() {
    return time.nanoTime();
  }

  @Override
  public Stop schedule(long deadline, Runnable task) {
    Thread t = new Thread(task, "eager-timer");
    t.setDaemon(true);
    t.start();
    // Wait until the task has run, or cannot run further without us. A thread that is only
    // briefly parked (class loading, a JVM-internal lock) does not count: returning then would
    // make the outcome depend on scheduling, which is what this clock exists to rule out.
    long me = Thread.currentThread().getId();
    while (t.getState() != Thread.State.TERMINATED && !blockedOn(t, me)) {
      Thread.onSpinWait();
    }
    return () -> false; // too late to stop: it already ran (or is running)
  }

  /** Whether {@code t} waits for a monitor or an ownable lock held by thread {@code owner}. */
  private static boolean blockedOn(Thread t, long owner) {
    Thread.State s = t.getState();
    if (s != Thread.State.BLOCKED && s != Thread.State.WAITING) {
      return false;
    }
    ThreadInfo info = THREADS.getThreadInfo(t.getId());
    return info != null && info.getLockOwnerId() == owner;
  }
}
