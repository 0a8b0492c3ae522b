package io.jcontext.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcontext.Context;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * "A pre-interrupted acquire that needs no wait succeeds": raced on real threads. Another thread
 * churns the fast path (acquire/release of permits that leave enough free for the interrupted
 * caller), so the caller's first CAS often fails and it takes the second look under the engine's
 * lock. That look finds free permits and nobody queued, so the call must succeed without
 * touching the interrupt status. (The engine used to check the interrupt before the second look
 * and threw InterruptedException here.) Whether the first CAS loses is up to the scheduler, so
 * the first test drives the slow path directly: it is the one that fails on the old engine.
 */
class PreInterruptedRaceTest {
  private static final Context BG = Context.background();
  private static final int ROUNDS = 20_000;

  private static Thread churn(AtomicBoolean stop, Runnable op) {
    Thread t = new Thread(() -> {
      while (!stop.get()) {
        op.run();
      }
    });
    t.start();
    return t;
  }

  /** The second look, as after a lost fast-path CAS: free permits, interrupted caller. */
  @Test
  void slowPathWithFreePermitsSucceedsWhenInterrupted() throws Exception {
    Semaphore sem = Semaphore.create(2);
    Thread.currentThread().interrupt();
    try {
      sem.permits().acquireSlow(BG, 1);
      assertTrue(Thread.currentThread().isInterrupted(), "the interrupt status was consumed");
    } finally {
      Thread.interrupted();
    }
    assertEquals(1, sem.availablePermits());
    assertEquals(0, sem.waiters());
  }

  @Test
  void semaphoreAcquireNeedingNoWaitSucceedsWhenInterrupted() throws Exception {
    Semaphore sem = Semaphore.create(2);
    AtomicBoolean stop = new AtomicBoolean();
    Thread other = churn(stop, () -> {
      try {
        sem.acquire(BG, 1);
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
      sem.release(1);
    });
    try {
      for (int i = 0; i < ROUNDS; i++) {
        Thread.currentThread().interrupt();
        sem.acquire(BG, 1); // 1 of 2 is always free and nobody ever queues
        assertTrue(Thread.currentThread().isInterrupted(), "the interrupt status was consumed");
        sem.release(1);
      }
    } finally {
      Thread.interrupted();
      stop.set(true);
      other.join();
    }
    assertEquals(2, sem.availablePermits());
    assertEquals(0, sem.waiters());
  }

  @Test
  void rLockNeedingNoWaitSucceedsWhenInterrupted() throws Exception {
    RWMutex rw = RWMutex.create();
    AtomicBoolean stop = new AtomicBoolean();
    Thread other = churn(stop, () -> {
      try {
        rw.rLock(BG);
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
      rw.rUnlock();
    });
    try {
      for (int i = 0; i < ROUNDS; i++) {
        Thread.currentThread().interrupt();
        rw.rLock(BG); // readers only: never has to wait
        assertTrue(Thread.currentThread().isInterrupted(), "the interrupt status was consumed");
        rw.rUnlock();
      }
    } finally {
      Thread.interrupted();
      stop.set(true);
      other.join();
    }
    assertEquals(0, rw.readers());
    assertEquals(0, rw.waiters());
  }
}
