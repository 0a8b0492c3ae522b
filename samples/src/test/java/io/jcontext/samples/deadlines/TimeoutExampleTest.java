package io.jcontext.samples.deadlines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcontext.DeadlineExceededException;
import io.jcontext.samples.Eventually;
import io.jcontext.samples.Go;
import io.jcontext.testing.VirtualClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class TimeoutExampleTest {
  private static final Duration LIVENESS = Duration.ofSeconds(10);

  @Test
  void workFinishingBeforeTheTimeoutCompletes() throws Exception {
    VirtualClock clock = new VirtualClock();
    Go<TimeoutExample.Outcome> caller = Go.start("caller",
        () -> TimeoutExample.run(clock.background(), Duration.ofMillis(50), Duration.ofMillis(150)));
    assertTrue(clock.awaitPendingTimers(2, LIVENESS)); // the 150 ms timeout and the 50 ms of work
    clock.advance(Duration.ofMillis(50));
    TimeoutExample.Outcome o = caller.join(LIVENESS);
    assertEquals(new TimeoutExample.Data("123"), o.data());
    assertNull(o.error());
    assertEquals("work complete Data[userId=123]", o.toString());
    assertEquals(0, clock.pendingTimers(), "defer cancel(): the timeout timer is gone");
  }

  @Test
  void workLongerThanTheTimeoutIsCancelledAndStops() throws Exception {
    VirtualClock clock = new VirtualClock();
    Go<TimeoutExample.Outcome> caller = Go.start("caller",
        () -> TimeoutExample.run(clock.background(), Duration.ofMillis(200), Duration.ofMillis(150)));
    assertTrue(clock.awaitPendingTimers(2, LIVENESS));
    clock.advance(Duration.ofMillis(149));
    assertFalse(caller.isFinished());
    clock.advance(Duration.ofMillis(1));
    TimeoutExample.Outcome o = caller.join(LIVENESS);
    assertNull(o.data());
    assertInstanceOf(DeadlineExceededException.class, o.error());
    assertTrue(Eventually.holds(() -> clock.pendingTimers() == 0, LIVENESS),
        "the work's own sleep was cancelled with the context (the worker stops its timer as it wakes)");
  }

  @Test
  void tourStop() throws Exception {
    String line = new TimeoutExample().run();
    assertTrue(line.startsWith("50 ms of work: work complete"), line);
    assertTrue(line.contains("300 ms of work: work cancelled"), line);
  }
}
