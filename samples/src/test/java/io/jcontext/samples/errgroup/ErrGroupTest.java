package io.jcontext.samples.errgroup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcontext.samples.Go;
import io.jcontext.testing.VirtualClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ErrGroupTest {

  @Test
  void firstErrorCancelsSiblingsAndAwaitReportsItAt50ms() throws Exception {
    VirtualClock clock = new VirtualClock();
    Go<ErrGroup.Result> run = Go.start("group", () -> ErrGroup.run(clock.background()));
    assertTrue(clock.awaitPendingTimers(3, Duration.ofSeconds(10)), "three tasks sleeping");
    clock.advance(Duration.ofMillis(50)); // only the failing task's time passes
    ErrGroup.Result r = run.join(Duration.ofSeconds(10));
    assertInstanceOf(ErrGroup.StepFailedException.class, r.awaited());
    assertEquals(2, r.siblingsSaw().size(), "both siblings stopped early");
    for (Throwable cause : r.siblingsSaw()) {
      assertSame(r.awaited(), cause, "siblings saw the failure as their context's cause");
    }
    assertEquals(VirtualClock.DEFAULT_START.plusMillis(50), clock.now(), "nobody waited for 200 ms");
    assertEquals(0, clock.pendingTimers(), "the siblings' sleeps were cancelled");
  }

  @Test
  void tourStop() throws Exception {
    assertTrue(new ErrGroup().run().startsWith("await threw StepFailedException"));
  }
}
