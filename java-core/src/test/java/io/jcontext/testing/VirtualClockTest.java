package io.jcontext.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcontext.CancellableContext;
import io.jcontext.Context;
import io.jcontext.DeadlineExceededException;
import io.jcontext.Stop;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class VirtualClockTest {
  private static final long SECOND = 1_000_000_000L;

  private final VirtualClock clock = new VirtualClock();
  private final long start = clock.nanoTime();

  @Test
  void startsAtTheSynctestEpochAndOnlyMovesWhenAdvanced() {
    assertEquals(Instant.parse("2000-01-01T00:00:00Z"), clock.now());
    assertEquals(clock.now(), new VirtualClock(Instant.parse("2000-01-01T00:00:00Z")).now());
    clock.advance(Duration.ofMillis(1500));
    assertEquals(Instant.parse("2000-01-01T00:00:01.500Z"), clock.now());
    assertEquals(start + 1_500_000_000L, clock.nanoTime());
  }

  @Test
  void firesDueTimersInDeadlineOrderEachAtItsOwnDeadline() {
    List<String> fired = new ArrayList<>();
    clock.schedule(start + 3 * SECOND, () -> fired.add("c@" + (clock.nanoTime() - start) / SECOND));
    clock.schedule(start + SECOND, () -> fired.add("a@" + (clock.nanoTime() - start) / SECOND));
    clock.schedule(start + 2 * SECOND, () -> fired.add("b@" + (clock.nanoTime() - start) / SECOND));
    clock.schedule(start + 10 * SECOND, () -> fired.add("late"));
    clock.advance(Duration.ofSeconds(5));
    assertEquals(List.of("a@1", "b@2", "c@3"), fired);
    assertEquals(1, clock.pendingTimers());
    assertEquals(start + 5 * SECOND, clock.nanoTime());
  }

  @Test
  void equalDeadlinesFireInSchedulingOrder() {
    List<Integer> fired = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      int n = i;
      clock.schedule(start + SECOND, () -> fired.add(n));
    }
    clock.advance(Duration.ofSeconds(1));
    assertEquals(List.of(0, 1, 2, 3, 4), fired);
  }

  @Test
  void timersScheduledByTimersFireInTheSameAdvanceWhenDue() {
    List<String> fired = new ArrayList<>();
    clock.schedule(start + SECOND, () -> {
      fired.add("first");
      clock.schedule(clock.nanoTime() + SECOND, () -> fired.add("second"));
      clock.schedule(clock.nanoTime() + 10 * SECOND, () -> fired.add("third"));
    });
    clock.advance(Duration.ofSeconds(3));
    assertEquals(List.of("first", "second"), fired);
    assertEquals(1, clock.pendingTimers());
  }

  @Test
  void stopReturnsTrueOnlyBeforeTheTimerRanAndOnlyOnce() {
    List<String> fired = new ArrayList<>();
    Stop a = clock.schedule(start + SECOND, () -> fired.add("a"));
    Stop b = clock.schedule(start + SECOND, () -> fired.add("b"));
    assertTrue(a.stop());
    assertFalse(a.stop());
    clock.advance(Duration.ofSeconds(1));
    assertFalse(b.stop());
    assertEquals(List.of("b"), fired);
    assertEquals(0, clock.pendingTimers());
  }

  @Test
  void pastDeadlinesFireOnTheNextAdvanceEvenOfZero() {
    List<String> fired = new ArrayList<>();
    clock.schedule(start - SECOND, () -> fired.add("past"));
    clock.advance(Duration.ZERO);
    assertEquals(List.of("past"), fired);
    assertEquals(start, clock.nanoTime());
  }

  @Test
  void advanceToNextJumpsToTheEarliestTimer() {
    List<String> fired = new ArrayList<>();
    assertFalse(clock.advanceToNext());
    clock.schedule(start + 7 * SECOND, () -> fired.add("x"));
    assertEquals(clock.now().plusSeconds(7), clock.nextDeadline());
    assertTrue(clock.advanceToNext());
    assertEquals(List.of("x"), fired);
    assertEquals(start + 7 * SECOND, clock.nanoTime());
    assertNull(clock.nextDeadline());
  }

  @Test
  void badInputIsRejectedAndLeavesTimeAlone() {
    assertThrows(IllegalArgumentException.class, () -> clock.advance(Duration.ofNanos(-1)));
    assertThrows(IllegalArgumentException.class, () -> clock.advanceTo(clock.now().minusNanos(1)));
    assertThrows(NullPointerException.class, () -> clock.advance(null));
    assertThrows(NullPointerException.class, () -> clock.schedule(start, null));
    assertEquals(start, clock.nanoTime());
  }

  @Test
  void hugeAdvancesSaturateInsteadOfWrapping() {
    // Clamped to the latest deadline, never to Long.MAX_VALUE, which the library reads as "none".
    clock.advance(Duration.ofSeconds(Long.MAX_VALUE));
    assertEquals(Long.MAX_VALUE - 1, clock.nanoTime());
    clock.advance(Duration.ofDays(1));
    assertEquals(Long.MAX_VALUE - 1, clock.nanoTime());
  }

  @Test
  void contextDeadlinesFollowTheClockOfTheirRoot() {
    Context root = clock.background();
    CancellableContext outer = root.withTimeout(Duration.ofSeconds(10));
    CancellableContext inner = outer.withValue(io.jcontext.Key.of("k"), "v").withTimeout(Duration.ofSeconds(5));
    assertEquals(clock.now().plusSeconds(5), inner.deadline());
    assertEquals(Duration.ofSeconds(5), inner.remaining());
    clock.advance(Duration.ofSeconds(5).minusNanos(1));
    assertFalse(inner.isDone());
    clock.advance(Duration.ofNanos(1));
    assertTrue(inner.err() instanceof DeadlineExceededException);
    assertFalse(outer.isDone());
    clock.advance(Duration.ofSeconds(5));
    assertTrue(outer.err().isTimeout());
    assertEquals(0, clock.pendingTimers());
    assertTrue(root == clock.background());
  }

  @Test
  void cancellingBeforeTheDeadlineStopsTheTimer() {
    CancellableContext ctx = clock.background().withTimeout(Duration.ofHours(1));
    assertEquals(1, clock.pendingTimers());
    ctx.cancel();
    assertEquals(0, clock.pendingTimers());
  }

  @Test
  void awaitPendingTimersSeesAThreadReachItsTimedWait() throws Exception {
    Context root = clock.background();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    CountDownLatch woke = new CountDownLatch(1);
    Thread sleeper = new Thread(() -> {
      try {
        Context.sleep(root, Duration.ofMinutes(10));
        woke.countDown();
      } catch (Throwable t) {
        failure.set(t);
      }
    });
    sleeper.start();
    assertTrue(clock.awaitPendingTimers(1, Duration.ofSeconds(10)), "the sleeper never scheduled its timer");
    assertFalse(woke.await(50, TimeUnit.MILLISECONDS), "woke up although virtual time did not move");
    clock.advance(Duration.ofMinutes(10));
    assertTrue(woke.await(10, TimeUnit.SECONDS));
    sleeper.join(10_000);
    assertNull(failure.get());
    assertFalse(clock.awaitPendingTimers(1, Duration.ZERO));
  }
}
