package io.jcontext.samples.values;

import io.jcontext.Context;
import io.jcontext.Key;
import io.jcontext.samples.Go;
import io.jcontext.samples.Sample;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Seed 004, task 17: why a context value must not be shared mutable state, and the two right
 * ways.
 *
 * <p>A context hands the same object to every thread that receives it; the context makes its
 * <em>reference</em> visible safely (values are immutable chains), but nothing about the object's
 * own fields. {@link UnsafeCounter} in a context loses increments under concurrency; the
 * {@code ValueMutabilityLincheckTest} finds the interleaving deterministically, as Go's race
 * detector does. The alternatives: (a) an immutable value ({@link Snapshot}, a record): what the
 * context is for; (b) a handle that owns its concurrency ({@link SafeCounter} on an
 * {@code AtomicLong}, {@link GuardedSet} behind a lock), when mutation really must be shared.
 */
public final class ValueMutability implements Sample {

  /** Unsafe: a plain mutable field shared through the context. For the demonstration only. */
  public static final class UnsafeCounter {
    private int hits;

    /** Increments, without synchronisation: a read, an add and a write that can interleave. */
    public void inc() {
      hits++;
    }

    /** Reads the count. */
    public int hits() {
      return hits;
    }
  }

  /** Alternative (a): an immutable value. Later changes to the caller's data cannot reach it. */
  public record Snapshot(String requestId, String tenant) {}

  /** Alternative (b): a handle that owns its concurrency. */
  public static final class SafeCounter {
    private final AtomicLong hits = new AtomicLong();

    /** Increments atomically. */
    public void inc() {
      hits.incrementAndGet();
    }

    /** Reads the count. */
    public long hits() {
      return hits.get();
    }
  }

  /** Alternative (b'): a structure too rich for one atomic, behind a lock. */
  public static final class GuardedSet {
    private final ReentrantLock lock = new ReentrantLock();
    private final Set<String> seen = new HashSet<>(); // guarded by lock

    /** Adds {@code k}. */
    public void add(String k) {
      lock.lock();
      try {
        seen.add(k);
      } finally {
        lock.unlock();
      }
    }

    /** Returns whether {@code k} was added. */
    public boolean has(String k) {
      lock.lock();
      try {
        return seen.contains(k);
      } finally {
        lock.unlock();
      }
    }
  }

  /** Key of the unsafe counter. */
  public static final Key<UnsafeCounter> UNSAFE = Key.of("unsafeCounter", UnsafeCounter.class);
  /** Key of the snapshot. */
  public static final Key<Snapshot> SNAPSHOT = Key.of("snapshot", Snapshot.class);
  /** Key of the safe counter. */
  public static final Key<SafeCounter> SAFE = Key.of("safeCounter", SafeCounter.class);

  /**
   * Starts {@code threads} threads that each increment, {@code perThread} times, the counter found
   * in {@code ctx} under {@code inc}, and waits for them.
   */
  public static void hammer(Context ctx, int threads, int perThread, java.util.function.Consumer<Context> inc)
      throws Exception {
    CountDownLatch start = new CountDownLatch(1);
    List<Go<Void>> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      workers.add(Go.run("hammer-" + t, () -> {
        start.await();
        for (int i = 0; i < perThread; i++) {
          inc.accept(ctx);
        }
      }));
    }
    start.countDown();
    for (Go<Void> w : workers) {
      w.join(Duration.ofSeconds(30));
    }
  }

  @Override
  public String id() {
    return "004-17";
  }

  @Override
  public String title() {
    return "mutable vs immutable/synchronised values";
  }

  @Override
  public String run() throws Exception {
    int threads = 4;
    int perThread = 100_000;
    Context ctx = Context.background()
        .withValue(UNSAFE, new UnsafeCounter())
        .withValue(SAFE, new SafeCounter());
    hammer(ctx, threads, perThread, c -> c.value(UNSAFE).inc());
    hammer(ctx, threads, perThread, c -> c.value(SAFE).inc());
    long expected = (long) threads * perThread;
    long safe = ctx.value(SAFE).hits();
    int unsafe = ctx.value(UNSAFE).hits();
    if (safe != expected) {
      throw new IllegalStateException("safe counter lost updates: " + safe);
    }
    return threads + "x" + perThread + " increments through the context: unsafe int field " + unsafe
        + (unsafe < expected ? " (lost " + (expected - unsafe) + ")" : " (no loss this run; Lincheck test proves the race)")
        + ", AtomicLong handle " + safe;
  }
}
