package io.jcontext;

import static io.jcontext.TestSupport.DIRECT;
import static io.jcontext.TestSupport.LIVENESS;
import static io.jcontext.TestSupport.async;
import static io.jcontext.TestSupport.join;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/**
 * Threads derive, cancel and register under one parent while it is cancelled: afterwards every
 * context is done with the right err, every afterFunc either ran or was stopped (never both),
 * no registration is left anywhere, and nothing threw.
 */
class CancelTreeStressTest {

  private static int registrations(Context c) {
    return ((CancelCtx) Tree.unwrap(c)).registrations();
  }

  /** One registration made by a worker, with what happened to it. */
  private static final class Tracked {
    final CancellableContext ctx;
    final AtomicInteger actionRuns = new AtomicInteger();
    Stop afterFunc;
    Boolean stopResult;

    Tracked(CancellableContext ctx) {
      this.ctx = ctx;
    }
  }

  @RepeatedTest(5)
  void deriveAndCancelWhileParentIsCancelled() throws Exception {
    CancellableContext root = Context.background().withCancel(); // long-lived, never cancelled here
    CancellableContext parent = root.withValue(Key.of("k"), "v").withCancel();
    int threads = 4;
    AtomicBoolean parentCancelled = new AtomicBoolean();
    CountDownLatch start = new CountDownLatch(1);
    List<CompletableFuture<List<Tracked>>> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      workers.add(async("worker-" + t, () -> {
        start.await();
        ThreadLocalRandom r = ThreadLocalRandom.current();
        List<Tracked> made = new ArrayList<>();
        // Keep going a while after the parent was cancelled, deriving from a done parent too.
        for (int i = 0, after = 0; i < 200_000 && after < 2_000; i++) {
          if (parentCancelled.get()) {
            after++;
          }
          CancellableContext c = r.nextBoolean() ? parent.withCancel()
              : made.isEmpty() ? parent.withCancel() : made.get(r.nextInt(made.size())).ctx.withCancel();
          Tracked tr = new Tracked(c);
          tr.afterFunc = c.afterFunc(tr.actionRuns::incrementAndGet, DIRECT);
          switch (r.nextInt(4)) {
            case 0:
              c.cancel();
              break;
            case 1:
              tr.stopResult = tr.afterFunc.stop();
              break;
            case 2:
              tr.stopResult = tr.afterFunc.stop();
              c.cancel();
              break;
            default:
              break; // left for the parent to cancel
          }
          made.add(tr);
        }
        return made;
      }));
    }
    try (TestSupport.Uncaught uncaught = new TestSupport.Uncaught()) {
      start.countDown();
      Thread.sleep(ThreadLocalRandom.current().nextInt(1, 20)); // let the workers build a tree first
      parentCancelled.set(true);
      assertTrue(parent.cancel(new Exception("parent")));
      List<Tracked> all = new ArrayList<>();
      for (CompletableFuture<List<Tracked>> w : workers) {
        all.addAll(join(w));
      }
      assertTrue(uncaught.seen.isEmpty(), "exceptions: " + uncaught.seen);
      for (Tracked tr : all) {
        assertTrue(tr.ctx.isDone(), "a context survived its parent's cancellation");
        assertEquals(0, registrations(tr.ctx));
        if (tr.stopResult != null) {
          assertNotEquals(tr.stopResult, tr.actionRuns.get() == 1, "stop() true xor the action ran");
        } else {
          assertEquals(1, tr.actionRuns.get(), "an unstopped afterFunc of a done context must run");
        }
        assertTrue(tr.actionRuns.get() <= 1, "an action ran twice");
        assertFalse(tr.afterFunc.stop());
      }
      assertEquals(0, registrations(parent));
      assertEquals(0, registrations(root), "the cancelled parent left its registration on the root");
      assertFalse(root.isDone());
      System.out.println("CancelTreeStressTest: " + all.size() + " contexts");
    }
    root.cancel();
  }

  /** Cancelling many contexts of one tree from many threads at once, leaves and inner nodes alike. */
  @Test
  void concurrentCancelsAcrossATree() throws Exception {
    for (int round = 0; round < 20; round++) {
      CancellableContext root = Context.background().withCancel();
      List<CancellableContext> nodes = new ArrayList<>();
      nodes.add(root);
      for (int i = 0; i < 2_000; i++) {
        CancellableContext p = nodes.get(ThreadLocalRandom.current().nextInt(nodes.size()));
        nodes.add(p.withCancel());
      }
      CountDownLatch go = new CountDownLatch(1);
      List<CompletableFuture<Integer>> cancellers = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        cancellers.add(async("canceller-" + t, () -> {
          go.await();
          int won = 0;
          for (int i = 0; i < 500; i++) {
            won += nodes.get(ThreadLocalRandom.current().nextInt(nodes.size())).cancel() ? 1 : 0;
          }
          return won;
        }));
      }
      go.countDown();
      root.cancel();
      for (CompletableFuture<Integer> c : cancellers) {
        join(c);
      }
      for (CancellableContext c : nodes) {
        assertTrue(c.awaitDone(LIVENESS));
        assertEquals(0, registrations(c));
        assertTrue(c.cause() != null);
      }
    }
  }
}
