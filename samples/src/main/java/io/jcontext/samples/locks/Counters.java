package io.jcontext.samples.locks;

import io.jcontext.TaskExecutors;
import io.jcontext.samples.Sample;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Seed 002: a counter incremented by 1 000 concurrent tasks. The plain {@code value++} is a
 * read, an add and a write, so concurrent increments can be lost; the atomic counter cannot lose
 * one. Solution 1 is {@link MutexCounter}, on the library's context-aware {@code Mutex}
 * (an increment that cannot get the lock before its context ends gives up instead of blocking);
 * solution 2 is {@link AtomicCounter}.
 */
public final class Counters implements Sample {

  /** A counter. */
  public interface Counter {
    /** Adds one. */
    void inc();

    /** The count. */
    long value();
  }

  /** Not thread-safe: increments can be lost. */
  public static final class PlainCounter implements Counter {
    private long value;

    @Override
    public void inc() {
      value++;
    }

    @Override
    public long value() {
      return value;
    }
  }

  /** Solution 1: a mutex around the read-add-write, and around the read. */
  public static final class MutexCounter implements Counter {
    private final io.jcontext.sync.Mutex mu = io.jcontext.sync.Mutex.create();
    private long value; // guarded by mu

    @Override
    public void inc() {
      try {
        mu.lock(io.jcontext.Context.background());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      try {
        value++;
      } finally {
        mu.unlock();
      }
    }

    @Override
    public long value() {
      try {
        mu.lock(io.jcontext.Context.background());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      try {
        return value;
      } finally {
        mu.unlock();
      }
    }
  }

  /** Solution 2: an atomic add. */
  public static final class AtomicCounter implements Counter {
    private final AtomicLong value = new AtomicLong();

    @Override
    public void inc() {
      value.incrementAndGet();
    }

    @Override
    public long value() {
      return value.get();
    }
  }

  /**
   * Runs {@code tasks} concurrent tasks (a thread each, virtual when available), each calling
   * {@code inc} {@code perTask} times, and waits for all of them (Go's WaitGroup).
   */
  public static long hammer(Counter counter, int tasks, int perTask) throws InterruptedException {
    CountDownLatch start = new CountDownLatch(1);
    CountDownLatch done = new CountDownLatch(tasks);
    for (int i = 0; i < tasks; i++) {
      TaskExecutors.perTask().execute(() -> {
        try {
          start.await();
          for (int j = 0; j < perTask; j++) {
            counter.inc();
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        } finally {
          done.countDown();
        }
      });
    }
    start.countDown();
    if (!done.await(30, TimeUnit.SECONDS)) {
      throw new IllegalStateException("tasks did not finish");
    }
    return counter.value();
  }

  @Override
  public String id() {
    return "002-counter";
  }

  @Override
  public String title() {
    return "counter: plain vs mutex vs atomic";
  }

  @Override
  public String run() throws InterruptedException {
    Counter three = new AtomicCounter();
    three.inc();
    three.inc();
    three.inc();
    long plain = hammer(new PlainCounter(), 1_000, 100);
    long atomic = hammer(new AtomicCounter(), 1_000, 100);
    long mutex = hammer(new MutexCounter(), 1_000, 10);
    if (atomic != 100_000 || mutex != 10_000 || three.value() != 3) {
      throw new IllegalStateException("atomic counter lost increments: " + atomic);
    }
    return "3 increments -> " + three.value() + "; 1000 tasks x 100: plain " + plain
        + (plain < 100_000 ? " (lost " + (100_000 - plain) + ")" : " (none lost this run)")
        + ", atomic " + atomic + "; 1000 x 10 with the Mutex: " + mutex;
  }
}
