package io.jcontext;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcontext.testing.VirtualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The one time arithmetic ({@code Clock.nanosOf}, {@code instantOf}, {@code deadlineAfter},
 * {@code between}, implemented once in {@code Nanos}) and its users agreeing at the edges: a
 * deadline is never clamped to {@code Long.MAX_VALUE}, which means "no deadline".
 */
class ClockArithmeticTest {
  private static final long LATEST = Long.MAX_VALUE - 1;

  @Test
  void instantsClampToTheLatestDeadlineNotToNone() {
    assertEquals(LATEST, Clock.nanosOf(Instant.MAX));
    assertEquals(Long.MIN_VALUE, Clock.nanosOf(Instant.MIN));
    assertEquals(LATEST, Clock.nanosOf(Clock.instantOf(Long.MAX_VALUE)));
    assertEquals(0, Clock.nanosOf(Instant.EPOCH));
    assertEquals(-1, Clock.nanosOf(Instant.EPOCH.minusNanos(1)));
  }

  @Test
  void instantsRoundTripExactly() {
    SplittableRandom r = new SplittableRandom(42);
    for (int i = 0; i < 10_000; i++) {
      long n = r.nextLong(Long.MIN_VALUE, LATEST);
      assertEquals(n, Clock.nanosOf(Clock.instantOf(n)), "nanos " + n);
    }
    assertEquals(Instant.parse("2262-04-11T23:47:16.854775806Z"), Clock.instantOf(LATEST));
    assertEquals(Instant.parse("1677-09-21T00:12:43.145224192Z"), Clock.instantOf(Long.MIN_VALUE));
  }

  @Test
  void durationsSaturate() {
    assertEquals(Long.MAX_VALUE, Clock.nanosOf(Duration.ofSeconds(Long.MAX_VALUE)));
    assertEquals(Long.MIN_VALUE, Clock.nanosOf(Duration.ofSeconds(Long.MIN_VALUE)));
    assertEquals(1_500_000_000L, Clock.nanosOf(Duration.ofMillis(1500)));
    assertEquals(-1, Clock.nanosOf(Duration.ofNanos(-1)));
  }

  @Test
  void deadlinesClampBothWays() {
    assertEquals(LATEST, Clock.deadlineAfter(LATEST, 1));
    assertEquals(LATEST, Clock.deadlineAfter(1, Long.MAX_VALUE));
    assertEquals(LATEST, Clock.deadlineAfter(Long.MAX_VALUE - 5, 5));
    assertEquals(Long.MIN_VALUE, Clock.deadlineAfter(Long.MIN_VALUE, -1));
    assertEquals(Long.MIN_VALUE, Clock.deadlineAfter(-10, Long.MIN_VALUE));
    assertEquals(15, Clock.deadlineAfter(10, 5));
  }

  @Test
  void betweenSaturates() {
    assertEquals(Long.MAX_VALUE, Clock.between(Long.MIN_VALUE, LATEST));
    assertEquals(Long.MIN_VALUE, Clock.between(LATEST, Long.MIN_VALUE));
    assertEquals(-5, Clock.between(10, 5));
  }

  /** The virtual clock clamps as the contexts do: a context there still has a deadline. */
  @Test
  void virtualClockAndContextsAgreeAtTheEnd() {
    VirtualClock clock = new VirtualClock();
    try (CancellableContext far = clock.background().withDeadline(Instant.MAX)) {
      assertNotNull(far.deadline(), "Instant.MAX is a deadline, not none");
      assertEquals(Clock.instantOf(LATEST), far.deadline());
      clock.advance(Duration.ofSeconds(Long.MAX_VALUE));
      assertEquals(LATEST, clock.nanoTime());
      assertTrue(far.isDone(), "the clock reached the latest deadline, so the context expired");
    }
    VirtualClock atEnd = new VirtualClock(Instant.MAX);
    assertEquals(LATEST, atEnd.nanoTime());
    try (CancellableContext c = atEnd.background().withTimeout(Duration.ofDays(1))) {
      assertTrue(c.isDone(), "a deadline clamped to now has passed");
    }
    assertFalse(new VirtualClock(Instant.MIN).background().withTimeout(Duration.ofDays(1)).isDone());
  }
}
