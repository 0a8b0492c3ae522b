package io.jcontext;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcontext.diagnostics.ContextDiagnostics;
import io.jcontext.diagnostics.DiagnosticReport;
import io.jcontext.testing.VirtualClock;
import java.lang.ref.Reference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The detector of contexts that stay live under a long-lived parent: a planted leak is found with
 * its site, each group once, and well-behaved code is never reported. Virtual time and explicit
 * {@code check()} calls only.
 */
class LeakDetectorTest {
  private final DiagnosticsState state = new DiagnosticsState();

  @AfterEach
  void restore() {
    state.restore();
  }

  /** The planted leak: a child per request, never cancelled. */
  private static CancellableContext leakyHandler(Context server) {
    return server.withCancel();
  }

  @Test
  void findsAThousandChildrenNeverCancelledUnderALiveParent() {
    ContextDiagnostics.setTracking(true);
    ContextDiagnostics.setLeakThreshold(Duration.ofMinutes(1));
    VirtualClock clock = new VirtualClock();
    CancellableContext server = clock.background().withCancel(); // under a root: never reported
    List<CancellableContext> leaked = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      leaked.add(leakyHandler(server));
    }
    clock.advance(Duration.ofSeconds(60));
    assertEquals(List.of(), ContextDiagnostics.check(), "live for exactly the threshold: not longer");
    clock.advance(Duration.ofSeconds(1));

    List<DiagnosticReport> found = ContextDiagnostics.check();
    assertEquals(1, found.size(), found::toString);
    DiagnosticReport r = found.get(0);
    assertEquals(DiagnosticReport.Kind.LONG_LIVED, r.kind());
    assertEquals(1000, r.count());
    assertEquals("withCancel", r.contextKind());
    assertEquals(Duration.ofSeconds(61), r.oldestAge());
    StackTraceElement site = r.site().get(0);
    assertEquals(LeakDetectorTest.class.getName(), site.getClassName());
    assertEquals("leakyHandler", site.getMethodName());
    assertTrue(r.message().startsWith("jcontext: 1000 withCancel contexts have stayed live under a live"
        + " cancellable parent for longer than 1m (oldest: 1m1s)."), r.message());
    assertTrue(r.message().contains("\n\tat io.jcontext.LeakDetectorTest.leakyHandler(LeakDetectorTest.java:"),
        r.message());
    assertEquals(found, state.reports, "delivered to the listener too");

    clock.advance(Duration.ofMinutes(5));
    assertEquals(List.of(), ContextDiagnostics.check(), "each group is reported once");
    server.cancel();
    assertTrue(leaked.stream().allMatch(Context::isDone));
    assertEquals(List.of(), ContextDiagnostics.check());
    assertEquals(1, state.reports.size());
  }

  @Test
  void longLivedChildrenOfARootOrOfWithoutCancelAreByDesign() {
    ContextDiagnostics.setTracking(true);
    VirtualClock clock = new VirtualClock();
    CancellableContext server = clock.background().withCancel();
    CancellableContext detachedWork = server.withoutCancel().withCancel();
    clock.advance(Duration.ofHours(1));
    assertEquals(List.of(), ContextDiagnostics.check());
    server.cancel();
    detachedWork.cancel();
  }

  @Test
  void aChildOfADoneParentIsNotReported() {
    ContextDiagnostics.setTracking(true);
    VirtualClock clock = new VirtualClock();
    CancellableContext server = clock.background().withCancel();
    CancellableContext request = server.withCancel();
    Context foreignOverDone = new OtherContext(request);
    CancellableContext child = foreignOverDone.withCancel(); // follows request through onDone
    clock.advance(Duration.ofHours(1));
    request.cancel();
    assertTrue(child.isDone());
    assertEquals(List.of(), ContextDiagnostics.check());
    server.cancel();
  }

  @Test
  void periodicChecksRunOnTheDaemonThreadOnlyWhileOn() throws InterruptedException {
    ContextDiagnostics.setTracking(true);
    assertFalse(Diagnostics.workerRunning(), "no periodic checks, no lost-cancel detection: no thread");
    VirtualClock clock = new VirtualClock();
    CancellableContext server = clock.background().withCancel();
    List<CancellableContext> leaked = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      leaked.add(leakyHandler(server));
    }
    clock.advance(Duration.ofMinutes(2));
    CountDownLatch reported = new CountDownLatch(1);
    List<String> threads = new CopyOnWriteArrayList<>();
    Stop listening = ContextDiagnostics.addListener(r -> {
      threads.add(Thread.currentThread().getName());
      reported.countDown();
    });
    ContextDiagnostics.setLeakCheckPeriod(Duration.ofMillis(10));
    assertTrue(Diagnostics.workerRunning());
    assertTrue(reported.await(30, TimeUnit.SECONDS), "liveness bound"); // not a timing
    ContextDiagnostics.setLeakCheckPeriod(Duration.ZERO);
    assertFalse(Diagnostics.workerRunning());
    listening.stop();
    assertEquals(List.of("jcontext-diagnostics"), threads);
    assertEquals(1, state.reports.size(), state.reports::toString);
    assertEquals(3, state.reports.get(0).count());
    server.cancel();
  }

  @Test
  void noFalseReportUnderAHundredThousandWellBehavedCycles() {
    ContextDiagnostics.setTracking(true);
    ContextDiagnostics.setLostCancelDetection(true);
    ContextDiagnostics.setSamplingRate(100);
    VirtualClock clock = new VirtualClock();
    CancellableContext server = clock.background().withCancel();
    Key<Integer> n = Key.of("n", Integer.class);
    for (int i = 0; i < 100_000; i++) {
      switch (i % 4) {
        case 0:
          server.withCancel().cancel();
          break;
        case 1:
          try (CancellableContext c = server.withTimeout(Duration.ofHours(1))) {
            c.withValue(n, i).withCancel().cancel();
          }
          break;
        case 2: {
          CancellableContext c = server.withDeadline(clock.now().plusSeconds(30));
          c.done(); // attached to the server: cancelled, it must leave no trace
          c.cancel(new Exception("done"));
          break;
        }
        default: {
          CancellableContext c = server.withCancel();
          CancellableContext child = c.withTimeout(Duration.ofSeconds(1));
          child.onDone(() -> { });
          c.cancel(); // the child ends with its parent, never cancelled itself: not a leak as long
          Reference.reachabilityFence(child); // as its handle is reachable until then
          break;
        }
      }
      if (i % 10_000 == 0) {
        clock.advance(Duration.ofMinutes(10));
        assertEquals(List.of(), ContextDiagnostics.check());
      }
    }
    clock.advance(Duration.ofHours(2));
    for (int i = 0; i < 3; i++) {
      System.gc();
      assertEquals(List.of(), ContextDiagnostics.check());
    }
    assertEquals(List.of(), state.reports);
    assertEquals(0, TestHooks.registrations(server), "nothing retained by the server");
    assertEquals(0, clock.pendingTimers());
    assertTrue(Diagnostics.watchedHandles() <= 25_000,
        "handles cancelled through themselves are unwatched at once: " + Diagnostics.watchedHandles());
    assertTrue(Diagnostics.trackedEntries() < 100_000, "done contexts are swept: " + Diagnostics.trackedEntries());
    server.cancel();
  }
}
