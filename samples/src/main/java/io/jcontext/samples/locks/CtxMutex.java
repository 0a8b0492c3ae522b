package io.jcontext.samples.locks;

import io.jcontext.CancellableContext;
import io.jcontext.Context;
import io.jcontext.ContextException;
import io.jcontext.TaskExecutors;
import io.jcontext.samples.Sample;
import io.jcontext.sync.Mutex;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Seed 004, task 15: a mutex whose {@code lock(ctx)} gives up when the context ends, without
 * holding the lock: the library's {@link Mutex}. Unlike the seed's channel-based version, a lock
 * that races with cancellation never briefly takes the mutex: either it returns holding it, or it
 * throws and the mutex passes to the next waiter.
 *
 * <p>{@link #contend} is the task's stress test: {@code n} threads compete for one mutex, each
 * with a short timeout; every attempt ends as either an acquisition or a deadline, and afterwards
 * the mutex is free (no leaked hold).
 */
public final class CtxMutex implements Sample {

  /** Outcome counts of a contention run. */
  public record Contention(int acquired, int timedOut, int other, boolean lockedAfter) {}

  /**
   * Runs {@code n} tasks that each lock {@code mu} with a {@code timeout}, hold it for
   * {@code hold} (real time, busy), and unlock.
   */
  public static Contention contend(Mutex mu, int n, Duration timeout, Duration hold) throws InterruptedException {
    AtomicInteger acquired = new AtomicInteger();
    AtomicInteger timedOut = new AtomicInteger();
    AtomicInteger other = new AtomicInteger();
    CountDownLatch done = new CountDownLatch(n);
    for (int i = 0; i < n; i++) {
      TaskExecutors.perTask().execute(() -> {
        try (CancellableContext ctx = Context.background().withTimeout(timeout)) {
          mu.lock(ctx);
          try {
            acquired.incrementAndGet();
            long end = System.nanoTime() + hold.toNanos();
            while (System.nanoTime() < end) {
              Thread.onSpinWait();
            }
          } finally {
            mu.unlock();
          }
        } catch (ContextException e) {
          (e.isTimeout() ? timedOut : other).incrementAndGet();
        } catch (Throwable t) {
          other.incrementAndGet();
        } finally {
          done.countDown();
        }
      });
    }
    if (!done.await(60, TimeUnit.SECONDS)) {
      throw new IllegalStateException("contention did not finish");
    }
    return new Contention(acquired.get(), timedOut.get(), other.get(), mu.isLocked());
  }

  @Override
  public String id() {
    return "004-15";
  }

  @Override
  public String title() {
    return "context-aware mutex";
  }

  @Override
  public String run() throws Exception {
    Mutex mu = Mutex.create();
    mu.lock(Context.background());
    String blocked;
    try (CancellableContext ctx = Context.background().withTimeout(Duration.ofMillis(50))) {
      mu.lock(ctx);
      blocked = "second lock acquired?!";
    } catch (ContextException e) {
      blocked = "second lock gave up after 50 ms: " + e.getClass().getSimpleName();
    }
    mu.unlock();
    String unheld;
    try {
      mu.unlock();
      unheld = "unlock of unheld mutex accepted?!";
    } catch (IllegalStateException e) {
      unheld = "unlock of unheld mutex: IllegalStateException";
    }
    Contention c = contend(mu, 1_000, Duration.ofMillis(5), Duration.ofNanos(20_000));
    if (!blocked.startsWith("second lock gave up") || !unheld.endsWith("IllegalStateException")
        || c.acquired() + c.timedOut() != 1_000 || c.other() != 0 || c.lockedAfter()) {
      throw new IllegalStateException(blocked + " " + unheld + " " + c);
    }
    return blocked + "; " + unheld + "; 1000 contenders with 5 ms timeouts: " + c.acquired() + " acquired + "
        + c.timedOut() + " timed out = 1000, mutex free afterwards";
  }
}
