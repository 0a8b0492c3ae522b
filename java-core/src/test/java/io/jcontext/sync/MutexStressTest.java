package io.jcontext.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jcontext.CancellableContext;
import io.jcontext.Context;
import io.jcontext.DeadlineExceededException;
import io.jcontext.TaskExecutors;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * Seed 004 task 15's stress: many threads, each with a 5 ms timeout, on one mutex. Every thread
 * either acquires or times out; afterwards the mutex is free, nobody is queued, no thread is left.
 */
class MutexStressTest {

  private static final class Tally {
    final AtomicInteger acquired = new AtomicInteger();
    final AtomicInteger timedOut = new AtomicInteger();
    final AtomicInteger other = new AtomicInteger();
    final AtomicInteger inside = new AtomicInteger();
    final AtomicInteger overlaps = new AtomicInteger();
  }

  /** One contender: lock with a 5 ms timeout (system clock), hold the lock briefly, unlock. */
  private static void contend(Mutex mu, Tally tally) {
    try (CancellableContext ctx = Context.background().withTimeout(Duration.ofMillis(5))) {
      mu.lock(ctx);
      try {
        if (tally.inside.incrementAndGet() != 1) {
          tally.overlaps.incrementAndGet();
        }
        LockSupport.parkNanos(20_000); // hold long enough that some waiters time out
        tally.inside.decrementAndGet();
      } finally {
        mu.unlock();
      }
      tally.acquired.incrementAndGet();
    } catch (DeadlineExceededException e) {
      tally.timedOut.incrementAndGet();
    } catch (Throwable t) {
      tally.other.incrementAndGet();
    }
  }

  private static void run(int n, Executor executor) throws Exception {
    Mutex mu = Mutex.create();
    Tally tally = new Tally();
    CountDownLatch go = new CountDownLatch(1);
    CountDownLatch finished = new CountDownLatch(n);
    for (int i = 0; i < n; i++) {
      executor.execute(() -> {
        try {
          go.await();
          contend(mu, tally);
        } catch (InterruptedException e) {
          tally.other.incrementAndGet();
        } finally {
          finished.countDown();
        }
      });
    }
    go.countDown();
    assertTrue(finished.await(60, TimeUnit.SECONDS), "every contender finished (no thread stuck)");
    assertEquals(0, tally.other.get(), "only acquisitions and timeouts");
    assertEquals(0, tally.overlaps.get(), "mutual exclusion");
    assertEquals(n, tally.acquired.get() + tally.timedOut.get());
    assertTrue(tally.acquired.get() > 0);
    assertFalse(mu.isLocked(), "no permit leaked");
    assertEquals(0, mu.waiters(), "no queue node left behind");
    assertTrue(mu.tryLock());
  }

  @Test
  void thousandPlatformThreadsWithFiveMillisecondTimeouts() throws Exception {
    List<Thread> threads = new ArrayList<>();
    run(1_000, r -> {
      Thread t = new Thread(r);
      threads.add(t);
      t.start();
    });
    for (Thread t : threads) {
      t.join(10_000);
      assertFalse(t.isAlive(), "thread leaked: " + t);
    }
  }

  @Test
  void tenThousandVirtualThreadsWithFiveMillisecondTimeouts() throws Exception {
    assumeTrue(Runtime.version().feature() >= 21, "virtual threads need JDK 21+");
    assumeTrue(TaskExecutors.usesVirtualThreads());
    run(10_000, TaskExecutors.perTask());
  }

  @Test
  void cancellationAndInterruptsInEveryOrderLeakNothing() throws Exception {
    Mutex mu = Mutex.create();
    int threads = 8;
    int rounds = 2_000;
    AtomicInteger inside = new AtomicInteger();
    AtomicInteger overlaps = new AtomicInteger();
    List<TestThreads.Started> workers = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      workers.add(TestThreads.start(() -> {
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        for (int k = 0; k < rounds; k++) {
          CancellableContext ctx = Context.background().withCancel();
          if (rnd.nextInt(4) == 0) {
            ctx.cancel(); // sometimes already done
          }
          if (rnd.nextInt(4) == 0) {
            // a canceller racing with the acquisition
            TaskExecutors.perTask().execute(ctx::cancel);
          }
          try {
            mu.lock(ctx);
          } catch (RuntimeException | InterruptedException e) {
            Thread.interrupted();
            continue;
          } finally {
            if (rnd.nextInt(2) == 0) {
              ctx.cancel();
            }
          }
          if (inside.incrementAndGet() != 1) {
            overlaps.incrementAndGet();
          }
          Thread.yield();
          inside.decrementAndGet();
          mu.unlock();
          ctx.cancel();
        }
      }));
    }
    // an interrupter poking random workers while they wait
    TestThreads.Started interrupter = TestThreads.start(() -> {
      ThreadLocalRandom rnd = ThreadLocalRandom.current();
      while (workers.stream().anyMatch(w -> !w.isDone())) {
        workers.get(rnd.nextInt(threads)).thread.interrupt();
        LockSupport.parkNanos(50_000);
      }
    });
    for (TestThreads.Started w : workers) {
      w.join();
    }
    interrupter.join();
    assertEquals(0, overlaps.get());
    assertFalse(mu.isLocked());
    assertEquals(0, mu.waiters());
  }
}
