package io.jcontext;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link TimerQueue} on one thread with explicit times: the owner's passes run due timers in
 * deadline order and never early, stop() decides exactly once, stopped timers are dropped, a
 * throwing task does not stop the pass, and push reports the depth the clock paces by.
 */
class TimerQueueTest {
  private final TimerQueue queue = new TimerQueue();
  private final List<Long> ran = new ArrayList<>();

  private TimerQueue.Entry add(long deadline) {
    return queue.push(deadline, () -> ran.add(deadline));
  }

  @Test
  void runsDueTimersInDeadlineOrderAndNeverEarly() {
    Random r = new Random(42);
    List<Long> deadlines = new ArrayList<>();
    for (int i = 0; i < 5_000; i++) {
      long d = r.nextInt(1_000);
      deadlines.add(d);
      add(d);
    }
    deadlines.sort(null);
    for (long now = 0; now < 1_000; now += 7) {
      long next = queue.runDue(now);
      for (long d : ran) {
        assertTrue(d <= now, "ran at " + now + " a timer due at " + d);
      }
      int fired = ran.size();
      long t = now;
      assertEquals(deadlines.stream().filter(d -> d <= t).count(), fired, "every timer due at " + now + " ran");
      assertEquals(fired < deadlines.size() ? deadlines.get(fired) : Long.MAX_VALUE, next, "earliest pending deadline");
    }
    queue.runDue(Long.MAX_VALUE);
    assertEquals(deadlines, ran, "every timer ran once, earliest first");
  }

  @Test
  void stopDecidesExactlyOnce() {
    TimerQueue.Entry a = add(5);
    TimerQueue.Entry b = add(5);
    assertTrue(a.stop(), "stopped before it was taken");
    assertFalse(a.stop(), "a second stop prevents nothing");
    queue.runDue(4);
    assertTrue(ran.isEmpty(), "nothing due at 4");
    TimerQueue.Entry c = add(6);
    assertTrue(c.stop(), "stopped after an earlier pass took other timers");
    queue.runDue(10);
    assertEquals(List.of(5L), ran, "only b ran");
    assertFalse(b.stop(), "b already ran");
  }

  @Test
  void timerDueAtOnceRunsInTheNextPass() {
    add(Long.MIN_VALUE);
    assertEquals(Long.MAX_VALUE, queue.runDue(0));
    assertEquals(List.of(Long.MIN_VALUE), ran);
  }

  @Test
  void timersAddedByATaskWaitForTheNextPass() {
    queue.push(1, () -> add(1));
    assertEquals(Long.MAX_VALUE, queue.runDue(1), "the timer added during the pass is not taken yet");
    assertTrue(queue.hasIncoming(), "so the clock's loop starts another pass");
    assertEquals(Long.MAX_VALUE, queue.runDue(1));
    assertEquals(List.of(1L), ran);
  }

  @Test
  void stoppedTimersAreDroppedAndNotReportedAsNext() {
    List<TimerQueue.Entry> entries = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      entries.add(add(100 + i));
    }
    assertEquals(100, queue.runDue(0));
    for (int i = 0; i < 9_999; i++) {
      assertTrue(entries.get(i).stop());
    }
    assertEquals(100, queue.runDue(0), "the pass that drops them looks again at the earliest (the horizon)");
    assertEquals(100 + 9_999, queue.runDue(0), "stopped heads are skipped");
    for (int i = 0; i < 5_000; i++) {
      add(20_000 + i).stop(); // taken already stopped: never ordered
    }
    assertEquals(100 + 9_999, queue.runDue(0), "the live deadline is earlier than the horizon");
    queue.runDue(Long.MAX_VALUE);
    assertEquals(List.of(100L + 9_999), ran);
  }

  /**
   * The horizon: a pass that drops timers stopped before they were due asks to be called again
   * at the earliest of their deadlines (not at "never"), so that the clock does not wake its
   * thread for each of the next timers of the same length; a pass that drops none has no horizon,
   * and timers stopped after their deadline make none.
   */
  @Test
  void passThatDropsStoppedTimersAsksAgainAtTheirEarliestFutureDeadline() {
    assertEquals(Long.MAX_VALUE, queue.runDue(0), "empty");
    add(500).stop();
    add(300).stop();
    add(400).stop();
    assertEquals(300, queue.runDue(100), "taken already stopped");
    assertEquals(Long.MAX_VALUE, queue.runDue(100), "nothing dropped this time: no horizon");

    TimerQueue.Entry a = add(700);
    TimerQueue.Entry b = add(600);
    assertEquals(600, queue.runDue(100), "both live, ordered");
    assertTrue(b.stop());
    assertTrue(a.stop());
    assertEquals(600, queue.runDue(100), "dropped from the heap");
    assertEquals(Long.MAX_VALUE, queue.runDue(100));

    add(50).stop(); // due before now: no horizon
    TimerQueue.Entry live = add(900);
    add(800).stop();
    assertEquals(800, queue.runDue(100), "the horizon is earlier than the live deadline");
    assertEquals(900, queue.runDue(100));
    assertTrue(live.stop());
    assertEquals(Long.MAX_VALUE, queue.runDue(900), "dropped when due: no horizon");
    assertEquals(List.of(), ran);
  }

  @Test
  void throwingTaskGoesToTheHandlerAndThePassGoesOn() {
    Thread me = Thread.currentThread();
    Thread.UncaughtExceptionHandler old = me.getUncaughtExceptionHandler();
    List<Throwable> reported = new ArrayList<>();
    me.setUncaughtExceptionHandler((t, e) -> reported.add(e));
    try {
      IllegalStateException boom = new IllegalStateException("boom");
      queue.push(1, () -> {
        throw boom;
      });
      add(2);
      queue.runDue(3);
      assertEquals(List.of(boom), reported);
      assertEquals(List.of(2L), ran);
    } finally {
      me.setUncaughtExceptionHandler(old);
    }
  }

  @Test
  void depthCountsUntakenTimers() {
    assertEquals(1, add(1).depth);
    assertEquals(2, add(1).depth);
    assertEquals(3, add(1).depth);
    queue.take();
    assertFalse(queue.hasIncoming());
    TimerQueue.Entry e = add(1);
    assertEquals(1, e.depth, "the stack starts again after a take");
  }
}
