package io.jcontext;

import static io.jcontext.TestSupport.async;
import static io.jcontext.TestSupport.join;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcontext.diagnostics.ContextDiagnostics;
import io.jcontext.testing.VirtualClock;
import java.lang.ref.Reference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Real threads derive and cancel through lost-cancel handles, with tracking on, while another
 * thread collects garbage, checks for leaks and dumps: no report is ever false, a dump always
 * counts exactly the contexts that are live below its context, and nothing is retained afterwards.
 */
class DiagnosticsStressTest {
  private static final int CYCLES = 2_000;
  /**
   * The checker collects garbage every this many cycles of the workers together (40 full
   * collections a run). By progress, not by checker round: a collection every 100 rounds made
   * 130-170 of them, 2 s of the test's 4-5 on a quiet machine, and with both cores loaded the
   * workers then missed the liveness bound.
   */
  private static final int CYCLES_PER_GC = 100;

  private final DiagnosticsState state = new DiagnosticsState();

  @AfterEach
  void restore() {
    state.restore();
  }

  private static void cycle(VirtualClock clock, Context server, int i) {
    switch (ThreadLocalRandom.current().nextInt(4)) {
      case 0:
        server.withCancel().cancel();
        break;
      case 1:
        try (CancellableContext c = server.withTimeout(Duration.ofHours(1));
            CancellableContext k = c.withCancel()) {
          k.done(); // attaches k and c
        }
        break;
      case 2: {
        CancellableContext c = server.withCancel();
        CancellableContext child = c.withDeadline(clock.now().plusSeconds(i % 7));
        if ((i & 1) == 0) {
          child.cancel();
        }
        c.cancel();
        // Left to end with its parent, the child is not lost while its handle is reachable until
        // then. (Dropped earlier, it would be: that is Go's lostcancel, and a true report.)
        Reference.reachabilityFence(child);
        break;
      }
      default: {
        CancellableContext c = server.withTimeout(Duration.ofMinutes(5));
        Thread.yield(); // let the checker run while c is live
        c.cancel(new Exception("done"));
      }
    }
  }

  @Test
  void noFalseReportAndExactDumpsUnderConcurrentDeriveCancelAndCollection() throws Exception {
    ContextDiagnostics.setTracking(true);
    ContextDiagnostics.setLostCancelDetection(true);
    ContextDiagnostics.setSamplingRate(10);
    VirtualClock clock = new VirtualClock();
    CancellableContext server = clock.background().withCancel();
    CancellableContext anchor = server.withCancel();
    List<CancellableContext> fixed = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      fixed.add(anchor.withCancel()); // live throughout: a dump of anchor counts exactly these
    }
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicInteger progress = new AtomicInteger();
    List<CompletableFuture<Void>> workers = new ArrayList<>();
    for (int w = 0; w < 2; w++) {
      workers.add(async("worker-" + w, () -> {
        for (int i = 0; i < CYCLES; i++) {
          cycle(clock, server, i);
          progress.incrementAndGet();
        }
        return null;
      }));
    }
    CompletableFuture<Integer> checker = async("checker", () -> {
      int rounds = 0;
      int nextGc = 0;
      while (running.get()) {
        int done = progress.get();
        if (done >= nextGc) {
          System.gc();
          nextGc = done + CYCLES_PER_GC;
        }
        assertEquals(List.of(), ContextDiagnostics.check());
        assertEquals(100, ContextDiagnostics.dump(anchor).total());
        assertTrue(ContextDiagnostics.dump(server).total() >= 101);
        rounds++;
      }
      return rounds;
    });
    for (CompletableFuture<Void> w : workers) {
      join(w);
    }
    running.set(false);
    assertTrue(join(checker) > 0);

    assertEquals(100, ContextDiagnostics.dump(anchor).total());
    anchor.cancel(); // (left live, the anchor and its 100 children would be reported: they are long-lived)
    assertTrue(fixed.stream().allMatch(Context::isDone));
    clock.advance(Duration.ofHours(2)); // past every threshold and deadline
    for (int i = 0; i < 3; i++) {
      System.gc();
      assertEquals(List.of(), ContextDiagnostics.check());
    }
    assertEquals(List.of(), state.reports);
    assertEquals(0, ContextDiagnostics.dump(server).total());
    assertEquals(0, TestHooks.registrations(server), "nothing retained by the server");
    assertEquals(0, clock.pendingTimers());
    server.cancel();
  }
}
