package io.jcontext;

import static io.jcontext.TestSupport.LIVENESS;
import static io.jcontext.TestSupport.async;
import static io.jcontext.TestSupport.join;
import static io.jcontext.TestHooks.registrations;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * "err() non-null" and "done() complete" are one fact, and "when any cancel() returns, every
 * descendant is done" holds for the loser of a race too. Each test races on real threads and
 * checks the promise at the instant it could break; detached (polling) and attached descendants
 * are mixed, since the two reach done by different paths.
 */
class DoneAgreesWithErrTest {

  /**
   * The reproduction of the bug this class guards against: a slow callback registered before the
   * child used to hold back the child's done() while its err() was already visible, and a losing
   * cancel() returned with the child's done() incomplete.
   */
  @Test
  void errVisibleMeansDoneCompleteEvenBehindASlowCallback() throws Exception {
    CancellableContext p = Context.background().withCancel();
    CountDownLatch hold = new CountDownLatch(1);
    p.onDone(() -> {
      try {
        hold.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    CancellableContext c = p.withCancel();
    CompletionStage<Void> d = c.done(); // attaches c behind the slow callback
    CompletableFuture<Boolean> waiter = async("awaitDone", () -> c.awaitDone(LIVENESS));
    TestSupport.eventually("waiter registered", () -> registrations(c) == 1);
    CompletableFuture<Boolean> canceller = async("canceller", p::cancel);
    while (c.err() == null) {
      Thread.onSpinWait();
    }
    assertTrue(d.toCompletableFuture().isDone(), "err() visible, done() still pending");
    AtomicInteger ranNow = new AtomicInteger();
    d.thenRun(ranNow::incrementAndGet);
    assertEquals(1, ranNow.get(), "a dependent added once err() is visible runs at once");
    assertFalse(c.cancel(), "c was cancelled by its parent");
    assertTrue(d.toCompletableFuture().isDone(), "a losing cancel() returned before done() completed");
    assertTrue(join(waiter), "a thread in awaitDone wakes while a user callback still blocks");
    assertFalse(canceller.isDone(), "the slow callback is still running (the test would prove nothing)");
    hold.countDown();
    assertTrue(join(canceller));
  }

  /**
   * Two threads cancel one parent of many children (detached, attached through done(), and
   * grandchildren of both kinds); each checks, right after its cancel() returns, that every
   * descendant is done by every measure. One of them always loses.
   */
  @Test
  void losingCancelReturnsAfterEveryDescendantIsDone() throws Exception {
    int rounds = 200;
    int children = 500;
    CyclicBarrier start = new CyclicBarrier(2);
    AtomicInteger losersChecked = new AtomicInteger();
    for (int round = 0; round < rounds; round++) {
      CancellableContext p = Context.background().withCancel();
      List<Context> all = new ArrayList<>();
      List<CompletionStage<Void>> stages = new ArrayList<>();
      ThreadLocalRandom r = ThreadLocalRandom.current();
      for (int i = 0; i < children; i++) {
        CancellableContext c = p.withCancel();
        all.add(c);
        if (r.nextInt(3) == 0) {
          CancellableContext g = c.withValue(Key.of("k"), i).withCancel();
          all.add(g);
          if (r.nextBoolean()) {
            stages.add(g.done()); // attaches g and c
          }
        } else if (r.nextBoolean()) {
          stages.add(c.done());
        }
      }
      Runnable cancelAndCheck = () -> {
        try {
          start.await();
        } catch (Exception e) {
          throw new AssertionError(e);
        }
        boolean won = p.cancel();
        for (CompletionStage<Void> s : stages) {
          assertTrue(s.toCompletableFuture().isDone(), "done() incomplete after cancel() returned " + won);
        }
        for (Context c : all) {
          assertNotNull(c.err(), "a descendant not done after cancel() returned " + won);
          assertSame(p.err(), c.err(), "descendants share the parent's err");
        }
        if (!won) {
          losersChecked.incrementAndGet();
        }
      };
      CompletableFuture<Object> other = async("canceller", () -> {
        cancelAndCheck.run();
        return null;
      });
      cancelAndCheck.run();
      join(other);
    }
    assertEquals(rounds, losersChecked.get(), "exactly one loser per round was checked");
  }

  /**
   * An observer reads err() of a descendant in a loop while another thread cancels the root; at
   * the first instant err() is non-null, done() must already be complete (and the reverse).
   */
  @Test
  void doneIsCompleteAtTheInstantErrAppears() throws Exception {
    for (int round = 0; round < 300; round++) {
      CancellableContext root = Context.background().withCancel();
      for (int i = 0; i < 200; i++) {
        root.withCancel().done(); // attached siblings make the walk take a while
      }
      CancellableContext mid = root.withCancel();
      CancellableContext leaf = round % 2 == 0 ? mid.withCancel() : mid;
      CompletionStage<Void> d = leaf.done();
      CountDownLatch observing = new CountDownLatch(1);
      CompletableFuture<Boolean> observer = async("observer", () -> {
        observing.countDown();
        while (true) {
          boolean stageDone = d.toCompletableFuture().isDone();
          ContextException e = leaf.err();
          if (stageDone && e == null) {
            return false; // done() complete while err() is still null
          }
          if (e != null) {
            return d.toCompletableFuture().isDone();
          }
        }
      });
      observing.await();
      root.cancel();
      assertTrue(join(observer), "round " + round + ": err() and done() disagreed");
    }
  }

  /**
   * A callback registered on a detached grandchild races the cancellation of the top context: it
   * runs exactly once (through the walk, or at once if the attach found the ancestor done), the
   * grandchild shares the top's err, and the top retains nothing.
   */
  @Test
  void attachRacesAncestorCancel() throws Exception {
    CyclicBarrier start = new CyclicBarrier(2);
    for (int round = 0; round < 2_000; round++) {
      CancellableContext top = Context.background().withCancel();
      CancellableContext mid = top.withCancel();
      CancellableContext leaf = mid.withTimeout(java.time.Duration.ofHours(1));
      AtomicInteger runs = new AtomicInteger();
      CompletableFuture<Stop> registered = async("register", () -> {
        start.await();
        return leaf.onDone(runs::incrementAndGet);
      });
      start.await();
      top.cancel();
      Stop stop = join(registered);
      assertEquals(1, runs.get(), "round " + round + ": the callback ran " + runs.get() + " times");
      assertFalse(stop.stop());
      assertSame(top.err(), leaf.err());
      assertSame(top.err(), mid.err());
      assertEquals(0, registrations(top));
      assertEquals(0, registrations(mid));
      assertFalse(leaf.cancel());
    }
  }

  /** A child cancelled while another thread attaches it leaves no registration in its parent. */
  @Test
  void attachRacesOwnCancel() throws Exception {
    CancellableContext parent = Context.background().withCancel();
    CyclicBarrier start = new CyclicBarrier(2);
    for (int round = 0; round < 2_000; round++) {
      CancellableContext child = parent.withCancel();
      AtomicInteger runs = new AtomicInteger();
      CompletableFuture<Stop> registered = async("register", () -> {
        start.await();
        return child.onDone(runs::incrementAndGet);
      });
      start.await();
      assertTrue(child.cancel());
      join(registered);
      assertEquals(1, runs.get());
      assertEquals(0, registrations(parent), "round " + round + ": the cancelled child stayed registered");
    }
    assertFalse(parent.isDone());
  }
}
