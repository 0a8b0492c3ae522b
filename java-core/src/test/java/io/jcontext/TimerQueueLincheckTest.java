package io.jcontext;

import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.jetbrains.lincheck.datastructures.Validate;
import org.junit.jupiter.api.Test;

/**
 * Linearizability of {@link TimerQueue}'s schedule/stop/fire steps with the clock time as an
 * explicit argument: {@code schedule(slot, deadline)} adds a timer (once per slot),
 * {@code stop(slot)} stops it, and the timer thread (the owner: all its calls run on one Lincheck
 * thread) either takes the added timers ({@code take}) or runs the earliest due one
 * ({@code runNext(now)}, returning the slot it fired). A sequential execution is the
 * specification: a taken timer fires at the first runNext whose time reaches its deadline and
 * that finds no earlier due timer, unless stopped before; stop returns true exactly when the
 * timer has not fired. {@link #firedAtMostOnce()} checks after each run that no timer fired
 * twice or fired after a successful stop.
 *
 * <p>A whole pass ({@code runDue} = take, then runNext until nothing is due) is deliberately not
 * one operation: it is not atomic (Lincheck found the history "pass takes A; B is added; A is
 * stopped; the pass ends without A or B"), and needs not be: a timer added after the take
 * waits for the next pass, which the clock's loop starts at once. Times are 0..3 and the owner
 * may see them decrease: the queue itself needs no monotonic clock.
 */
@Param(name = "slot", gen = IntGen.class, conf = "0:2")
public class TimerQueueLincheckTest {
  private static final int SLOTS = 3;

  private final TimerQueue queue = new TimerQueue();
  private final AtomicReferenceArray<TimerQueue.Entry> entries = new AtomicReferenceArray<>(SLOTS);
  private final Object[] locks = {new Object(), new Object(), new Object()};
  private final AtomicIntegerArray runs = new AtomicIntegerArray(SLOTS);
  private final AtomicIntegerArray stoppedTrue = new AtomicIntegerArray(SLOTS);
  /** The slot fired by the runNext call in progress, or -1; written by the owner thread only. */
  private int firedNow;

  /**
   * Adds a timer for {@code slot} unless one was added before; returns whether it added one. The
   * slot's lock only keeps this harness's bookkeeping atomic (a caller holds a Stop only after
   * schedule returned); the owner's runDue never takes it, so push and stop still race with it.
   */
  @Operation
  public boolean schedule(@Param(name = "slot") int slot, @Param(gen = IntGen.class, conf = "0:3") int deadline) {
    synchronized (locks[slot]) {
      if (entries.get(slot) != null) {
        return false;
      }
      entries.set(slot, queue.push(deadline, () -> {
        runs.incrementAndGet(slot);
        firedNow = slot;
      }));
      return true;
    }
  }

  @Operation
  public boolean stop(@Param(name = "slot") int slot) {
    TimerQueue.Entry e;
    synchronized (locks[slot]) {
      e = entries.get(slot);
    }
    boolean r = e != null && e.stop();
    if (r) {
      stoppedTrue.incrementAndGet(slot);
    }
    return r;
  }

  /** The timer thread takes the added timers (first step of a pass). */
  @Operation(nonParallelGroup = "owner")
  public void take() {
    queue.take();
  }

  /** The timer thread runs the earliest due timer at time {@code now}: the slot it fired, or -1. */
  @Operation(nonParallelGroup = "owner")
  public int runNext(@Param(gen = IntGen.class, conf = "0:3") int now) {
    firedNow = -1;
    queue.runNext(now);
    return firedNow;
  }

  @Validate
  public void firedAtMostOnce() {
    for (int i = 0; i < SLOTS; i++) {
      int r = runs.get(i);
      int s = stoppedTrue.get(i);
      if (r > 1 || s > 1 || r + s > 1) {
        throw new AssertionError("slot " + i + ": ran " + r + " times, stop() returned true " + s + " times");
      }
    }
  }

  @Test
  void modelChecking() {
    new ModelCheckingOptions()
        .iterations(30)
        .invocationsPerIteration(500)
        .threads(3)
        .actorsPerThread(3)
        .actorsBefore(1)
        .actorsAfter(2)
        .check(TimerQueueLincheckTest.class);
  }

  @Test
  void stress() {
    new StressOptions()
        .iterations(20)
        .invocationsPerIteration(2_000)
        .threads(3)
        .actorsPerThread(3)
        .actorsBefore(1)
        .actorsAfter(2)
        .check(TimerQueueLincheckTest.class);
  }
}
