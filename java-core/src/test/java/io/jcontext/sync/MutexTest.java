package io.jcontext.sync;

import static io.jcontext.sync.TestThreads.eventually;
import static io.jcontext.sync.TestThreads.start;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcontext.CancellableContext;
import io.jcontext.Context;
import io.jcontext.ContextCancelledException;
import io.jcontext.ContextException;
import io.jcontext.DeadlineExceededException;
import io.jcontext.Key;
import io.jcontext.testing.VirtualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** Seed 004 task 15's four behaviours, then the rest of Mutex's contract. */
class MutexTest {
  private final Context bg = Context.background();

  // ---- Seed 004, task 15 ---------------------------------------------------------------------

  @Test
  void lockSucceedsOnFreeMutex() throws Exception {
    Mutex mu = Mutex.create();
    mu.lock(bg);
    assertTrue(mu.isLocked());
    mu.unlock();
    assertFalse(mu.isLocked());
  }

  @Test
  void secondLockBlocksUntilFirstUnlock() throws Exception {
    Mutex mu = Mutex.create();
    mu.lock(bg);
    AtomicBoolean acquired = new AtomicBoolean();
    TestThreads.Started t = start(() -> {
      mu.lock(bg);
      acquired.set(true);
    });
    eventually("second lock queued", () -> mu.waiters() == 1);
    assertFalse(acquired.get());
    mu.unlock();
    t.join();
    assertTrue(acquired.get());
    assertTrue(mu.isLocked(), "handed to the waiter");
    mu.unlock();
  }

  @Test
  void secondLockWithTimeoutThrowsDeadlineExceeded() throws Exception {
    VirtualClock clock = new VirtualClock();
    Mutex mu = Mutex.create();
    mu.lock(clock.background());
    try (CancellableContext ctx = clock.background().withTimeout(Duration.ofMillis(50))) {
      TestThreads.Started t = start(() -> mu.lock(ctx));
      eventually("queued", () -> mu.waiters() == 1);
      clock.advance(Duration.ofMillis(49));
      assertFalse(t.isDone());
      clock.advance(Duration.ofMillis(1));
      Throwable e = t.failure();
      assertInstanceOf(DeadlineExceededException.class, e);
      assertSame(ctx.err(), e);
    }
    assertEquals(0, mu.waiters());
    mu.unlock(); // still held by the first locker only
    assertFalse(mu.isLocked());
  }

  @Test
  void unlockOfNeverLockedMutexThrows() {
    Mutex mu = Mutex.create();
    IllegalStateException e = assertThrows(IllegalStateException.class, mu::unlock);
    assertEquals("unlock of unlocked mutex", e.getMessage());
    assertFalse(mu.isLocked());
    assertTrue(mu.tryLock(), "state intact");
  }

  // ---- The rest of the contract --------------------------------------------------------------

  @Test
  void tryLock() {
    Mutex mu = Mutex.create();
    assertTrue(mu.tryLock());
    assertFalse(mu.tryLock());
    mu.unlock();
    assertTrue(mu.tryLock());
  }

  @Test
  void lockWithDoneContextFailsEvenIfFree() {
    Mutex mu = Mutex.create();
    CancellableContext ctx = bg.withCancel();
    ctx.cancel();
    assertSame(ctx.err(), assertThrows(ContextCancelledException.class, () -> mu.lock(ctx)));
    assertFalse(mu.isLocked());
  }

  @Test
  void lockWithDoneContextOfAnyKindFails() throws Exception {
    Mutex mu = Mutex.create();
    CancellableContext parent = bg.withCancel();
    Context derived = parent.withValue(Key.of("k", String.class), "v");
    parent.cancel();
    assertSame(parent.err(), assertThrows(ContextCancelledException.class, () -> mu.lock(derived)));
    assertFalse(mu.isLocked());
    mu.lock(Context.todo()); // a root other than background(): never done, takes the lock
    assertTrue(mu.isLocked());
    mu.unlock();
  }

  @Test
  void unlockOfUnlockedMutexAfterUseThrowsAndChangesNothing() throws Exception {
    Mutex mu = Mutex.create();
    mu.lock(bg);
    mu.unlock();
    assertThrows(IllegalStateException.class, mu::unlock);
    assertFalse(mu.isLocked());
    assertTrue(mu.tryLock(), "state intact");
    mu.unlock();
    mu.lock(bg);
    assertTrue(mu.isLocked());
    mu.unlock();
    assertFalse(mu.isLocked());
  }

  @Test
  void unlockWithAWaiterHandsOverAndTryLockFails() throws Exception {
    Mutex mu = Mutex.create();
    assertTrue(mu.tryLock());
    TestThreads.Started t = start(() -> mu.lock(bg));
    eventually("queued", () -> mu.waiters() == 1);
    assertFalse(mu.tryLock(), "held");
    mu.unlock(); // not a free mutex: handed to the waiter
    t.join();
    assertTrue(mu.isLocked());
    assertFalse(mu.tryLock(), "held by the waiter");
    mu.unlock();
    assertThrows(IllegalStateException.class, mu::unlock);
    assertTrue(mu.tryLock());
    mu.unlock();
  }

  @Test
  void cancelWhileWaitingDoesNotHoldTheLock() throws Exception {
    Mutex mu = Mutex.create();
    mu.lock(bg);
    CancellableContext ctx = bg.withCancel();
    TestThreads.Started t = start(() -> mu.lock(ctx));
    eventually("queued", () -> mu.waiters() == 1);
    ctx.cancel();
    assertSame(ctx.err(), t.failure());
    assertEquals(0, mu.waiters());
    mu.unlock();
    assertFalse(mu.isLocked(), "not handed to the cancelled waiter");
  }

  @Test
  void grantedAsContextEndsIsPassedOnNotHeld() throws Exception {
    Mutex mu = Mutex.create();
    mu.lock(bg);
    SilentContext ctx = new SilentContext();
    TestThreads.Started loser = start(() -> mu.lock(ctx));
    eventually("queued", () -> mu.waiters() == 1);
    TestThreads.Started next = start(() -> mu.lock(bg));
    eventually("second queued", () -> mu.waiters() == 2);
    ctx.inner.cancel(); // done, but the first waiter is not told: the hand-off reaches it first
    mu.unlock();
    assertInstanceOf(ContextCancelledException.class, loser.failure());
    next.join(); // the given-back lock went to the next waiter
    assertTrue(mu.isLocked());
    mu.unlock();
    assertFalse(mu.isLocked());
  }

  @Test
  void fifoHandOff() throws Exception {
    Mutex mu = Mutex.create();
    mu.lock(bg);
    List<Integer> order = new ArrayList<>();
    List<TestThreads.Started> ts = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      int id = i;
      ts.add(start(() -> {
        mu.lock(bg);
        order.add(id); // guarded by mu
        mu.unlock();
      }));
      eventually("queued", () -> mu.waiters() == id + 1);
    }
    assertFalse(mu.tryLock(), "no barging while threads are queued");
    mu.unlock();
    for (TestThreads.Started t : ts) {
      t.join();
    }
    assertEquals(List.of(0, 1, 2, 3, 4), order);
    assertFalse(mu.isLocked());
  }

  @Test
  void interruptWhileWaitingLeavesMutexAsIfNeverWaited() throws Exception {
    Mutex mu = Mutex.create();
    mu.lock(bg);
    TestThreads.Started t = start(() -> mu.lock(bg));
    eventually("queued", () -> mu.waiters() == 1);
    t.thread.interrupt();
    assertInstanceOf(InterruptedException.class, t.failure());
    assertEquals(0, mu.waiters());
    mu.unlock();
    assertFalse(mu.isLocked());
  }

  @Test
  void interruptedBeforeWaitingThrowsWithoutQueueing() throws Exception {
    Mutex mu = Mutex.create();
    mu.lock(bg);
    Thread.currentThread().interrupt();
    assertThrows(InterruptedException.class, () -> mu.lock(bg));
    assertFalse(Thread.currentThread().isInterrupted());
    assertEquals(0, mu.waiters());
    mu.unlock();
  }

  @Test
  void withLockRunsActionHoldingTheLockAndUnlocksOnFailure() throws Exception {
    Mutex mu = Mutex.create();
    assertEquals(42, mu.withLock(bg, () -> {
      assertTrue(mu.isLocked());
      return 42;
    }));
    assertFalse(mu.isLocked());
    RuntimeException boom = new RuntimeException("boom");
    assertSame(boom, assertThrows(RuntimeException.class, () -> mu.withLock(bg, () -> {
      throw boom;
    })));
    assertFalse(mu.isLocked());
    CancellableContext done = bg.withCancel();
    done.cancel();
    AtomicBoolean ran = new AtomicBoolean();
    assertThrows(ContextException.class, () -> mu.withLock(done, () -> ran.getAndSet(true)));
    assertFalse(ran.get());
  }

  @Test
  void lockIsNotReentrantButTheContextBreaksTheSelfDeadlock() throws Exception {
    VirtualClock clock = new VirtualClock();
    Mutex mu = Mutex.create();
    TestThreads.Started t = start(() -> {
      mu.lock(clock.background());
      try (CancellableContext ctx = clock.background().withTimeout(Duration.ofSeconds(1))) {
        mu.lock(ctx); // waits for itself
      } finally {
        mu.unlock();
      }
    });
    eventually("self-deadlocked", () -> mu.waiters() == 1);
    clock.advance(Duration.ofSeconds(1));
    assertInstanceOf(DeadlineExceededException.class, t.failure());
    assertFalse(mu.isLocked());
  }

  @Test
  void anyThreadMayUnlock() throws Exception {
    Mutex mu = Mutex.create();
    mu.lock(bg);
    start(mu::unlock).join();
    assertFalse(mu.isLocked());
  }

  /**
   * Lock and unlock expect the line's bit from a guess that may be stale or garbage; whatever it
   * is, each call must act on the real state: free or held, with or without a waiter in line.
   */
  @Test
  void aWrongGuessNeverDecidesAnOutcome() {
    long[] guesses = {0L, 1L, 2L, 3L, -1L, Long.MIN_VALUE, Long.MAX_VALUE, 0x5555_5555_5555_5555L};
    for (long g : guesses) {
      String at = "guess " + g;
      Mutex mu = Mutex.create();
      SyncProbe.setGuess(mu.permits(), g);
      assertThrows(IllegalStateException.class, mu::unlock, at);
      assertFalse(mu.isLocked(), at);
      SyncProbe.setGuess(mu.permits(), g);
      assertTrue(mu.tryLock(), at);
      SyncProbe.setGuess(mu.permits(), g);
      assertFalse(mu.tryLock(), at);
      // held, with a waiter in line: no lock passes, and the unlock hands the mutex to the waiter
      LockWaiter waiter = SyncProbe.inertWaiter();
      assertFalse(waiter.lock(mu), at);
      SyncProbe.setGuess(mu.permits(), g);
      assertFalse(mu.tryLock(), at);
      SyncProbe.setGuess(mu.permits(), g);
      mu.unlock();
      assertTrue(waiter.isGranted(), at);
      assertTrue(mu.isLocked(), at);
      assertEquals(0, mu.waiters(), at);
      SyncProbe.setGuess(mu.permits(), g);
      mu.unlock(); // the waiter's
      assertFalse(mu.isLocked(), at);
      SyncProbe.setGuess(mu.permits(), g);
      assertThrows(IllegalStateException.class, mu::unlock, at);
      SyncProbe.setGuess(mu.permits(), g);
      assertTrue(mu.tryLock(), at);
      SyncProbe.setGuess(mu.permits(), g);
      mu.unlock();
      assertFalse(mu.isLocked(), at);
    }
  }


  @Test
  void nullArguments() {
    Mutex mu = Mutex.create();
    assertThrows(NullPointerException.class, () -> mu.lock(null));
    assertThrows(NullPointerException.class, () -> mu.withLock(bg, null));
    assertFalse(mu.isLocked());
  }

  @Test
  void toStringShowsState() throws Exception {
    Mutex mu = Mutex.create();
    assertEquals("Mutex[unlocked]", mu.toString());
    mu.lock(bg);
    assertEquals("Mutex[locked, 0 waiting]", mu.toString());
  }
}
