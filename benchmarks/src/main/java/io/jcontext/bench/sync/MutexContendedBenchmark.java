package io.jcontext.bench.sync;

import io.jcontext.Context;
import io.jcontext.bench.kt.KxSync;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import kotlinx.coroutines.sync.Mutex;
import kotlinx.coroutines.sync.MutexKt;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Two threads lock one shared lock, increment a shared counter and unlock, over and over.
 * kotlinx {@link Mutex} uses its suspending {@code lock()} (a contended {@code tryLock} would spin,
 * which is not how it is used), in batches of {@link KxSync#BATCH} inside one
 * {@code runBlocking} per thread: a suspended lock() parks that thread until unlock() resumes it.
 * Time is per lock/unlock per thread. {@link ReentrantLock} runs non-fair (the JDK default: an
 * unlocking thread may take the lock straight back, so hand-offs are rare) and fair
 * ({@code new ReentrantLock(true)}: FIFO, no barging, like our {@code Mutex}). jcontext: {@link io.jcontext.sync.Mutex#lock(Context)}
 * with a live {@code background()} context.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(2)
@Threads(2)
public class MutexContendedBenchmark {
  private ReentrantLock reentrantLock;
  private ReentrantLock fairLock;
  private Mutex kxMutex;
  private io.jcontext.sync.Mutex jcMutex;
  private Context ctx;
  private final KxSync.Counter counter = new KxSync.Counter();

  @Setup
  public void setUp() {
    reentrantLock = new ReentrantLock();
    fairLock = new ReentrantLock(true);
    kxMutex = MutexKt.Mutex(false);
    jcMutex = io.jcontext.sync.Mutex.create();
    ctx = Context.background();
  }

  @Benchmark
  public long twoThreads_jcontext() throws InterruptedException {
    io.jcontext.sync.Mutex m = jcMutex;
    m.lock(ctx);
    try {
      return ++counter.value;
    } finally {
      m.unlock();
    }
  }

  @Benchmark
  public long twoThreads_reentrantLock() {
    ReentrantLock l = reentrantLock;
    l.lock();
    try {
      return ++counter.value;
    } finally {
      l.unlock();
    }
  }

  @Benchmark
  public long twoThreads_reentrantLockFair() {
    ReentrantLock l = fairLock;
    l.lock();
    try {
      return ++counter.value;
    } finally {
      l.unlock();
    }
  }

  @Benchmark
  @OperationsPerInvocation(KxSync.BATCH)
  public long twoThreads_kotlinxMutex() {
    return KxSync.lockLoop(kxMutex, counter);
  }
}
