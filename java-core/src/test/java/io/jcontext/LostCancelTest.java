package io.jcontext;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.jcontext.diagnostics.ContextDiagnostics;
import io.jcontext.diagnostics.DiagnosticReport;
import io.jcontext.testing.Bubble;
import io.jcontext.testing.VirtualClock;
import java.lang.ref.WeakReference;
import java.lang.reflect.Method;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/**
 * Lost-cancel detection: a dropped live context is reported after the collector reclaims its
 * handle, a cancelled one never; and the handle behaves exactly as the context it stands for.
 */
class LostCancelTest {
  private static final Key<String> USER = Key.of("user", String.class);
  private static final Key<String> ROLE = Key.of("role", String.class);

  private final DiagnosticsState state = new DiagnosticsState();

  @AfterEach
  void restore() {
    state.restore();
  }

  /** Collects garbage until {@code done}, checking (draining the queue) on this thread too. */
  private static void collectUntil(BooleanSupplier done, String what) {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos(); // a liveness bound only
    while (!done.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        fail("not within 30 s of collections: " + what);
      }
      System.gc();
      ContextDiagnostics.check();
    }
  }

  private static WeakReference<CancellableContext> droppedTimeout(Context parent) {
    CancellableContext c = parent.withTimeout(Duration.ofHours(1)); // never cancelled: the bug
    return new WeakReference<>(c);
  }

  private static WeakReference<CancellableContext> cancelledTimeout(Context parent) {
    CancellableContext c = parent.withTimeout(Duration.ofHours(1));
    c.cancel();
    return new WeakReference<>(c);
  }

  private static WeakReference<CancellableContext> droppedWithCancel(Context parent) {
    return new WeakReference<>(parent.withCancel());
  }

  private static WeakReference<CancellableContext> endedWithItsParent(Context parent) {
    return new WeakReference<>(parent.withTimeout(Duration.ofHours(1)));
  }

  @RepeatedTest(3)
  void aDroppedTimeoutIsReportedAfterCollectionAndACancelledOneNever() {
    ContextDiagnostics.setLostCancelDetection(true); // alone: sites are still sampled
    VirtualClock clock = new VirtualClock();
    Context root = clock.background();
    CancellableContext request = root.withCancel();
    WeakReference<CancellableContext> cancelled = cancelledTimeout(root);
    WeakReference<CancellableContext> dropped = droppedTimeout(root);
    WeakReference<CancellableContext> droppedPlain = droppedWithCancel(root);
    WeakReference<CancellableContext> withParent = endedWithItsParent(request);
    request.cancel();
    clock.advance(Duration.ofMinutes(3));
    assertEquals(2, clock.pendingTimers(), "the dropped timeout and the detached child of the request"
        + " keep their timers until their deadline (the documented trade-off of detached children)");

    // Every watch processed, too: the collector clears this test's weak references before the
    // reference handler thread queues the engine's, so a cleared reference is not yet a drained
    // watch (the handle of withParent, never cancelled through itself, is only dropped there).
    collectUntil(() -> dropped.get() == null && cancelled.get() == null && droppedPlain.get() == null
        && withParent.get() == null && state.reportsFrom("droppedTimeout").size() == 1
        && state.reportsFrom("droppedWithCancel").size() == 1 && Diagnostics.watchedHandles() == 0,
        "the reports of the dropped contexts, and no watched handle left");
    for (int i = 0; i < 2; i++) { // and later collections add nothing
      System.gc();
      ContextDiagnostics.check();
    }

    DiagnosticReport r = state.reportsFrom("droppedTimeout").get(0);
    assertEquals(DiagnosticReport.Kind.LOST_CANCEL, r.kind());
    assertEquals("withDeadline", r.contextKind());
    assertEquals(1, r.count());
    assertEquals(Duration.ofMinutes(3), r.oldestAge());
    assertTrue(r.message().startsWith("jcontext: lost cancel: a withDeadline context became unreachable"
        + " without being cancelled (age 3m)"), r.message());
    assertTrue(r.message().contains("\n\tat io.jcontext.LostCancelTest.droppedTimeout(LostCancelTest.java:"),
        r.message());
    assertEquals("withCancel", state.reportsFrom("droppedWithCancel").get(0).contextKind());
    assertEquals(List.of(), state.reportsFrom("cancelledTimeout"), "cancelled: never reported");
    assertEquals(List.of(), state.reportsFrom("endedWithItsParent"), "done with its parent: nothing lost");
    assertEquals(2, state.reports.size(), state.reports::toString);

    clock.advance(Duration.ofHours(1)); // the reported context still works: its timer fires
    assertEquals(0, clock.pendingTimers());
  }

  @Test
  void withoutSamplingTheReportSaysHowToRecordTheSite() {
    ContextDiagnostics.setLostCancelDetection(true);
    ContextDiagnostics.setSamplingRate(Integer.MAX_VALUE);
    VirtualClock clock = new VirtualClock();
    WeakReference<CancellableContext> dropped = droppedTimeout(clock.background());
    collectUntil(() -> dropped.get() == null && state.reports.size() == 1, "the report");
    DiagnosticReport r = state.reports.get(0);
    assertEquals(List.of(), r.site());
    assertTrue(r.message().endsWith("Creation site not recorded (one context in 2147483647 is sampled;"
        + " set jcontext.diagnostics.sampling=1 and jcontext.diagnostics=true to record all)."), r.message());
  }

  /** An integration's context type: its parent may be a handle. */
  static final class Integration extends ChildContext {
    Integration(Context parent) {
      super(parent);
    }
  }

  @Test
  void aHandleBehavesExactlyAsItsContext() {
    ContextDiagnostics.setLostCancelDetection(true);
    VirtualClock clock = new VirtualClock();
    Context root = clock.background().withValue(USER, "ann");
    CancellableContext h = root.withTimeout(Duration.ofSeconds(10));
    assertInstanceOf(CancelHandle.class, h);
    CancelCtx inner = (CancelCtx) Tree.unwrap(h);
    assertEquals("ann", h.value(USER));
    assertEquals(clock.now().plusSeconds(10), h.deadline());
    assertEquals(inner.deadline(), h.deadline());
    assertEquals(Duration.ofSeconds(10), h.remaining());
    assertSame(clock, h.clock());
    assertEquals(inner.toString(), h.toString());
    assertNull(h.err());
    assertNull(h.cause());

    // Children are children of the context itself: they never keep the handle reachable.
    CancellableContext child = h.withCancel();
    assertSame(inner, ((CancelCtx) Tree.unwrap(child)).parent);
    Context value = h.withValue(ROLE, "admin");
    assertSame(inner, ((ValueCtx) value).parent);
    assertEquals("ann", value.value(USER));
    assertSame(inner, ((WithoutCancelCtx) h.withoutCancel()).parent);
    assertSame(inner, ((CancelCtx) Tree.unwrap(h.withDeadline(clock.now().plusSeconds(60)))).parent);
    assertSame(inner, ((CancelCtx) Tree.unwrap(h.withDeadline(clock.now().plusSeconds(60), new Exception("d")))).parent);
    assertSame(inner, ((CancelCtx) Tree.unwrap(h.withTimeout(Duration.ofSeconds(60)))).parent);
    assertSame(inner, ((CancelCtx) Tree.unwrap(h.withTimeout(Duration.ofSeconds(60), new Exception("t")))).parent);
    Integration integration = new Integration(h);
    assertSame(inner, integration.parent);
    assertEquals(h.deadline(), integration.deadline());
    CancellableContext viaForeign = new OtherContext(h).withCancel(); // follows h through onDone

    AtomicInteger ran = new AtomicInteger();
    h.onDone(ran::incrementAndGet);
    h.afterFunc(ran::incrementAndGet, Runnable::run);
    CompletableFuture<Void> done = h.done().toCompletableFuture();
    assertSame(inner.done(), h.done());
    child.done();
    assertTrue(((CancelCtx) Tree.unwrap(child)).attached(), "the child attached to the context");
    assertFalse(done.isDone());

    clock.advance(Duration.ofSeconds(10));
    assertTrue(h.isDone());
    assertInstanceOf(DeadlineExceededException.class, h.err());
    assertSame(h.err(), child.err(), "descendants share the err");
    assertSame(h.err(), integration.err());
    assertTrue(value.isDone());
    assertSame(h.err(), viaForeign.err());
    assertEquals(2, ran.get());
    assertTrue(done.isDone());
    assertFalse(h.cancel(), "already done");
    assertEquals(0, TestHooks.registrations(h));
    assertEquals(0, clock.pendingTimers());

    CancellableContext h2 = root.withCancel();
    CancellableContext c2 = h2.withCancel();
    Exception cause = new Exception("shutdown");
    assertTrue(h2.cancel(cause));
    assertSame(cause, h2.cause());
    assertSame(cause, c2.cause());
    assertFalse(h2.cancel());
    try (CancellableContext h3 = root.withCancel()) {
      assertFalse(h3.isDone());
    }
  }

  /**
   * The derive factories take their parent as it is (no type test on the creation path), so a
   * handle must never reach them as {@code this}: each derive method, and afterFunc, is the
   * context's own. Fails for a derive method added to Context and not delegated here.
   */
  @Test
  void everyDeriveMethodOfAHandleIsTheContextsOwn() throws Exception {
    List<String> inherited = new ArrayList<>();
    for (Method m : Context.class.getMethods()) {
      if (m.isDefault() && (m.getName().startsWith("with") || m.getName().equals("afterFunc"))
          && CancelHandle.class.getMethod(m.getName(), m.getParameterTypes()).getDeclaringClass()
              != CancelHandle.class) {
        inherited.add(m.toString());
      }
    }
    assertEquals(List.of(), inherited, "derive methods a handle inherits from Context");
  }

  @Test
  void aHandleWorksInABubble() throws Exception {
    ContextDiagnostics.setLostCancelDetection(true);
    ContextDiagnostics.setTracking(true);
    Instant end = Bubble.call(b -> {
      try (CancellableContext t = b.context().withTimeout(Duration.ofSeconds(5))) {
        assertInstanceOf(CancelHandle.class, t);
        assertThrows(DeadlineExceededException.class, () -> Context.sleep(t, Duration.ofSeconds(10)));
      }
      return b.clock().now();
    });
    assertEquals(io.jcontext.testing.VirtualClock.DEFAULT_START.plusSeconds(5), end);
  }
}
