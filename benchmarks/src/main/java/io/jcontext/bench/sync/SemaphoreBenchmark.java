package io.jcontext.bench.sync;

import io.jcontext.Context;
import io.jcontext.bench.kt.KxSync;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Uncontended semaphore of 10 permits, one thread: {@code acquire1_*} takes and returns one
 * permit; {@code weighted_*} takes and returns 3 at once (kotlinx {@code Semaphore} has no
 * weighted acquire, so its only peers are {@link Semaphore#acquire(int)}). {@code java.util.concurrent}
 * uses the blocking, interruptible {@code acquire}, non-fair (the default) and fair
 * ({@code new Semaphore(n, true)}, FIFO like ours); kotlinx the non-suspending {@code tryAcquire}
 * and, in a batch inside one {@code runBlocking}, the suspending {@code acquire()}.
 * jcontext: {@link io.jcontext.sync.Semaphore#acquire(Context, long)} with a live
 * {@code background()} context, and {@code tryAcquire(1)}. {@code busy_*}: {@code acquire1_*} on
 * a semaphore whose {@link #BUSY} other permits stay held, so the state is never the idle one (a
 * fast path that bet on an idle semaphore would show here).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(2)
public class SemaphoreBenchmark {
  static final int PERMITS = 10;
  static final int WEIGHT = 3;
  /** Permits held by others for the whole run in the {@code busy_*} benchmarks. */
  static final int BUSY = 5;

  private Semaphore juc;
  private Semaphore jucFair;
  private io.jcontext.sync.Semaphore jc;
  private Context ctx;
  private kotlinx.coroutines.sync.Semaphore kx;
  private Semaphore jucBusy;
  private io.jcontext.sync.Semaphore jcBusy;

  @Setup
  public void setUp() {
    juc = new Semaphore(PERMITS);
    jucFair = new Semaphore(PERMITS, true);
    jc = io.jcontext.sync.Semaphore.create(PERMITS);
    ctx = Context.background();
    kx = kotlinx.coroutines.sync.SemaphoreKt.Semaphore(PERMITS, 0);
    jucBusy = new Semaphore(PERMITS);
    jucBusy.acquireUninterruptibly(BUSY);
    jcBusy = io.jcontext.sync.Semaphore.create(PERMITS);
    if (!jcBusy.tryAcquire(BUSY)) {
      throw new AssertionError("setup: tryAcquire failed");
    }
  }

  @Benchmark
  public long acquire1_jcontext() throws InterruptedException {
    io.jcontext.sync.Semaphore s = jc;
    s.acquire(ctx, 1);
    s.release(1);
    return PERMITS;
  }

  @Benchmark
  public long acquire1_jcontext_tryAcquire() {
    io.jcontext.sync.Semaphore s = jc;
    if (!s.tryAcquire(1)) {
      throw new AssertionError("uncontended tryAcquire failed");
    }
    s.release(1);
    return PERMITS;
  }

  @Benchmark
  public long weighted_jcontext() throws InterruptedException {
    io.jcontext.sync.Semaphore s = jc;
    s.acquire(ctx, WEIGHT);
    s.release(WEIGHT);
    return PERMITS;
  }

  @Benchmark
  public int acquire1_jucSemaphore() throws InterruptedException {
    Semaphore s = juc;
    s.acquire();
    s.release();
    return PERMITS;
  }

  @Benchmark
  public int acquire1_jucSemaphoreFair() throws InterruptedException {
    Semaphore s = jucFair;
    s.acquire();
    s.release();
    return PERMITS;
  }

  @Benchmark
  public int acquire1_kotlinxSemaphore_tryAcquire() {
    kotlinx.coroutines.sync.Semaphore s = kx;
    if (!s.tryAcquire()) {
      throw new AssertionError("uncontended tryAcquire failed");
    }
    s.release();
    return PERMITS;
  }

  @Benchmark
  @OperationsPerInvocation(KxSync.BATCH)
  public int acquire1_kotlinxSemaphore_suspend() {
    return KxSync.acquireLoop(kx);
  }

  @Benchmark
  public int weighted_jucSemaphore() throws InterruptedException {
    Semaphore s = juc;
    s.acquire(WEIGHT);
    s.release(WEIGHT);
    return PERMITS;
  }

  @Benchmark
  public int weighted_jucSemaphoreFair() throws InterruptedException {
    Semaphore s = jucFair;
    s.acquire(WEIGHT);
    s.release(WEIGHT);
    return PERMITS;
  }

  @Benchmark
  public long busy_jcontext() throws InterruptedException {
    io.jcontext.sync.Semaphore s = jcBusy;
    s.acquire(ctx, 1);
    s.release(1);
    return PERMITS;
  }

  @Benchmark
  public int busy_jucSemaphore() throws InterruptedException {
    Semaphore s = jucBusy;
    s.acquire();
    s.release();
    return PERMITS;
  }
}
