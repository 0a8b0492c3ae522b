package io.jcontext.bench.sync;

import io.jcontext.Context;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Two threads acquire one permit of one shared semaphore of {@link #PERMITS} and release it, over
 * and over: the permits always suffice, so nobody waits, and what is measured is the fast paths
 * racing on one state word (failed compare-and-set retries included). jcontext
 * {@link io.jcontext.sync.Semaphore} with a {@code background()} context against the JDK's
 * non-fair {@link Semaphore}. Time is per acquire/release pair per thread.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(2)
@Threads(2)
public class SemaphoreSharedBenchmark {
  static final int PERMITS = 10;

  private Semaphore juc;
  private io.jcontext.sync.Semaphore jc;
  private Context ctx;

  @Setup
  public void setUp() {
    juc = new Semaphore(PERMITS);
    jc = io.jcontext.sync.Semaphore.create(PERMITS);
    ctx = Context.background();
  }

  @Benchmark
  public long twoThreads_jcontext() throws InterruptedException {
    io.jcontext.sync.Semaphore s = jc;
    s.acquire(ctx, 1);
    s.release(1);
    return PERMITS;
  }

  @Benchmark
  public int twoThreads_jucSemaphore() throws InterruptedException {
    Semaphore s = juc;
    s.acquire();
    s.release();
    return PERMITS;
  }
}
