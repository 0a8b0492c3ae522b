package io.jcontext.sync;

import static io.jcontext.sync.TestThreads.eventually;
import static io.jcontext.sync.TestThreads.start;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcontext.Context;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Go's sync.Mutex fairness model on threads (the Kotlin bridge's MutexSuspendingSpec checks the
 * same engine deterministically on virtual time): barging in normal mode, and the switch to
 * hand-off once a waiter kept waiting over 1 ms loses. Real time only as liveness bounds and to
 * let the 1 ms starvation threshold pass (it is defined on System.nanoTime()).
 */
class MutexFairnessTest {
  private static final Context BG = Context.background();

  private static void spinPast(long nanos) {
    long start = System.nanoTime();
    while (System.nanoTime() - start < nanos) {
      Thread.onSpinWait();
    }
  }

  @Test
  void starvingWaiterGetsTheMutexHandedOverAndNobodyBarges() throws Exception {
    int attempts = 0;
    boolean checked = false;
    while (!checked && attempts++ < 200) {
      Mutex m = Mutex.create();
      m.lock(BG);
      CountDownLatch release = new CountDownLatch(1);
      TestThreads.Started waiter = start(() -> {
        m.lock(BG);
        release.await(); // hold it until the test has looked
        m.unlock();
      });
      eventually("waiter queued", () -> m.waiters() == 1);
      spinPast(2_000_000); // the waiter has now waited over 1 ms
      m.unlock(); // normal mode: frees the mutex and wakes the waiter
      if (!m.tryLock()) { // the woken waiter was faster: it holds the mutex; try again
        release.countDown();
        waiter.join();
        continue;
      }
      // We barged. The waiter retries, loses after > 1 ms and switches the mutex to hand-off.
      eventually("starvation mode", m::starving);
      m.unlock(); // hands the mutex to the waiter without freeing it
      assertTrue(m.isLocked());
      assertFalse(m.tryLock(), "tryLock barged in starvation mode");
      release.countDown();
      waiter.join();
      assertFalse(m.starving(), "the line is empty: back to normal mode");
      assertFalse(m.isLocked());
      assertEquals(0, m.waiters());
      checked = true;
    }
    assertTrue(checked, "never barged ahead of the woken waiter in 200 attempts");
  }

  @Test
  void newcomerMayTakeAFreedMutexAheadOfAWaiterThatThenStillGetsIt() throws Exception {
    int barged = 0;
    for (int i = 0; i < 50; i++) {
      Mutex m = Mutex.create();
      m.lock(BG);
      CountDownLatch got = new CountDownLatch(1);
      TestThreads.Started waiter = start(() -> {
        m.lock(BG);
        got.countDown();
        m.unlock();
      });
      eventually("waiter queued", () -> m.waiters() == 1);
      m.unlock();
      if (m.tryLock()) {
        barged++;
        m.unlock();
      }
      assertTrue(got.await(10, TimeUnit.SECONDS), "the waiter never got the mutex");
      waiter.join();
      assertFalse(m.isLocked());
      assertEquals(0, m.waiters());
    }
    assertTrue(barged > 0, "normal mode never let a newcomer take the freed mutex");
  }

  /**
   * A thread that finds the mutex held joins the line at once, without spinning first (only a
   * woken waiter spins). The spin bound is set so high that a newcomer spinning before it queues
   * (Go's model, this engine before) would not be queued within the liveness bound: the newcomer
   * must still be seen in line while the mutex stays held, and then get it when it is freed.
   */
  @Test
  void threadFindingTheMutexHeldQueuesWithoutSpinning() throws Exception {
    int before = PermitQueue.spins;
    PermitQueue.spins = Integer.MAX_VALUE;
    try {
      Mutex m = Mutex.create();
      m.lock(BG);
      TestThreads.Started newcomer = start(() -> {
        m.lock(BG);
        m.unlock();
      });
      eventually("newcomer in line while the mutex is held", () -> m.waiters() == 1);
      assertTrue(m.isLocked());
      m.unlock(); // wakes it; its spin after the wake finds the mutex free at once
      newcomer.join();
      assertFalse(m.isLocked());
      assertEquals(0, m.waiters());
    } finally {
      PermitQueue.spins = before;
    }
  }
}
