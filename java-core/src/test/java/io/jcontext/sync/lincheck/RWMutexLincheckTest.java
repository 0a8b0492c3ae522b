package io.jcontext.sync.lincheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcontext.CancellableContext;
import io.jcontext.Context;
import io.jcontext.ContextException;
import io.jcontext.sync.RWMutex;
import io.jcontext.sync.SyncProbe;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jetbrains.lincheck.Lincheck;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.junit.jupiter.api.Test;

/**
 * Model checking of {@link RWMutex}: linearizability of the non-blocking operations, and
 * blocking rLock/lock in scenarios where a context is cancelled mid-wait (see
 * {@link MutexLincheckTest} for the approach).
 */
public class RWMutexLincheckTest {
  private final RWMutex rw = RWMutex.create();

  @Operation
  public boolean tryRLock() {
    return rw.tryRLock();
  }

  @Operation
  public boolean tryLock() {
    return rw.tryLock();
  }

  @Operation
  public String rUnlock() {
    try {
      rw.rUnlock();
      return "ok";
    } catch (IllegalStateException e) {
      return "no read lock";
    }
  }

  @Operation
  public String unlock() {
    try {
      rw.unlock();
      return "ok";
    } catch (IllegalStateException e) {
      return "no write lock";
    }
  }

  @Operation
  public String lockWithDoneContext() throws InterruptedException {
    try {
      rw.lock(AbstractSemaphoreLincheck.DONE);
      return "locked";
    } catch (ContextException e) {
      return "ctx done";
    }
  }

  @Test
  void nonBlockingOperationsAreLinearizable() {
    new ModelCheckingOptions()
        .threads(3)
        .actorsPerThread(3)
        .iterations(10)
        .invocationsPerIteration(300)
        .check(RWMutexLincheckTest.class);
  }

  /**
   * A writer waits behind a reader and keeps a new reader out; the writer's context is
   * cancelled; the new reader must then get in (it may also have got in before the writer came).
   */
  @Test
  void cancelledWriterLetsQueuedReaderIn() {
    Lincheck.runConcurrentTest(700, () -> {
      RWMutex m = RWMutex.create();
      assertTrue(m.tryRLock());
      CancellableContext ctx = Context.background().withCancel();
      AtomicInteger writerGot = new AtomicInteger();
      Thread writer = new Thread(() -> {
        try {
          m.lock(ctx);
          writerGot.set(1);
        } catch (ContextException | InterruptedException e) {
          writerGot.set(2);
        }
      });
      Thread reader = new Thread(() -> {
        try {
          m.rLock(Context.background()); // hangs if the cancelled writer strands it
        } catch (InterruptedException e) {
          throw new AssertionError(e);
        }
      });
      Thread canceller = new Thread(ctx::cancel);
      MutexLincheckTest.startAndJoin(writer, reader, canceller);
      assertEquals(2, writerGot.get(), "a reader holds the lock throughout");
      assertEquals(2, m.readers());
      assertEquals(0, SyncProbe.waiters(m));
      m.rUnlock();
      m.rUnlock();
      assertTrue(m.tryLock());
    });
  }

  /** A queued reader whose context is cancelled as the writer unlocks. */
  @Test
  void queuedReaderRacingWithCancelAndUnlock() {
    Lincheck.runConcurrentTest(700, () -> {
      RWMutex m = RWMutex.create();
      assertTrue(m.tryLock());
      CancellableContext ctx = Context.background().withCancel();
      AtomicInteger got = new AtomicInteger();
      AtomicBoolean seen = new AtomicBoolean();
      Thread reader = new Thread(() -> {
        try {
          m.rLock(ctx);
          got.set(1);
        } catch (ContextException | InterruptedException e) {
          got.set(2);
        }
      });
      Thread canceller = new Thread(() -> {
        awaitQueued(m, seen);
        ctx.cancel();
      });
      Thread unlocker = new Thread(() -> {
        awaitQueued(m, seen);
        m.unlock();
      });
      MutexLincheckTest.startAndJoin(reader, canceller, unlocker);
      assertEquals(got.get() == 1 ? 1 : 0, m.readers(), "held exactly when rLock returned");
      if (got.get() == 1) {
        m.rUnlock();
      }
      assertTrue(m.tryLock(), "nothing left queued or held");
    });
  }

  private static void awaitQueued(RWMutex m, AtomicBoolean seen) {
    while (!seen.get()) {
      if (SyncProbe.waiters(m) > 0) {
        seen.set(true);
      } else {
        Thread.yield();
      }
    }
  }
}
