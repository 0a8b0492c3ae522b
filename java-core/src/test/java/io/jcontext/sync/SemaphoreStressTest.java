package io.jcontext.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcontext.CancellableContext;
import io.jcontext.Context;
import io.jcontext.TaskExecutors;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/** Weighted acquires racing with cancellations and interrupts: no permit or waiter ever leaks. */
class SemaphoreStressTest {

  @Test
  void weightedAcquiresWithCancellationsAndInterrupts() throws Exception {
    long size = 5;
    Semaphore sem = Semaphore.create(size);
    AtomicLong held = new AtomicLong();
    AtomicInteger overflows = new AtomicInteger();
    AtomicInteger granted = new AtomicInteger();
    int threads = 8;
    List<TestThreads.Started> workers = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      workers.add(TestThreads.start(() -> {
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        for (int k = 0; k < 2_000; k++) {
          long n = 1 + rnd.nextInt((int) size + 1); // sometimes size + 1: waits for ctx only
          CancellableContext ctx = Context.background().withCancel();
          if (rnd.nextInt(3) == 0) {
            TaskExecutors.perTask().execute(ctx::cancel);
          }
          if (n > size) {
            ctx.cancel();
          }
          boolean got;
          try {
            if (rnd.nextInt(5) == 0) {
              got = sem.tryAcquire(n);
            } else {
              sem.acquire(ctx, n);
              got = true;
            }
          } catch (RuntimeException | InterruptedException e) {
            got = false;
            Thread.interrupted();
          }
          ctx.cancel();
          if (got) {
            granted.incrementAndGet();
            if (held.addAndGet(n) > size) {
              overflows.incrementAndGet();
            }
            Thread.yield();
            held.addAndGet(-n);
            sem.release(n);
          }
        }
      }));
    }
    TestThreads.Started interrupter = TestThreads.start(() -> {
      ThreadLocalRandom rnd = ThreadLocalRandom.current();
      while (workers.stream().anyMatch(w -> !w.isDone())) {
        workers.get(rnd.nextInt(threads)).thread.interrupt();
        LockSupport.parkNanos(100_000);
      }
    });
    for (TestThreads.Started w : workers) {
      w.join();
    }
    interrupter.join();
    assertEquals(0, overflows.get(), "never more than size permits held");
    assertTrue(granted.get() > 0);
    assertEquals(size, sem.availablePermits(), "no permit leaked");
    assertEquals(0, sem.waiters(), "no waiter left queued");
  }

  @Test
  void readersAndWritersWithCancellations() throws Exception {
    RWMutex rw = RWMutex.create();
    AtomicInteger readers = new AtomicInteger();
    AtomicInteger writers = new AtomicInteger();
    AtomicInteger violations = new AtomicInteger();
    List<TestThreads.Started> workers = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      boolean writer = i % 3 == 0;
      workers.add(TestThreads.start(() -> {
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        for (int k = 0; k < 2_000; k++) {
          CancellableContext ctx = Context.background().withCancel();
          if (rnd.nextInt(3) == 0) {
            TaskExecutors.perTask().execute(ctx::cancel);
          }
          try {
            if (writer) {
              rw.lock(ctx);
            } else {
              rw.rLock(ctx);
            }
          } catch (RuntimeException e) {
            continue;
          } finally {
            ctx.cancel();
          }
          if (writer) {
            if (writers.incrementAndGet() != 1 || readers.get() != 0) {
              violations.incrementAndGet();
            }
            Thread.yield();
            writers.decrementAndGet();
            rw.unlock();
          } else {
            readers.incrementAndGet();
            if (writers.get() != 0) {
              violations.incrementAndGet();
            }
            Thread.yield();
            readers.decrementAndGet();
            rw.rUnlock();
          }
        }
      }));
    }
    for (TestThreads.Started w : workers) {
      w.join();
    }
    assertEquals(0, violations.get());
    assertEquals("RWMutex[unlocked, 0 waiting]", rw.toString());
  }
}
