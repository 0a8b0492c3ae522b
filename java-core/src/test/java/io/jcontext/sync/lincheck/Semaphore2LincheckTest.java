package io.jcontext.sync.lincheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcontext.CancellableContext;
import io.jcontext.Context;
import io.jcontext.ContextException;
import io.jcontext.sync.Semaphore;
import io.jcontext.sync.SyncProbe;
import java.util.concurrent.atomic.AtomicInteger;
import org.jetbrains.lincheck.Lincheck;
import org.junit.jupiter.api.Test;

/** {@link AbstractSemaphoreLincheck} with two permits and weighted (1 and 2) acquires. */
public class Semaphore2LincheckTest extends AbstractSemaphoreLincheck {
  public Semaphore2LincheckTest() {
    super(2);
  }

  /**
   * x/sync's "cancelled head waiter wakes those behind it": one permit is held and one is free;
   * a weight-2 request queues, a weight-1 request queues behind it (no barging). When the big
   * request is cancelled, the small one must get the free permit without any release.
   */
  @Test
  void cancelledHeadWakesTheWaiterBehindIt() {
    Lincheck.runConcurrentTest(700, () -> {
      Semaphore sm = Semaphore.create(2);
      assertTrue(sm.tryAcquire(1));
      CancellableContext ctx = Context.background().withCancel();
      AtomicInteger bigGot = new AtomicInteger();
      Thread big = new Thread(() -> {
        try {
          sm.acquire(ctx, 2);
          bigGot.set(1);
        } catch (ContextException | InterruptedException e) {
          bigGot.set(2);
        }
      });
      Thread small = new Thread(() -> {
        try {
          sm.acquire(Context.background(), 1); // hangs if the cancelled head strands it
        } catch (InterruptedException e) {
          throw new AssertionError(e);
        }
      });
      Thread canceller = new Thread(ctx::cancel);
      MutexLincheckTest.startAndJoin(big, small, canceller);
      assertEquals(2, bigGot.get(), "the big request can never be granted here");
      assertEquals(0, sm.availablePermits());
      assertEquals(0, SyncProbe.waiters(sm));
      sm.release(2);
    });
  }
}
