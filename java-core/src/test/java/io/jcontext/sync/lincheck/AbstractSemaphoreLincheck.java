package io.jcontext.sync.lincheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcontext.CancellableContext;
import io.jcontext.Context;
import io.jcontext.ContextException;
import io.jcontext.sync.Semaphore;
import io.jcontext.sync.SyncProbe;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jetbrains.lincheck.Lincheck;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.junit.jupiter.api.Test;

/**
 * Model checking of a {@link Semaphore} of {@link #size} permits, shared by the one-permit and
 * two-permit variants (as kotlinx's Semaphore1/Semaphore2 tests). The non-blocking operations
 * (tryAcquire, release with its IllegalStateException, acquire with a done context) are
 * checked for linearizability with weights 1 and 2; blocking acquires are checked in scenarios
 * where a context is cancelled mid-wait, for leaked permits and queue nodes.
 */
abstract class AbstractSemaphoreLincheck {
  static final Context DONE = done();

  final int size;
  final Semaphore sem;

  AbstractSemaphoreLincheck(int size) {
    this.size = size;
    this.sem = Semaphore.create(size);
  }

  private static Context done() {
    CancellableContext c = Context.background().withCancel();
    c.cancel();
    return c;
  }

  @Operation
  public boolean tryAcquire(@Param(gen = IntGen.class, conf = "1:2") int n) {
    return sem.tryAcquire(n);
  }

  @Operation
  public String release(@Param(gen = IntGen.class, conf = "1:2") int n) {
    try {
      sem.release(n);
      return "released";
    } catch (IllegalStateException e) {
      return "not held";
    }
  }

  @Operation
  public String acquireWithDoneContext(@Param(gen = IntGen.class, conf = "1:2") int n) throws InterruptedException {
    try {
      sem.acquire(DONE, n);
      return "acquired";
    } catch (ContextException e) {
      return "ctx done";
    }
  }

  @Operation
  public long availablePermits() {
    return sem.availablePermits();
  }

  @Test
  void nonBlockingOperationsAreLinearizable() {
    new ModelCheckingOptions()
        .threads(3)
        .actorsPerThread(3)
        .iterations(10)
        .invocationsPerIteration(300)
        .check(getClass());
  }

  /**
   * A full-weight waiter, parked in the queue, whose context is cancelled while the permits are
   * released to it: it either returns holding them or throws holding nothing.
   */
  @Test
  void queuedWaiterRacingWithCancelAndRelease() {
    int s = size;
    Lincheck.runConcurrentTest(700, () -> {
      Semaphore sm = Semaphore.create(s);
      assertTrue(sm.tryAcquire(s));
      CancellableContext ctx = Context.background().withCancel();
      AtomicInteger got = new AtomicInteger();
      AtomicBoolean seen = new AtomicBoolean();
      Thread waiter = new Thread(() -> {
        try {
          sm.acquire(ctx, s);
          got.set(1);
        } catch (ContextException | InterruptedException e) {
          got.set(2);
        }
      });
      Thread canceller = new Thread(() -> {
        awaitQueued(sm, seen);
        ctx.cancel();
      });
      Thread releaser = new Thread(() -> {
        awaitQueued(sm, seen);
        sm.release(s);
      });
      MutexLincheckTest.startAndJoin(waiter, canceller, releaser);
      assertEquals(got.get() == 1 ? 0 : s, sm.availablePermits(), "held exactly when acquire returned");
      if (got.get() == 1) {
        sm.release(s);
      }
      assertEquals(s, sm.availablePermits());
      assertEquals(0, SyncProbe.waiters(sm));
    });
  }

  /** Spins until a waiter has been seen queued (by this or another thread). */
  static void awaitQueued(Semaphore s, AtomicBoolean seen) {
    while (!seen.get()) {
      if (SyncProbe.waiters(s) > 0) {
        seen.set(true);
      } else {
        Thread.yield();
      }
    }
  }
}
