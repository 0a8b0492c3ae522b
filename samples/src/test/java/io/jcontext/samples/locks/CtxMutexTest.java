package io.jcontext.samples.locks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcontext.CancellableContext;
import io.jcontext.Context;
import io.jcontext.DeadlineExceededException;
import io.jcontext.samples.Go;
import io.jcontext.sync.Mutex;
import io.jcontext.testing.VirtualClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The task's four behaviours and its stress test. */
class CtxMutexTest {
  private static final Duration LIVENESS = Duration.ofSeconds(10);

  @Test
  void lockSucceedsOnAFreeMutex() throws Exception {
    Mutex mu = Mutex.create();
    mu.lock(Context.background());
    assertTrue(mu.isLocked());
    mu.unlock();
  }

  @Test
  void secondLockBlocksUntilUnlock() throws Exception {
    Mutex mu = Mutex.create();
    mu.lock(Context.background());
    Go<Void> second = Go.run("second", () -> {
      mu.lock(Context.background());
      mu.unlock();
    });
    assertFalse(second.await(Duration.ofMillis(50)), "blocked while held");
    mu.unlock();
    second.join(LIVENESS);
    assertFalse(mu.isLocked());
  }

  @Test
  void secondLockWithTimeoutGivesDeadlineExceededWithoutTheLock() throws Exception {
    VirtualClock clock = new VirtualClock();
    Mutex mu = Mutex.create();
    mu.lock(clock.background());
    Go<Void> second = Go.run("second", () -> {
      try (CancellableContext ctx = clock.background().withTimeout(Duration.ofMillis(50))) {
        mu.lock(ctx);
      }
    });
    assertTrue(clock.awaitPendingTimers(1, LIVENESS));
    clock.advance(Duration.ofMillis(50));
    assertInstanceOf(DeadlineExceededException.class, second.failure(LIVENESS));
    mu.unlock(); // still ours: the timed-out lock never took it
    assertFalse(mu.isLocked());
  }

  @Test
  void unlockOfUnheldMutexFails() {
    Mutex mu = Mutex.create();
    assertThrows(IllegalStateException.class, mu::unlock);
    assertFalse(mu.isLocked());
  }

  @Test
  void thousandContendersWithShortTimeoutsAllAccountedForNoLeak() throws Exception {
    CtxMutex.Contention c = CtxMutex.contend(Mutex.create(), 1_000, Duration.ofMillis(5), Duration.ofNanos(20_000));
    assertEquals(1_000, c.acquired() + c.timedOut());
    assertEquals(0, c.other());
    assertTrue(c.acquired() > 0);
    assertFalse(c.lockedAfter(), "no hold leaked");
  }

  @Test
  void tourStop() throws Exception {
    assertTrue(new CtxMutex().run().contains("= 1000, mutex free afterwards"));
  }
}
