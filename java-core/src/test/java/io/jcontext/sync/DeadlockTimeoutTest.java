package io.jcontext.sync;

import static io.jcontext.sync.TestThreads.eventually;
import static io.jcontext.sync.TestThreads.start;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcontext.CancellableContext;
import io.jcontext.Context;
import io.jcontext.DeadlineExceededException;
import io.jcontext.testing.VirtualClock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Seed 002's three deadlocks (RW lock + channel, lock order, forgotten signal). With plain
 * locks each one hangs forever; with context-aware waits under a timeout each thread gets a
 * clean {@link DeadlineExceededException}, releases what it holds, and the locks end up free.
 * Time is virtual: the test advances the clock instead of sleeping.
 */
class DeadlockTimeoutTest {
  private final VirtualClock clock = new VirtualClock();

  @Test
  void rwLockAndChannel() throws Exception {
    RWMutex rw = RWMutex.create();
    CompletableFuture<Integer> channel = new CompletableFuture<>(); // an unbuffered send: waits for a receiver
    CompletableFuture<Void> receiverReady = new CompletableFuture<>();
    CancellableContext ctx = clock.background().withTimeout(Duration.ofSeconds(2));
    TestThreads.Started sender = start(() -> {
      rw.lock(ctx); // goroutine 1: write lock, then send
      try {
        Context.await(ctx, receiverReady); // blocks: the receiver cannot get past rLock
        channel.complete(123);
      } finally {
        rw.unlock();
      }
    });
    eventually("sender holds the write lock", rw::isWriteLocked);
    TestThreads.Started receiver = start(() -> {
      rw.rLock(ctx); // goroutine 2: blocked by the writer
      try {
        receiverReady.complete(null);
        Context.await(ctx, channel);
      } finally {
        rw.rUnlock();
      }
    });
    eventually("receiver queued", () -> rw.waiters() == 1);
    assertFalse(sender.isDone());
    clock.advance(Duration.ofSeconds(2)); // the timeout breaks the cycle
    assertInstanceOf(DeadlineExceededException.class, sender.failure());
    assertInstanceOf(DeadlineExceededException.class, receiver.failure());
    assertEquals("RWMutex[unlocked, 0 waiting]", rw.toString());
  }

  @Test
  void lockOrder() throws Exception {
    Mutex lockA = Mutex.create();
    Mutex lockB = Mutex.create();
    CyclicBarrier bothHoldTheirFirstLock = new CyclicBarrier(2);
    Duration shortBudget = Duration.ofMillis(100);
    Duration longBudget = Duration.ofSeconds(1);
    TestThreads.Started g1 = start(() -> lockInOrder(lockA, lockB, shortBudget, bothHoldTheirFirstLock));
    TestThreads.Started g2 = start(() -> lockInOrder(lockB, lockA, longBudget, bothHoldTheirFirstLock));
    eventually("both wait for the other's lock", () -> lockA.waiters() == 1 && lockB.waiters() == 1);
    clock.advance(shortBudget);
    // g1 gives up and releases A, which lets g2 finish well within its own budget
    assertInstanceOf(DeadlineExceededException.class, g1.failure());
    g2.join();
    assertFalse(lockA.isLocked());
    assertFalse(lockB.isLocked());
    assertEquals(0, clock.pendingTimers());
  }

  private void lockInOrder(Mutex first, Mutex second, Duration budget, CyclicBarrier barrier) throws Exception {
    try (CancellableContext ctx = clock.background().withTimeout(budget)) {
      first.lock(ctx);
      try {
        barrier.await();
        second.lock(ctx); // the other thread holds it and waits for ours
        second.unlock();
      } finally {
        first.unlock();
      }
    }
  }

  @Test
  void forgottenSignal() throws Exception {
    int workers = 3;
    Mutex mutex = Mutex.create();
    Semaphore signal = Semaphore.create(workers);
    signal.acquire(clock.background(), workers); // not signalled yet
    AtomicBoolean ready = new AtomicBoolean();
    TestThreads.Started[] ts = new TestThreads.Started[workers];
    for (int i = 0; i < workers; i++) {
      ts[i] = start(() -> {
        try (CancellableContext ctx = clock.background().withTimeout(Duration.ofSeconds(3))) {
          signal.acquire(ctx, 1); // the condition wait
          mutex.withLock(ctx, ready::get);
        }
      });
    }
    eventually("workers wait for the signal", () -> signal.waiters() == workers);
    mutex.withLock(clock.background(), () -> {
      ready.set(true); // the controller sets the state ...
      return null;
    }); // ... and forgets signal.release(workers)
    clock.advance(Duration.ofSeconds(3));
    for (TestThreads.Started t : ts) {
      assertInstanceOf(DeadlineExceededException.class, t.failure());
    }
    assertEquals(0, signal.waiters());
    assertEquals(0, signal.availablePermits(), "still held by the controller, nothing leaked");
    assertTrue(ready.get());
    assertFalse(mutex.isLocked());
  }
}
