package io.jcontext.samples.seed002;

import io.jcontext.Clock;
import io.jcontext.Stop;

/**
 * A {@link Clock} whose timers are always already due: {@link #schedule} runs the task on a new
 * thread at once and returns only when that task has finished or is blocked (on a lock, say).
 * That is a legal (if extreme) clock: the contract lets a due task run "as soon as possible" on
 * another thread, so code that is only correct when {@code schedule} returns before the task runs
 * is wrong with every clock, and with this one it fails every time instead of once in a while.
 */
public final class EagerClock implements Clock {
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
    while (true) { // wait until the task has run, or cannot run further without us
      Thread.State s = t.getState();
      if (s == Thread.State.TERMINATED || s == Thread.State.WAITING
          || s == Thread.State.TIMED_WAITING || s == Thread.State.BLOCKED) {
        break;
      }
      Thread.onSpinWait();
    }
    return () -> false; // too late to stop: it already ran (or is running)
  }
}
