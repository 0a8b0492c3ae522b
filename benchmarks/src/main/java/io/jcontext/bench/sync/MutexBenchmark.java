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
import org.openjdk.jmh.annotations.Warmup;

/**
 * Lock, increment a counter, unlock, on one thread (uncontended). Peers: {@link ReentrantLock},
 * non-fair (the JDK default) and fair ({@code new ReentrantLock(true)}, the FIFO peer of our
 * no-barging mutex), and kotlinx {@link Mutex}, both through its non-suspending
 * {@code tryLock}/{@code unlock} (its uncontended {@code lock()} takes the same fast path) and
 * through the suspending {@code lock()} in a batch of {@link KxSync#BATCH} inside one
 * {@code runBlocking}.
 *
 * <p>jcontext: {@link io.jcontext.sync.Mutex#lock(Context)} with a live {@code background()}
 * context ({@code uncontended_jcontext}) and {@code tryLock()} ({@code uncontended_jcontext_tryLock}).
 * The contended shape is {@link MutexContendedBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(2)
public class MutexBenchmark {
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
  public long uncontended_jcontext() throws InterruptedException {
    io.jcontext.sync.Mutex m = jcMutex;
    m.lock(ctx);
    try {
      return ++counter.value;
    } finally {
      m.unlock();
    }
  }

  @Benchmark
  public long uncontended_jcontext_tryLock() {
    io.jcontext.sync.Mutex m = jcMutex;
    if (!m.tryLock()) {
      throw new AssertionError("uncontended tryLock failed");
    }
    try {
      return ++counter.value;
    } finally {
      m.unlock();
    }
  }

  @Benchmark
  public long uncontended_reentrantLock() {
    ReentrantLock l = reentrantLock;
    l.lock();
    try {
      return ++counter.value;
    } finally {
      l.unlock();
    }
  }

  @Benchmark
  public long uncontended_reentrantLockFair() {
    ReentrantLock l = fairLock;
    l.lock();
    try {
      return ++counter.value;
    } finally {
      l.unlock();
    }
  }

  @Benchmark
  public long uncontended_kotlinxMutex_tryLock() {
    Mutex m = kxMutex;
    if (!m.tryLock(null)) {
      throw new AssertionError("uncontended tryLock failed");
    }
    try {
      return ++counter.value;
    } finally {
      m.unlock(null);
    }
  }

  @Benchmark
  @OperationsPerInvocation(KxSync.BATCH)
  public long uncontended_kotlinxMutex_suspend() {
    return KxSync.lockLoop(kxMutex, counter);
  }
}
