package io.jcontext.bench.kotlin;

import io.jcontext.CancellableContext;
import io.jcontext.Context;
import io.jcontext.bench.kt.BridgeOps;
import io.jcontext.bench.kt.KxSync;
import io.jcontext.sync.Mutex;
import java.util.concurrent.TimeUnit;
import kotlinx.coroutines.sync.MutexKt;
import kotlinx.coroutines.sync.SemaphoreKt;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The Kotlin bridge ({@code jcontext-kotlin}) beside plain kotlinx.coroutines, one thread.
 *
 * <ul>
 *   <li>{@code mutexSuspend_*}: lock, increment, unlock, uncontended, {@link BridgeOps#BATCH}
 *       times in one {@code runBlocking}: the jcontext {@link Mutex} through the bridge's
 *       {@code lockSuspending(ctx)} with {@code Context.background()} vs kotlinx {@code Mutex}
 *       {@code lock()}.
 *   <li>{@code semaphoreSuspend_*}: the same with a 1-permit acquire/release: jcontext
 *       {@code Semaphore.acquireSuspending(ctx, 1)} vs kotlinx {@code Semaphore(4).acquire()}.
 *   <li>{@code mutexContendedDefault_*}: 2 coroutines on {@code Dispatchers.Default} share one
 *       lock, {@link BridgeOps#BATCH} lock/increment/unlock each (score per lock).
 *   <li>{@code mutexHandOff_*}: 2 coroutines on {@code runBlocking}'s one thread share one lock
 *       and {@code yield()} while holding it, so every lock waits and is handed over: the cost
 *       of the suspend, hand-off and resume path (score per lock), free of the scheduling luck
 *       that decides how often {@code mutexContendedDefault} hands over at all.
 *   <li>{@code mutexTryLock_*}: the non-suspending fast paths, called from Java:
 *       {@code Mutex.tryLock()}/{@code unlock()} vs kotlinx {@code tryLock(null)}/
 *       {@code unlock(null)}.
 *   <li>{@code launchUndispatched_*} and {@code launchDispatched_*}: launch an empty coroutine
 *       and join it, {@link BridgeOps#BATCH} times in one {@code runBlocking}, started
 *       {@code UNDISPATCHED} (body runs inside {@code launch}) or {@code DEFAULT} (queued on
 *       runBlocking's event loop). {@code jcontextBound}: the bridge's
 *       {@code scope.launch(ctx) {}} (a child context bound to the Job both ways);
 *       {@code jcontextCarried}: kotlinx {@code launch(ctx.asCoroutineContext()) {}} with one
 *       element reused; {@code jcontextCarriedNew}: a new element per launch;
 *       {@code kotlinxPlain}: {@code launch {}}. {@code ctx} is a live cancellable context.
 *   <li>{@code firstCurrentContext_*}: the first {@code currentContext()} in a plain kotlinx
 *       coroutine, launched UNDISPATCHED and joined, {@link BridgeOps#BATCH} times:
 *       {@code plain} (no element: a child of {@code Context.background()}), {@code carried}
 *       (a child of the live carried {@code ctx}); the peer {@code baseline} is the same launch
 *       whose body reads {@code isDone} of a context it already has. The difference is the cost
 *       of making, registering and releasing the coroutine's own context.
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(2)
public class BridgeBenchmark {
  private Mutex contextMutex;
  private io.jcontext.sync.Semaphore contextSemaphore;
  private kotlinx.coroutines.sync.Mutex kxMutex;
  private kotlinx.coroutines.sync.Semaphore kxSemaphore;
  private CancellableContext live;
  private final KxSync.Counter counter = new KxSync.Counter();

  @Setup
  public void setUp() {
    contextMutex = Mutex.create();
    contextSemaphore = io.jcontext.sync.Semaphore.create(4);
    kxMutex = MutexKt.Mutex(false);
    kxSemaphore = SemaphoreKt.Semaphore(4, 0);
    live = Context.background().withCancel();
  }

  @TearDown
  public void tearDown() {
    live.cancel();
  }

  // ---- mutex ----

  @Benchmark
  @OperationsPerInvocation(BridgeOps.BATCH)
  public long mutexSuspend_jcontext() {
    return BridgeOps.contextMutexLoop(contextMutex, Context.background(), counter);
  }

  @Benchmark
  @OperationsPerInvocation(BridgeOps.BATCH)
  public long mutexSuspend_kotlinx() {
    return BridgeOps.kotlinxMutexLoop(kxMutex, counter);
  }

  @Benchmark
  @OperationsPerInvocation(BridgeOps.BATCH)
  public long semaphoreSuspend_jcontext() {
    return BridgeOps.contextSemaphoreLoop(contextSemaphore, Context.background(), counter);
  }

  @Benchmark
  @OperationsPerInvocation(BridgeOps.BATCH)
  public long semaphoreSuspend_kotlinx() {
    return BridgeOps.kotlinxSemaphoreLoop(kxSemaphore, counter);
  }

  @Benchmark
  @OperationsPerInvocation(2 * BridgeOps.BATCH)
  public long mutexContendedDefault_jcontext() {
    return BridgeOps.contextMutexContended(contextMutex, Context.background(), counter);
  }

  @Benchmark
  @OperationsPerInvocation(2 * BridgeOps.BATCH)
  public long mutexContendedDefault_kotlinx() {
    return BridgeOps.kotlinxMutexContended(kxMutex, counter);
  }

  @Benchmark
  @OperationsPerInvocation(2 * BridgeOps.BATCH)
  public long mutexHandOff_jcontext() {
    return BridgeOps.contextMutexHandOff(contextMutex, Context.background(), counter);
  }

  @Benchmark
  @OperationsPerInvocation(2 * BridgeOps.BATCH)
  public long mutexHandOff_kotlinx() {
    return BridgeOps.kotlinxMutexHandOff(kxMutex, counter);
  }

  @Benchmark
  public long mutexTryLock_jcontext() {
    Mutex m = contextMutex;
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
  public long mutexTryLock_kotlinx() {
    kotlinx.coroutines.sync.Mutex m = kxMutex;
    if (!m.tryLock(null)) {
      throw new AssertionError("uncontended tryLock failed");
    }
    try {
      return ++counter.value;
    } finally {
      m.unlock(null);
    }
  }

  // ---- launch, started UNDISPATCHED ----

  @Benchmark
  @OperationsPerInvocation(BridgeOps.BATCH)
  public int launchUndispatched_jcontextBound() {
    return BridgeOps.launchBound(live, true);
  }

  @Benchmark
  @OperationsPerInvocation(BridgeOps.BATCH)
  public int launchUndispatched_jcontextCarried() {
    return BridgeOps.launchCarried(live, true);
  }

  @Benchmark
  @OperationsPerInvocation(BridgeOps.BATCH)
  public int launchUndispatched_jcontextCarriedNew() {
    return BridgeOps.launchCarriedNewElement(live, true);
  }

  @Benchmark
  @OperationsPerInvocation(BridgeOps.BATCH)
  public int launchUndispatched_kotlinxPlain() {
    return BridgeOps.launchPlain(true);
  }

  // ---- launch, started DEFAULT on runBlocking's event loop ----

  @Benchmark
  @OperationsPerInvocation(BridgeOps.BATCH)
  public int launchDispatched_jcontextBound() {
    return BridgeOps.launchBound(live, false);
  }

  @Benchmark
  @OperationsPerInvocation(BridgeOps.BATCH)
  public int launchDispatched_jcontextCarried() {
    return BridgeOps.launchCarried(live, false);
  }

  @Benchmark
  @OperationsPerInvocation(BridgeOps.BATCH)
  public int launchDispatched_kotlinxPlain() {
    return BridgeOps.launchPlain(false);
  }

  // ---- the first currentContext() in a plain coroutine ----

  @Benchmark
  @OperationsPerInvocation(BridgeOps.BATCH)
  public int firstCurrentContext_baseline() {
    return BridgeOps.launchPlainBody(true);
  }

  @Benchmark
  @OperationsPerInvocation(BridgeOps.BATCH)
  public int firstCurrentContext_plain() {
    return BridgeOps.launchPlainCurrentContext(true);
  }

  @Benchmark
  @OperationsPerInvocation(BridgeOps.BATCH)
  public int firstCurrentContext_carried() {
    return BridgeOps.launchCarriedCurrentContext(live, true);
  }
}
