package io.jcontext.samples.cancel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcontext.CancellableContext;
import io.jcontext.ContextCancelledException;
import io.jcontext.DeadlineExceededException;
import io.jcontext.samples.Go;
import io.jcontext.testing.VirtualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class ProcessItemsTest {
  private static final Duration LIVENESS = Duration.ofSeconds(10);

  private static List<String> items(int n) {
    List<String> items = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      items.add("i" + i);
    }
    return items;
  }

  @Test
  void cancelAfter120msStopsAfterTwoItemsWithCtxErr() throws Exception {
    VirtualClock clock = new VirtualClock();
    CancellableContext ctx = clock.background().withCancel();
    List<String> seen = new CopyOnWriteArrayList<>();
    Go<List<String>> work = Go.start("work", () -> ProcessItems.process(ctx, items(100), ProcessItems.COST, seen::add));
    for (Duration step : List.of(Duration.ofMillis(50), Duration.ofMillis(50), Duration.ofMillis(20))) {
      assertTrue(clock.awaitPendingTimers(1, LIVENESS));
      clock.advance(step);
    }
    assertTrue(clock.awaitPendingTimers(1, LIVENESS)); // item 3 is under way
    ctx.cancel();
    Throwable failure = work.failure(LIVENESS);   // no further virtual time needed: the sleep is cancellable
    assertSame(ctx.err(), failure, "returns ctx.err() itself, not a wrapper");
    assertInstanceOf(ContextCancelledException.class, failure);
    assertEquals(List.of("processed:i0", "processed:i1"), seen);
    assertEquals(0, clock.pendingTimers(), "the cancelled sleep left no timer");
  }

  @Test
  void deadlineSurfacesAsDeadlineExceeded() throws Exception {
    VirtualClock clock = new VirtualClock();
    CancellableContext ctx = clock.background().withTimeout(Duration.ofMillis(120));
    List<String> seen = new CopyOnWriteArrayList<>();
    Go<List<String>> work = Go.start("work", () -> ProcessItems.process(ctx, items(100), ProcessItems.COST, seen::add));
    for (Duration step : List.of(Duration.ofMillis(50), Duration.ofMillis(50), Duration.ofMillis(20))) {
      assertTrue(clock.awaitPendingTimers(2, LIVENESS)); // the deadline and the current item's sleep
      clock.advance(step);
    }
    Throwable failure = work.failure(LIVENESS);
    assertInstanceOf(DeadlineExceededException.class, failure);
    assertSame(ctx.err(), failure);
    assertEquals(2, seen.size());
  }

  @Test
  void finishesAllItemsWhenNotCancelled() throws Exception {
    VirtualClock clock = new VirtualClock();
    try (CancellableContext ctx = clock.background().withCancel()) {
      Go<List<String>> work = Go.start("work", () -> ProcessItems.process(ctx, items(3), ProcessItems.COST, s -> {}));
      for (int i = 0; i < 3; i++) {
        assertTrue(clock.awaitPendingTimers(1, LIVENESS));
        clock.advance(ProcessItems.COST);
      }
      assertEquals(List.of("processed:i0", "processed:i1", "processed:i2"), work.join(LIVENESS));
    }
  }

  @Test
  void alreadyCancelledProcessesNothing() {
    CancellableContext ctx = new VirtualClock().background().withCancel();
    ctx.cancel();
    List<String> seen = new ArrayList<>();
    ContextCancelledException e = assertThrows(ContextCancelledException.class,
        () -> ProcessItems.process(ctx, items(5), ProcessItems.COST, seen::add));
    assertSame(ctx.err(), e);
    assertTrue(seen.isEmpty());
    assertFalse(e.isTimeout());
  }

  @Test
  void tourStop() throws Exception {
    assertTrue(new ProcessItems().run().contains("ContextCancelledException"));
  }
}
