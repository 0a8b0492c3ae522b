package io.jcontext.samples.deadlines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcontext.CancellableContext;
import io.jcontext.DeadlineExceededException;
import io.jcontext.testing.VirtualClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class WallClockDeadlineTest {
  private final VirtualClock clock = new VirtualClock(Instant.parse("2026-05-29T16:59:59Z"));
  private final Instant five = Instant.parse("2026-05-29T17:00:00Z");

  @Test
  void firesAtTheInstantNotBefore() {
    CancellableContext ctx = WallClockDeadline.withDeadlineAt(clock.background(), five);
    assertEquals(five, ctx.deadline());
    clock.advance(Duration.ofMillis(999));
    assertNull(ctx.err());
    clock.advance(Duration.ofMillis(1));
    assertInstanceOf(DeadlineExceededException.class, ctx.err());
  }

  @Test
  void pastInstantIsDoneAtOnceWithoutATimer() {
    CancellableContext ctx = WallClockDeadline.withDeadlineAt(clock.background(), five.minusSeconds(3600));
    assertInstanceOf(DeadlineExceededException.class, ctx.err());
    assertEquals(0, clock.pendingTimers());
  }

  @Test
  void earlierParentDeadlineWins() {
    try (CancellableContext parent = clock.background().withTimeout(Duration.ofMillis(100));
         CancellableContext child = WallClockDeadline.withDeadlineAt(parent, clock.now().plusSeconds(3600))) {
      assertEquals(parent.deadline(), child.deadline());
      clock.advance(Duration.ofMillis(100));
      assertInstanceOf(DeadlineExceededException.class, child.err());
    }
  }

  @Test
  void minimumBudgetRefusesDoomedWorkAndAcceptsEnough() throws Exception {
    WallClockDeadline.InsufficientBudgetException e = assertThrows(WallClockDeadline.InsufficientBudgetException.class,
        () -> WallClockDeadline.withMinimumBudget(clock.background(), five, Duration.ofSeconds(2)));
    assertTrue(e.getMessage().startsWith("only PT1S"), e.getMessage());
    assertEquals(0, clock.pendingTimers(), "nothing was created");
    try (CancellableContext ok = WallClockDeadline.withMinimumBudget(clock.background(), five, Duration.ofMillis(500))) {
      assertFalse(ok.isDone());
      assertEquals(five, ok.deadline());
    }
  }

  @Test
  void tourStop() throws Exception {
    assertTrue(new WallClockDeadline().run().startsWith("17:00Z job: live at 16:59:59.999"));
  }
}
