package io.jcontext.samples.cancel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcontext.ContextCancelledException;
import io.jcontext.testing.VirtualClock;
import java.util.List;
import org.junit.jupiter.api.Test;

class ThreeWorkersTest {

  @Test
  void grandchildCancelsTheRootAndAllThreeStopWithOneError() throws Exception {
    VirtualClock clock = new VirtualClock();
    ThreeWorkers.Result r = ThreeWorkers.run(clock.background()); // the clock never moves: no work ends by time
    assertEquals(3, r.errors().size());
    assertInstanceOf(ContextCancelledException.class, r.errors().get(0));
    for (var e : r.errors()) {
      assertSame(r.errors().get(0), e, "one cancellation, one shared error instance");
    }
    List<String> events = r.events();
    for (int id = 1; id <= 3; id++) {
      assertTrue(events.contains("worker " + id + " cancelled"), events.toString());
      assertTrue(!events.contains("worker " + id + " end work"), events.toString());
    }
    assertTrue(events.indexOf("worker 3 begin work") < events.indexOf("worker 3 ran cancel"));
    assertEquals(0, clock.pendingTimers(), "every 3 s wait was cancelled, no timer left");
  }

  @Test
  void tourStop() throws Exception {
    assertTrue(new ThreeWorkers().run().startsWith("3 of 3 workers cancelled"));
  }
}
