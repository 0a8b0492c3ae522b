package io.jcontext;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcontext.diagnostics.ContextDiagnostics;
import io.jcontext.diagnostics.DerivationTrace;
import io.jcontext.diagnostics.DiagnosticReport;
import io.jcontext.diagnostics.LiveContexts;
import io.jcontext.testing.VirtualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The diagnostics' dump, derivation trace, switches, listeners and bad input, on virtual time.
 * Sites are told apart by the method that created the context (each helper creates at one line).
 */
class ContextDiagnosticsTest {
  private static final Key<String> USER = Key.of("user", String.class);
  private static final Key<String> REQUEST = Key.of("requestId", String.class);

  private final DiagnosticsState state = new DiagnosticsState();

  @AfterEach
  void restore() {
    state.restore();
  }

  private static CancellableContext siteA(Context parent) {
    return parent.withCancel();
  }

  private static CancellableContext siteB(Context parent) {
    return parent.withTimeout(Duration.ofHours(1));
  }

  private static CancellableContext siteG(Context parent) {
    return parent.withCancel();
  }

  private static String method(List<StackTraceElement> site) {
    return site.isEmpty() ? "" : site.get(0).getMethodName();
  }

  @Test
  void dumpGroupsLiveDescendantsBySiteWithCountsAndAges() {
    ContextDiagnostics.setTracking(true);
    VirtualClock clock = new VirtualClock();
    CancellableContext root = clock.background().withCancel();
    List<CancellableContext> as = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      as.add(siteA(root)); // a group is one creation stack, as in a goroutine profile: one line here
    }
    CancellableContext a3 = as.get(2);
    clock.advance(Duration.ofSeconds(10));
    Context values = root.withValue(USER, "ann");
    List<CancellableContext> bs = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      bs.add(siteB(values));
    }
    CancellableContext b1 = bs.get(0);
    clock.advance(Duration.ofSeconds(5));
    CancellableContext g = siteG(b1);
    a3.cancel();

    LiveContexts dump = ContextDiagnostics.dump(root);
    assertEquals(5, dump.total());
    assertEquals(3, dump.groups().size(), dump::toString);
    LiveContexts.Group a = dump.groups().get(0);
    assertEquals("siteA", method(a.site()));
    assertEquals("withCancel", a.contextKind());
    assertEquals(2, a.count(), "a3 is cancelled");
    assertEquals(Duration.ofSeconds(15), a.oldest());
    assertEquals(Duration.ofSeconds(15), a.youngest());
    LiveContexts.Group b = dump.groups().get(1);
    assertEquals("siteB", method(b.site()));
    assertEquals("withDeadline", b.contextKind());
    assertEquals(2, b.count());
    assertEquals(Duration.ofSeconds(5), b.oldest());
    LiveContexts.Group gg = dump.groups().get(2);
    assertEquals("siteG", method(gg.site()));
    assertEquals(1, gg.count());
    assertEquals(Duration.ZERO, gg.oldest());
    String text = dump.toString();
    assertTrue(text.startsWith("5 live contexts under "), text);
    assertTrue(text.contains("2 @ withCancel, ages 15s to 15s\n\tat io.jcontext.ContextDiagnosticsTest.siteA("), text);

    assertEquals(1, ContextDiagnostics.dump(b1).total(), "only g is below b1");
    assertEquals(3, ContextDiagnostics.dump(values).total(), "b1, b2 and g are below the value context");
    assertEquals(0, ContextDiagnostics.dump(g).total());
    assertTrue(ContextDiagnostics.dump(g).groups().isEmpty());

    root.cancel();
    assertEquals(0, ContextDiagnostics.dump(root).total(), "done contexts are not live");
    assertEquals(0, ContextDiagnostics.dump(clock.background()).total());
    for (CancellableContext c : List.of(as.get(0), as.get(1), bs.get(1))) {
      assertTrue(c.isDone());
    }
  }

  @Test
  void unsampledContextsGroupByKindWithoutSite() {
    ContextDiagnostics.setTracking(true);
    ContextDiagnostics.setSamplingRate(Integer.MAX_VALUE); // practically never sampled
    VirtualClock clock = new VirtualClock();
    CancellableContext root = clock.background().withCancel();
    List<CancellableContext> kids = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      kids.add(siteA(root));
    }
    LiveContexts dump = ContextDiagnostics.dump(root);
    assertEquals(10, dump.total());
    assertEquals(1, dump.groups().size());
    assertTrue(dump.groups().get(0).site().isEmpty());
    assertTrue(dump.toString().contains("(creation site not sampled)"), dump::toString);
    root.cancel();
  }

  @Test
  void contextsCreatedWhileTrackingWasOffAreNotTracked() {
    VirtualClock clock = new VirtualClock();
    CancellableContext root = clock.background().withCancel();
    CancellableContext before = siteA(root);
    assertNull(((CancelCtx) Tree.unwrap(before)).origin(), "no origin while every diagnostic is off");
    ContextDiagnostics.setTracking(true);
    assertTrue(ContextDiagnostics.isTracking());
    CancellableContext during = siteA(root);
    assertNotNull(((CancelCtx) Tree.unwrap(during)).origin());
    assertEquals(1, ContextDiagnostics.dump(root).total());
    ContextDiagnostics.setTracking(false);
    assertFalse(ContextDiagnostics.isTracking());
    assertEquals(0, ContextDiagnostics.dump(root).total(), "off forgets the tracked contexts");
    CancellableContext after = siteA(root);
    assertNull(((CancelCtx) Tree.unwrap(after)).origin());
    ContextDiagnostics.setTracking(true);
    assertEquals(0, ContextDiagnostics.dump(root).total(), "and does not find them again");
    CancellableContext again = siteA(root);
    assertEquals(1, ContextDiagnostics.dump(root).total());
    root.cancel();
    assertTrue(before.isDone() && during.isDone() && after.isDone() && again.isDone());
  }

  @Test
  void traceNamesEachStepUpToTheRoot() {
    VirtualClock clock = new VirtualClock();
    Context untracked = clock.background().withValue(REQUEST, "r-1").withCancel();
    ContextDiagnostics.setTracking(true);
    CancellableContext server = siteA(untracked);
    clock.advance(Duration.ofSeconds(3));
    CancellableContext call = siteB(server);
    Context detached = call.withoutCancel().withValue(USER, "bob");
    CancellableContext background = siteG(detached);
    call.cancel();

    DerivationTrace trace = ContextDiagnostics.trace(background);
    List<String> kinds = trace.steps().stream().map(DerivationTrace.Step::kind).toList();
    assertEquals(List.of("withCancel", "withValue(user)", "withoutCancel", "withDeadline", "withCancel",
        "withCancel", "withValue(requestId)", "background"), kinds);
    List<DerivationTrace.Step> s = trace.steps();
    assertEquals("siteG", method(s.get(0).site()));
    assertEquals(Duration.ZERO, s.get(0).age());
    assertFalse(s.get(0).done(), "withoutCancel cuts the cancellation");
    assertEquals("siteB", method(s.get(3).site()));
    assertTrue(s.get(3).done());
    assertEquals(Duration.ZERO, s.get(3).age());
    assertEquals("siteA", method(s.get(4).site()));
    assertEquals(Duration.ofSeconds(3), s.get(4).age());
    assertTrue(s.get(5).site().isEmpty(), "created before tracking was on");
    assertNull(s.get(5).age());
    assertEquals("traceNamesEachStepUpToTheRoot", method(s.get(1).site()), "value contexts have sites too");
    assertEquals(Duration.ZERO, s.get(1).age());
    String text = trace.toString();
    assertTrue(text.startsWith("withCancel, age 0s, at io.jcontext.ContextDiagnosticsTest.siteG("), text);
    assertTrue(text.contains("\nwithDeadline (done), age 0s, at io.jcontext.ContextDiagnosticsTest.siteB("), text);
    assertTrue(text.endsWith("\nwithValue(requestId)\nbackground\n"), text);

    assertEquals(List.of("background"),
        ContextDiagnostics.trace(Context.background()).steps().stream().map(DerivationTrace.Step::kind).toList());
    ((CancellableContext) untracked).cancel();
    background.cancel();
  }

  @Test
  void aTrackedValueContextIsNotKeptAliveByItsRecordedSite() throws InterruptedException {
    ContextDiagnostics.setTracking(true);
    java.lang.ref.WeakReference<Context> ref = new java.lang.ref.WeakReference<>(
        Context.background().withValue(USER, "gone"));
    assertTrue(TestSupport.gcUntilCleared(ref), "the value context was collected");
    Context kept = Context.background().withValue(USER, "kept");
    assertEquals("aTrackedValueContextIsNotKeptAliveByItsRecordedSite",
        method(ContextDiagnostics.trace(kept).steps().get(0).site()));
    ContextDiagnostics.setTracking(false);
    assertTrue(ContextDiagnostics.trace(kept).steps().get(0).site().isEmpty(), "tracking off forgets the sites");
  }

  @Test
  void traceOfAForeignContextNamesItsClass() {
    Context foreign = new OtherContext(Context.background());
    DerivationTrace trace = ContextDiagnostics.trace(foreign.withCancel());
    assertEquals(List.of("withCancel", OtherContext.class.getName()),
        trace.steps().stream().map(DerivationTrace.Step::kind).toList());
  }

  @Test
  void everyApiRejectsBadInputClearlyAndKeepsItsState() {
    ContextDiagnostics.setSamplingRate(7);
    assertEquals("ctx", assertThrows(NullPointerException.class, () -> ContextDiagnostics.dump(null)).getMessage());
    assertEquals("ctx", assertThrows(NullPointerException.class, () -> ContextDiagnostics.trace(null)).getMessage());
    assertEquals("listener",
        assertThrows(NullPointerException.class, () -> ContextDiagnostics.addListener(null)).getMessage());
    for (int bad : new int[] {0, -1, Integer.MIN_VALUE}) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> ContextDiagnostics.setSamplingRate(bad));
      assertTrue(e.getMessage().contains("sampling rate must be at least 1"), e.getMessage());
      assertEquals(7, ContextDiagnostics.samplingRate(), "unchanged");
    }
    ContextDiagnostics.setLeakThreshold(Duration.ofSeconds(42));
    assertEquals("threshold",
        assertThrows(NullPointerException.class, () -> ContextDiagnostics.setLeakThreshold(null)).getMessage());
    assertThrows(IllegalArgumentException.class, () -> ContextDiagnostics.setLeakThreshold(Duration.ZERO));
    assertThrows(IllegalArgumentException.class, () -> ContextDiagnostics.setLeakThreshold(Duration.ofSeconds(-1)));
    assertEquals(Duration.ofSeconds(42), ContextDiagnostics.leakThreshold());
    assertEquals("period",
        assertThrows(NullPointerException.class, () -> ContextDiagnostics.setLeakCheckPeriod(null)).getMessage());
    assertThrows(IllegalArgumentException.class, () -> ContextDiagnostics.setLeakCheckPeriod(Duration.ofMillis(-1)));
    assertEquals(Duration.ZERO, ContextDiagnostics.leakCheckPeriod());
    assertFalse(ContextDiagnostics.isTracking());
    assertFalse(ContextDiagnostics.isLostCancelDetection());
  }

  @Test
  void aThrowingListenerBreaksNothing() {
    ContextDiagnostics.setTracking(true);
    AtomicInteger calls = new AtomicInteger();
    Stop thrower = ContextDiagnostics.addListener(r -> {
      calls.incrementAndGet();
      throw new IllegalStateException("listener bug");
    });
    try {
      VirtualClock clock = new VirtualClock();
      CancellableContext root = clock.background().withCancel();
      CancellableContext leaked = siteA(root);
      clock.advance(Duration.ofMinutes(2));
      List<DiagnosticReport> found = ContextDiagnostics.check();
      assertEquals(1, found.size());
      assertEquals(1, calls.get());
      assertEquals(found, state.reports, "the other listener still got the report");
      CancellableContext second = siteB(root);
      clock.advance(Duration.ofMinutes(2));
      assertEquals(1, ContextDiagnostics.check().size(), "a second report, after the listener failed");
      assertEquals(2, calls.get());
      assertEquals(2, state.reports.size());
      root.cancel();
      assertTrue(leaked.isDone() && second.isDone());
    } finally {
      assertTrue(thrower.stop());
      assertFalse(thrower.stop());
    }
  }

  @Test
  void switchingLostCancelDetectionAtRunTime() {
    VirtualClock clock = new VirtualClock();
    CancellableContext root = clock.background().withCancel();
    assertInstanceOf(CancelCtx.class, root, "off: the context itself");
    ContextDiagnostics.setLostCancelDetection(true);
    assertTrue(ContextDiagnostics.isLostCancelDetection());
    CancellableContext watched = root.withCancel();
    assertInstanceOf(CancelHandle.class, watched, "on: a handle");
    assertInstanceOf(CancelHandle.class, root.withTimeout(Duration.ofHours(1)));
    assertInstanceOf(CancelHandle.class, root.withDeadline(clock.now().plusSeconds(5), new Exception()));
    assertTrue(Diagnostics.watchedHandles() >= 3);
    ContextDiagnostics.setLostCancelDetection(false);
    assertEquals(0, Diagnostics.watchedHandles(), "off forgets the handles");
    assertInstanceOf(CancelCtx.class, root.withCancel());
    assertFalse(watched.isDone(), "handles keep working");
    root.cancel();
    assertTrue(watched.isDone());
    assertFalse(watched.cancel());
  }

  @Test
  void theGateAloneIsOnOnlyWhileADiagnosticIs() {
    assertEquals(0, Origin.mode);
    ContextDiagnostics.setTracking(true);
    assertEquals(Origin.TRACKING, Origin.mode);
    ContextDiagnostics.setLostCancelDetection(true);
    assertEquals(Origin.TRACKING | Origin.LOST_CANCEL, Origin.mode);
    ContextDiagnostics.setTracking(false);
    assertEquals(Origin.LOST_CANCEL, Origin.mode);
    ContextDiagnostics.setLostCancelDetection(false);
    assertEquals(0, Origin.mode);
    assertSame(null, Origin.capture(Clock.system()));
  }

  /**
   * The gate is a constant in compiled code while off; turning a diagnostic on must still reach
   * a thread whose creation path was compiled against "off", for the first context it creates
   * after the switch (in happens-before order), and turning it off must reach it the same way.
   */
  @Test
  void switchReachesCreationCodeCompiledWhileTheGateHadTheOtherValue() throws Exception {
    ContextDiagnostics.setSamplingRate(Integer.MAX_VALUE); // origins without stack walks: this is about the gate
    CancellableContext root = Context.background().withCancel();
    java.util.concurrent.SynchronousQueue<Boolean> toCreator = new java.util.concurrent.SynchronousQueue<>();
    java.util.concurrent.SynchronousQueue<CancellableContext> fromCreator = new java.util.concurrent.SynchronousQueue<>();
    Thread creator = new Thread(() -> {
      try {
        while (toCreator.take()) {
          for (int i = 0; i < 100_000; i++) { // compiled with the gate as it is now
            root.withCancel().cancel();
          }
          fromCreator.put(root.withCancel()); // warm: the caller switches the gate now
          toCreator.take();
          fromCreator.put(root.withCancel()); // the first context after the switch
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "gate-creator");
    creator.start();
    try {
      for (boolean on : new boolean[] {true, false, true, false}) {
        toCreator.put(true);
        CancellableContext warm = fromCreator.take();
        assertEquals(!on, ((CancelCtx) warm).origin() != null, "before the switch");
        ContextDiagnostics.setTracking(on);
        toCreator.put(true);
        CancellableContext first = fromCreator.take();
        assertEquals(on, ((CancelCtx) first).origin() != null, "the first context after switching tracking " + (on ? "on" : "off"));
        warm.cancel();
        first.cancel();
      }
      toCreator.put(false);
      creator.join(TestSupport.LIVENESS.toMillis());
      assertFalse(creator.isAlive());
    } finally {
      creator.interrupt();
      root.cancel();
    }
  }
}
