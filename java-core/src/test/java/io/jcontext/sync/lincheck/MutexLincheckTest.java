package io.jcontext.sync.lincheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcontext.CancellableContext;
import io.jcontext.Context;
import io.jcontext.ContextException;
import io.jcontext.sync.Mutex;
import io.jcontext.sync.SyncProbe;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jetbrains.lincheck.Lincheck;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.junit.jupiter.api.Test;

/**
 * Model checking of {@link Mutex}. Two parts:
 *
 * <ul>
 *   <li>Linearizability of the operations that never block (tryLock, unlock with its
 *       IllegalStateException, lock with a done context, isLocked) against the sequential
 *       behaviour of the same class. A blocking lock has no sequential specification, so it is
 *       not among them.
 *   <li>Blocking lock(ctx) in small scenarios ({@link Lincheck#runConcurrentTest}) where a context
 *       is cancelled mid-wait and every waiter is eventually released: Lincheck explores the
 *       interleavings of grant, cancellation and hand-off and checks mutual exclusion, that a
 *       failed lock never holds the mutex, and that nothing is left queued or held.
 * </ul>
 *
 * Three threads with few operations each: the bugs found in such structures so far reproduce
 * with at most three threads, and it keeps the run well under a minute.
 */
public class MutexLincheckTest {
  private static final Context DONE = done();

  private final Mutex mu = Mutex.create();

  private static Context done() {
    CancellableContext c = Context.background().withCancel();
    c.cancel();
    return c;
  }

  @Operation
  public boolean tryLock() {
    return mu.tryLock();
  }

  @Operation
  public String unlock() {
    try {
      mu.unlock();
      return "unlocked";
    } catch (IllegalStateException e) {
      return "not locked";
    }
  }

  @Operation
  public String lockWithDoneContext() throws InterruptedException {
    try {
      mu.lock(DONE);
      return "locked";
    } catch (ContextException e) {
      return "ctx done";
    }
  }

  @Operation
  public boolean isLocked() {
    return mu.isLocked();
  }

  @Test
  void nonBlockingOperationsAreLinearizable() {
    new ModelCheckingOptions()
        .threads(3)
        .actorsPerThread(3)
        .iterations(10)
        .invocationsPerIteration(300)
        .check(MutexLincheckTest.class);
  }

  /** A waiter whose context is cancelled while the mutex is being handed to it. */
  @Test
  void lockRacingWithCancelAndUnlock() {
    Lincheck.runConcurrentTest(400, () -> {
      Mutex m = Mutex.create();
      assertTrue(m.tryLock()); // held by the "main" owner
      CancellableContext ctx = Context.background().withCancel();
      AtomicInteger got = new AtomicInteger();
      Thread waiter = new Thread(() -> {
        try {
          m.lock(ctx);
          got.set(1);
        } catch (ContextException | InterruptedException e) {
          got.set(2);
        }
      });
      Thread canceller = new Thread(ctx::cancel);
      Thread unlocker = new Thread(m::unlock);
      waiter.start();
      canceller.start();
      unlocker.start();
      join(waiter, canceller, unlocker);
      assertTrue(got.get() != 0);
      assertEquals(got.get() == 1, m.isLocked(), "held exactly when lock returned normally");
      if (got.get() == 1) {
        m.unlock();
      }
      assertFalse(m.isLocked());
      assertTrue(m.tryLock(), "nothing left queued");
    });
  }

  /**
   * As above, with the waiter parked in the queue first: grant and cancellation race on its node.
   * Spinning is off: the other threads wait until the waiter is queued, and the model checker
   * would take the waiter's bounded spin beside them for a livelock (the test above covers it).
   */
  @Test
  void queuedWaiterRacingWithCancelAndUnlock() {
    SyncProbe.withoutSpinning(() -> Lincheck.runConcurrentTest(700, () -> {
      Mutex m = Mutex.create();
      assertTrue(m.tryLock());
      CancellableContext ctx = Context.background().withCancel();
      AtomicInteger got = new AtomicInteger();
      Thread waiter = new Thread(() -> {
        try {
          m.lock(ctx);
          got.set(1);
        } catch (ContextException | InterruptedException e) {
          got.set(2);
        }
      });
      AtomicBoolean seen = new AtomicBoolean();
      Thread canceller = new Thread(() -> {
        awaitQueued(m, seen);
        ctx.cancel();
      });
      Thread unlocker = new Thread(() -> {
        awaitQueued(m, seen);
        m.unlock();
      });
      waiter.start();
      canceller.start();
      unlocker.start();
      join(waiter, canceller, unlocker);
      assertEquals(got.get() == 1, m.isLocked(), "held exactly when lock returned normally");
      if (got.get() == 1) {
        m.unlock();
      }
      assertTrue(m.tryLock(), "nothing left queued");
    }));
  }

  /** Spins until the waiter has been seen queued (by this or the other thread). */
  private static void awaitQueued(Mutex m, AtomicBoolean seen) {
    while (!seen.get()) {
      if (SyncProbe.waiters(m) > 0) {
        seen.set(true);
      } else {
        Thread.yield();
      }
    }
  }

  /** A cancelled waiter ahead of another must not block it; mutual exclusion throughout. */
  @Test
  void cancelledWaiterDoesNotStrandTheNext() {
    Lincheck.runConcurrentTest(500, () -> {
      Mutex m = Mutex.create();
      assertTrue(m.tryLock());
      CancellableContext ctx = Context.background().withCancel();
      AtomicInteger inside = new AtomicInteger();
      AtomicInteger overlaps = new AtomicInteger();
      Runnable critical = () -> {
        if (inside.incrementAndGet() != 1) {
          overlaps.incrementAndGet();
        }
        inside.decrementAndGet();
        m.unlock();
      };
      Thread first = new Thread(() -> {
        try {
          m.lock(ctx);
          critical.run();
        } catch (ContextException | InterruptedException e) {
          // cancelled: holds nothing
        }
      });
      Thread second = new Thread(() -> {
        try {
          m.lock(Context.background());
          critical.run();
        } catch (InterruptedException e) {
          throw new AssertionError(e);
        }
      });
      Thread releaser = new Thread(() -> {
        ctx.cancel();
        m.unlock(); // the owner's unlock
      });
      first.start();
      second.start();
      releaser.start();
      join(first, second, releaser);
      assertEquals(0, overlaps.get());
      assertFalse(m.isLocked());
      assertTrue(m.tryLock());
    });
  }

  /**
   * A parked waiter woken to retry first spins on the state and, if the mutex comes free, takes
   * it with a CAS outside the engine lock, then unlinks itself. Here that spin races with a
   * barging newcomer (which may take the mutex first, by tryLock or by its own lock), with the
   * told unlock of whoever holds it, and with the waiter's context being cancelled (the spin may
   * win the mutex after the node was cancelled, and must then give it back). Checks mutual
   * exclusion, that the waiter holds the mutex exactly when its lock returned, and that nothing
   * is left held or queued (a lost wake-up shows as a hang). Spin bound 2: the spinning paths,
   * without a spin long enough for the model checker to take for a livelock.
   */
  @Test
  void wokenWaiterSpinRacingWithBargerAndCancel() {
    SyncProbe.withSpins(2, () -> Lincheck.runConcurrentTest(3000, () -> {
      Mutex m = Mutex.create();
      assertTrue(m.tryLock());
      CancellableContext ctx = Context.background().withCancel();
      AtomicInteger inside = new AtomicInteger();
      AtomicInteger got = new AtomicInteger();
      Runnable critical = () -> {
        assertEquals(1, inside.incrementAndGet(), "mutual exclusion");
        inside.decrementAndGet();
        m.unlock();
      };
      Thread waiter = new Thread(() -> {
        try {
          m.lock(ctx);
          got.set(1);
          critical.run();
        } catch (ContextException | InterruptedException e) {
          got.set(2);
        }
      });
      Thread owner = new Thread(() -> {
        while (SyncProbe.waiters(m) == 0 && got.get() == 0) {
          Thread.yield();
        }
        assertEquals(1, inside.incrementAndGet(), "mutual exclusion");
        inside.decrementAndGet();
        m.unlock(); // wakes the waiter to retry
        if (m.tryLock()) { // a newcomer barging in
          critical.run();
        }
      });
      Thread canceller = new Thread(ctx::cancel);
      waiter.start();
      owner.start();
      canceller.start();
      join(waiter, owner, canceller);
      assertTrue(got.get() != 0);
      assertFalse(m.isLocked(), "nothing left held");
      assertEquals(0, SyncProbe.waiters(m), "nothing left queued");
      assertTrue(m.tryLock());
    }));
  }

  static void startAndJoin(Thread... threads) {
    for (Thread t : threads) {
      t.start();
    }
    join(threads);
  }

  /**
   * Two threads lock and unlock twice each while a third unlocks the mutex they wait for: an
   * unlock that meets a first waiter already woken frees the mutex without the engine lock
   * (the told unlock) and leaves the wake-up to that waiter's retry. Checks mutual exclusion and
   * that no wake-up is lost (Lincheck reports a lost one as a hang). Spinning is off to keep the
   * model small; it changes only when a thread joins the line.
   */
  @Test
  void toldUnlockLosesNoWakeUp() {
    SyncProbe.withoutSpinning(() -> Lincheck.runConcurrentTest(20000, () -> {
      Mutex m = Mutex.create();
      assertTrue(m.tryLock());
      AtomicInteger inside = new AtomicInteger();
      AtomicInteger rounds = new AtomicInteger();
      Runnable worker = () -> {
        for (int i = 0; i < 2; i++) {
          try {
            m.lock(Context.background());
          } catch (InterruptedException e) {
            throw new AssertionError(e);
          }
          assertEquals(1, inside.incrementAndGet(), "mutual exclusion");
          inside.decrementAndGet();
          rounds.incrementAndGet();
          m.unlock();
        }
      };
      Thread a = new Thread(worker);
      Thread b = new Thread(worker);
      a.start();
      b.start();
      m.unlock();
      join(a, b);
      assertEquals(4, rounds.get());
      assertFalse(m.isLocked());
      assertEquals(0, SyncProbe.waiters(m), "nothing left queued");
    }));
  }

  static void join(Thread... threads) {
    for (Thread t : threads) {
      try {
        t.join();
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
    }
  }
}
