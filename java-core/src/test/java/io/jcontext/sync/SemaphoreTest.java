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
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Ports of Go's x/sync semaphore_test.go, then the Java-specific contract. */
class SemaphoreTest {
  private final Context bg = Context.background();

  // ---- Ports of semaphore_test.go ------------------------------------------------------------

  @Test
  void weighted() throws Exception {
    int n = Math.max(4, Runtime.getRuntime().availableProcessors());
    int loops = 10_000 / n;
    Semaphore sem = Semaphore.create(n);
    AtomicInteger held = new AtomicInteger();
    List<TestThreads.Started> threads = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      long w = i; // Go hammers with weights 0..n-1; weights here must be >= 1
      threads.add(start(() -> {
        for (int k = 0; k < loops; k++) {
          sem.acquire(bg, w);
          int now = held.addAndGet((int) w);
          assertTrue(now <= n, "held " + now + " > size " + n);
          Thread.yield();
          held.addAndGet((int) -w);
          sem.release(w);
        }
      }));
    }
    for (TestThreads.Started t : threads) {
      t.join();
    }
    assertEquals(n, sem.availablePermits());
    assertEquals(0, sem.waiters());
  }

  @Test
  void weightedPanic() {
    Semaphore sem = Semaphore.create(1);
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> sem.release(1));
    assertTrue(e.getMessage().contains("held"), e.getMessage());
    assertEquals(1, sem.availablePermits()); // unlike Go, the count is intact
  }

  @Test
  void weightedTryAcquire() throws Exception {
    Semaphore sem = Semaphore.create(2);
    List<Boolean> tries = new ArrayList<>();
    sem.acquire(bg, 1);
    tries.add(sem.tryAcquire(1));
    tries.add(sem.tryAcquire(1));
    sem.release(2);
    tries.add(sem.tryAcquire(1));
    sem.acquire(bg, 1);
    tries.add(sem.tryAcquire(1));
    assertEquals(List.of(true, false, true, false), tries);
  }

  @Test
  void weightedAcquire() throws Exception {
    VirtualClock clock = new VirtualClock();
    Semaphore sem = Semaphore.create(2);
    List<Boolean> tries = new ArrayList<>();
    sem.acquire(clock.background(), 1);
    tries.add(acquireWithin10ms(clock, sem));
    tries.add(acquireWithin10ms(clock, sem));
    sem.release(2);
    tries.add(acquireWithin10ms(clock, sem));
    sem.acquire(clock.background(), 1);
    tries.add(acquireWithin10ms(clock, sem));
    assertEquals(List.of(true, false, true, false), tries);
    assertEquals(0, sem.availablePermits());
    assertEquals(0, clock.pendingTimers());
  }

  /** Go's tryAcquire helper: Acquire with a 10 ms timeout, on virtual time. */
  private static boolean acquireWithin10ms(VirtualClock clock, Semaphore sem) throws Exception {
    try (CancellableContext ctx = clock.background().withTimeout(Duration.ofMillis(10))) {
      TestThreads.Started t = start(() -> sem.acquire(ctx, 1));
      eventually("acquire returned or queued", () -> t.isDone() || sem.waiters() == 1);
      clock.advance(Duration.ofMillis(10));
      t.awaitQuietly();
      if (t.failed()) {
        assertInstanceOf(DeadlineExceededException.class, t.failure());
        return false;
      }
      return true;
    }
  }

  @Test
  void weightedDoesntBlockIfTooBig() throws Exception {
    int n = 2;
    Semaphore sem = Semaphore.create(n);
    CancellableContext big = bg.withCancel();
    TestThreads.Started tooBig = start(() -> sem.acquire(big, n + 1));
    Group g = Group.withContext(bg);
    for (int i = n * 3; i > 0; i--) {
      g.go(ctx -> {
        sem.acquire(ctx, 1);
        Thread.yield();
        sem.release(1);
      });
    }
    g.await(); // throws if any acquire failed
    assertFalse(tooBig.isDone());
    assertEquals(0, sem.waiters()); // the oversized request never queued
    big.cancel();
    assertInstanceOf(ContextCancelledException.class, tooBig.failure());
    assertEquals(n, sem.availablePermits());
  }

  @Test
  void largeAcquireDoesntStarve() throws Exception {
    int n = Math.max(4, Runtime.getRuntime().availableProcessors());
    Semaphore sem = Semaphore.create(n);
    AtomicInteger running = new AtomicInteger(1);
    List<TestThreads.Started> threads = new ArrayList<>();
    for (int i = n; i > 0; i--) {
      sem.acquire(bg, 1);
      threads.add(start(() -> {
        try {
          while (running.get() == 1) {
            Thread.yield();
            sem.release(1);
            sem.acquire(bg, 1);
          }
        } finally {
          sem.release(1);
        }
      }));
    }
    sem.acquire(bg, n); // must not starve behind the hammering small acquires
    running.set(0);
    sem.release(n);
    for (TestThreads.Started t : threads) {
      t.join();
    }
    assertEquals(n, sem.availablePermits());
  }

  @Test
  void allocCancelDoesntStarve() throws Exception {
    VirtualClock clock = new VirtualClock();
    Semaphore sem = Semaphore.create(10);
    sem.acquire(clock.background(), 1); // hold one "read lock"
    CancellableContext writeCtx = clock.background().withTimeout(Duration.ofMillis(300));
    TestThreads.Started writer = start(() -> sem.acquire(writeCtx, 10));
    eventually("writer queued", () -> sem.waiters() == 1);
    TestThreads.Started reader = start(() -> {
      sem.acquire(clock.background(), 1); // queued behind the writer
      sem.release(1);
    });
    eventually("reader queued", () -> sem.waiters() == 2);
    clock.advance(Duration.ofMillis(300)); // the writer gives up; the reader must be let in
    assertInstanceOf(DeadlineExceededException.class, writer.failure());
    reader.join();
    assertEquals(9, sem.availablePermits());
    assertEquals(0, sem.waiters());
  }

  // ---- x/sync v0.7.0 and the rest of the contract --------------------------------------------

  @Test
  void acquireWithDoneContextFailsEvenIfPermitsAreFree() {
    Semaphore sem = Semaphore.create(1);
    CancellableContext ctx = bg.withCancel();
    ctx.cancel();
    ContextException e = assertThrows(ContextException.class, () -> sem.acquire(ctx, 1));
    assertSame(ctx.err(), e);
    assertEquals(1, sem.availablePermits());
  }

  @Test
  void cancelWhileWaitingThrowsErrAndLeavesNoWaiter() throws Exception {
    Semaphore sem = Semaphore.create(2);
    sem.acquire(bg, 2);
    CancellableContext ctx = bg.withCancel();
    TestThreads.Started t = start(() -> sem.acquire(ctx, 1));
    eventually("queued", () -> sem.waiters() == 1);
    ctx.cancel(new IllegalStateException("stop"));
    assertSame(ctx.err(), t.failure());
    assertEquals(0, sem.waiters());
    sem.release(2);
    assertEquals(2, sem.availablePermits());
    assertTrue(sem.tryAcquire(2));
  }

  @Test
  void grantedAsContextEndsGivesPermitsBack() throws Exception {
    Semaphore sem = Semaphore.create(3);
    sem.acquire(bg, 3);
    SilentContext ctx = new SilentContext();
    TestThreads.Started t = start(() -> sem.acquire(ctx, 2));
    eventually("queued", () -> sem.waiters() == 1);
    ctx.inner.cancel(); // done, but the waiter is not told: the grant arrives first
    sem.release(2);
    assertSame(ctx.err(), t.failure());
    assertEquals(2, sem.availablePermits());
    assertEquals(0, sem.waiters());
  }

  @Test
  void foreignContextWhoseOnDoneThrowsLeavesNoWaiter() throws Exception {
    Semaphore sem = Semaphore.create(1);
    sem.acquire(bg, 1);
    SilentContext ctx = new SilentContext();
    IllegalStateException boom = new IllegalStateException("onDone failed");
    ctx.onDoneFailure = boom;
    assertSame(boom, assertThrows(IllegalStateException.class, () -> sem.acquire(ctx, 1)));
    assertEquals(0, sem.waiters());
    sem.release(1);
    assertEquals(1, sem.availablePermits());
  }

  @Test
  void interruptWhileWaitingLeavesSemaphoreUntouched() throws Exception {
    Semaphore sem = Semaphore.create(1);
    sem.acquire(bg, 1);
    TestThreads.Started t = start(() -> {
      try {
        sem.acquire(bg, 1);
      } finally {
        assertFalse(Thread.currentThread().isInterrupted(), "InterruptedException clears the status");
      }
    });
    eventually("queued", () -> sem.waiters() == 1);
    t.thread.interrupt();
    assertInstanceOf(InterruptedException.class, t.failure());
    assertEquals(0, sem.waiters());
    assertEquals(0, sem.availablePermits());
    sem.release(1);
    assertEquals(1, sem.availablePermits());
  }

  @Test
  void interruptAfterGrantKeepsPermitsAndInterruptStatus() throws Exception {
    Semaphore sem = Semaphore.create(1);
    sem.acquire(bg, 1);
    java.util.concurrent.atomic.AtomicBoolean interruptSent = new java.util.concurrent.atomic.AtomicBoolean();
    TestThreads.Started t = start(() -> {
      sem.acquire(bg, 1);
      while (!interruptSent.get()) {
        Thread.onSpinWait(); // not a blocking wait: on JDK 25 a latch may let the interrupt pass
      }
      if (Thread.currentThread().isInterrupted()) {
        throw new InterruptedException("the interrupt is still pending"); // what the test expects
      }
    });
    eventually("queued", () -> sem.waiters() == 1);
    sem.release(1); // granted first ...
    t.thread.interrupt(); // ... so the interrupt does not undo the acquire
    interruptSent.set(true);
    // acquire returned holding the permit; the interrupt stayed pending for the next wait
    assertInstanceOf(InterruptedException.class, t.failure());
    assertEquals(0, sem.availablePermits());
  }

  @Test
  void interruptedThreadAcquiresFreePermitsWithoutWaiting() throws Exception {
    Semaphore sem = Semaphore.create(1);
    Thread.currentThread().interrupt();
    try {
      sem.acquire(bg, 1);
      assertTrue(Thread.currentThread().isInterrupted());
    } finally {
      Thread.interrupted();
    }
    assertEquals(0, sem.availablePermits());
  }

  @Test
  void tooBigWithBackgroundWaitsUntilInterrupted() throws Exception {
    Semaphore sem = Semaphore.create(2);
    TestThreads.Started t = start(() -> sem.acquire(bg, 3));
    eventually("blocked", () -> t.thread.getState() == Thread.State.WAITING);
    assertFalse(t.isDone());
    t.thread.interrupt();
    assertInstanceOf(InterruptedException.class, t.failure());
    assertEquals(2, sem.availablePermits());
  }

  @Test
  void tryAcquireFailsWhileAnyoneWaits() throws Exception {
    Semaphore sem = Semaphore.create(2);
    sem.acquire(bg, 2);
    TestThreads.Started t = start(() -> sem.acquire(bg, 2));
    eventually("queued", () -> sem.waiters() == 1);
    sem.release(1);
    assertEquals(1, sem.availablePermits());
    assertFalse(sem.tryAcquire(1), "no barging past a waiter");
    sem.release(1);
    t.join();
    assertEquals(0, sem.availablePermits());
    sem.release(2);
  }

  @Test
  void waitersAreServedInFifoOrderWithHeadOfLineBlocking() throws Exception {
    Semaphore sem = Semaphore.create(3);
    sem.acquire(bg, 3);
    List<String> order = new ArrayList<>();
    TestThreads.Started big = start(() -> {
      sem.acquire(bg, 3);
      synchronized (order) {
        order.add("big");
      }
    });
    eventually("big queued", () -> sem.waiters() == 1);
    TestThreads.Started small = start(() -> {
      sem.acquire(bg, 1);
      synchronized (order) {
        order.add("small");
      }
    });
    eventually("small queued", () -> sem.waiters() == 2);
    sem.release(1);
    assertEquals(2, sem.waiters(), "small must not overtake big");
    sem.release(2);
    big.join();
    assertEquals(1, sem.waiters());
    sem.release(3);
    small.join();
    assertEquals(List.of("big", "small"), order);
    assertEquals(2, sem.availablePermits());
  }

  @Test
  void releaseHandsPermitsToEveryWaiterThatFits() throws Exception {
    Semaphore sem = Semaphore.create(3);
    sem.acquire(bg, 3);
    List<TestThreads.Started> ts = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      int expected = i + 1;
      ts.add(start(() -> sem.acquire(bg, 1)));
      eventually("queued", () -> sem.waiters() == expected);
    }
    sem.release(3);
    for (TestThreads.Started t : ts) {
      t.join();
    }
    assertEquals(0, sem.availablePermits());
    assertEquals(0, sem.waiters());
  }

  @Test
  void timeoutFollowsTheVirtualClock() throws Exception {
    VirtualClock clock = new VirtualClock();
    Semaphore sem = Semaphore.create(1);
    sem.acquire(clock.background(), 1);
    CancellableContext ctx = clock.background().withTimeout(Duration.ofSeconds(5));
    TestThreads.Started t = start(() -> sem.acquire(ctx, 1));
    eventually("queued", () -> sem.waiters() == 1);
    clock.advance(Duration.ofMillis(4_999));
    assertFalse(t.isDone());
    clock.advance(Duration.ofMillis(1));
    assertInstanceOf(DeadlineExceededException.class, t.failure());
    assertEquals(0, sem.waiters());
  }

  @Test
  void badInputIsRejectedAndChangesNothing() throws Exception {
    assertThrows(IllegalArgumentException.class, () -> Semaphore.create(0));
    assertThrows(IllegalArgumentException.class, () -> Semaphore.create(-1));
    assertThrows(IllegalArgumentException.class, () -> Semaphore.create(Long.MAX_VALUE));
    Semaphore sem = Semaphore.create(4);
    assertThrows(IllegalArgumentException.class, () -> sem.acquire(bg, 0));
    assertThrows(IllegalArgumentException.class, () -> sem.acquire(bg, -1));
    assertThrows(IllegalArgumentException.class, () -> sem.tryAcquire(0));
    assertThrows(IllegalArgumentException.class, () -> sem.release(0));
    assertThrows(NullPointerException.class, () -> sem.acquire(null, 1));
    sem.acquire(bg, 3);
    assertThrows(IllegalStateException.class, () -> sem.release(4));
    assertEquals(1, sem.availablePermits());
    assertFalse(sem.tryAcquire(5));
    sem.release(3);
    assertEquals(4, sem.availablePermits());
  }

  @Test
  void overReleaseOfAnyWeightThrowsAndChangesNothing() throws Exception {
    Semaphore sem = Semaphore.create(4);
    assertThrows(IllegalStateException.class, () -> sem.release(1), "nothing held");
    assertThrows(IllegalStateException.class, () -> sem.release(Long.MAX_VALUE));
    assertEquals(4, sem.availablePermits());
    sem.acquire(bg, 2);
    assertThrows(IllegalStateException.class, () -> sem.release(3));
    assertThrows(IllegalStateException.class, () -> sem.release(Long.MAX_VALUE));
    assertEquals(2, sem.availablePermits());
    sem.release(2);
    assertEquals(4, sem.availablePermits());
    assertTrue(sem.tryAcquire(4));
    sem.release(4);
  }

  /**
   * The fast paths' compare-and-exchange expects the state the last fast path wrote, which may be
   * stale when another path (a waiter's grant, another thread) has changed the state since, or
   * garbage. Whatever it is, tryAcquire and release must decide on the real state: every
   * combination of held permits, queued waiter, weight and guess gives the sequential outcome
   * and leaves the state it should.
   */
  @Test
  void aWrongGuessNeverDecidesAnOutcome() {
    long size = 3;
    List<Long> guesses = new ArrayList<>(List.of(-1L, Long.MIN_VALUE, Long.MAX_VALUE, 0x5555_5555_5555_5555L));
    for (long a = 0; a <= size + 1; a++) {
      guesses.add(a << 1);
      guesses.add(a << 1 | 1); // the QUEUED bit
    }
    for (long g : guesses) {
      for (long held = 0; held <= size; held++) {
        for (long n = 1; n <= size + 1; n++) {
          Semaphore sem = holding(size, held);
          SyncProbe.setGuess(sem.permits(), g);
          boolean fits = size - held >= n;
          assertEquals(fits, sem.tryAcquire(n), "tryAcquire(" + n + ") holding " + held + ", guess " + g);
          assertEquals(size - held - (fits ? n : 0), sem.availablePermits());

          Semaphore rel = holding(size, held);
          SyncProbe.setGuess(rel.permits(), g);
          if (n <= held) {
            rel.release(n);
            assertEquals(size - held + n, rel.availablePermits());
          } else {
            long n0 = n;
            assertThrows(IllegalStateException.class, () -> rel.release(n0), "over-release, guess " + g);
            assertEquals(size - held, rel.availablePermits());
          }
        }
      }
      // A waiter in line (it needs all 3 while 1 is held): no tryAcquire may pass it, an
      // over-release is refused, and a release that fits goes to the line, not to the state.
      Semaphore q = holding(size, 1);
      LockWaiter waiter = SyncProbe.inertWaiter();
      assertFalse(waiter.acquire(q, size));
      for (long n = 1; n <= size; n++) {
        SyncProbe.setGuess(q.permits(), g);
        assertFalse(q.tryAcquire(n), "tryAcquire(" + n + ") past a waiter, guess " + g);
        if (n > 1) {
          long n0 = n;
          SyncProbe.setGuess(q.permits(), g);
          assertThrows(IllegalStateException.class, () -> q.release(n0));
        }
      }
      assertEquals(size - 1, q.availablePermits());
      assertEquals(1, q.waiters());
      SyncProbe.setGuess(q.permits(), g);
      q.release(1);
      assertTrue(waiter.isGranted(), "the release went to the waiter, guess " + g);
      assertEquals(0, q.availablePermits());
      assertEquals(0, q.waiters());
    }
  }

  private static Semaphore holding(long size, long held) {
    Semaphore sem = Semaphore.create(size);
    assertTrue(held == 0 || sem.tryAcquire(held));
    return sem;
  }


  @Test
  void acquireWithDoneContextOfAnyKindFails() throws Exception {
    Semaphore sem = Semaphore.create(2);
    CancellableContext parent = bg.withCancel();
    Context derived = parent.withValue(Key.of("k", String.class), "v");
    parent.cancel();
    assertSame(parent.err(), assertThrows(ContextCancelledException.class, () -> sem.acquire(derived, 1)));
    assertEquals(2, sem.availablePermits());
    sem.acquire(Context.todo(), 2); // a root other than background(): never done
    assertEquals(0, sem.availablePermits());
    sem.release(2);
  }

  @Test
  void toStringShowsPermitsAndWaiters() throws Exception {
    Semaphore sem = Semaphore.create(3);
    sem.acquire(bg, 1);
    assertEquals("Semaphore[2/3, 0 waiting]", sem.toString());
    assertEquals(3, sem.size());
  }
}
