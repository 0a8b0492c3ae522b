package io.jcontext.samples.cancel;

import io.jcontext.samples.values.RequestIds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcontext.CancellableContext;
import io.jcontext.DeadlineExceededException;
import io.jcontext.testing.VirtualClock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class AuditLogTest {
  private static final Duration LIVENESS = Duration.ofSeconds(10);

  @Test
  void shipsAfterTheRequestIsCancelledAndKeepsItsValues() throws Exception {
    VirtualClock clock = new VirtualClock();
    AuditLog.SlowSink sink = new AuditLog.SlowSink(Duration.ofMillis(200));
    CompletableFuture<String> shipped;
    try (CancellableContext request = RequestIds.withRequestId(clock.background(), "req-1").withCancel()) {
      shipped = AuditLog.logAfterRequest(request, "deleted invoice 9", sink, Duration.ofSeconds(5))
          .toCompletableFuture();
    } // request cancelled here, before the sink even started
    assertTrue(clock.awaitPendingTimers(2, LIVENESS)); // the ceiling and the sink's latency
    clock.advance(Duration.ofMillis(199));
    assertFalse(shipped.isDone());
    clock.advance(Duration.ofMillis(1));
    assertEquals("[req-1] deleted invoice 9", shipped.get(LIVENESS.toSeconds(), TimeUnit.SECONDS));
    assertEquals(List.of("[req-1] deleted invoice 9"), sink.shipped());
    assertEquals(0, clock.pendingTimers(), "the ceiling's timer is released after shipping");
  }

  @Test
  void stuckSinkIsReapedByTheCeiling() throws Exception {
    VirtualClock clock = new VirtualClock();
    AuditLog.SlowSink stuck = new AuditLog.SlowSink(Duration.ofSeconds(10));
    CompletableFuture<String> shipped = AuditLog.logAfterRequest(clock.background(), "x", stuck,
        Duration.ofSeconds(5)).toCompletableFuture();
    assertTrue(clock.awaitPendingTimers(2, LIVENESS));
    clock.advance(Duration.ofSeconds(5));
    Throwable failure = shipped.handle((v, t) -> t).get(LIVENESS.toSeconds(), TimeUnit.SECONDS);
    assertInstanceOf(DeadlineExceededException.class, failure);
    assertTrue(stuck.shipped().isEmpty());
    assertEquals(0, clock.pendingTimers(), "the sink's sleep was cancelled, nothing left behind");
  }

  @Test
  void tourStop() throws Exception {
    assertTrue(new AuditLog().run().contains("audit still shipped \"[req-7]"));
  }
}
