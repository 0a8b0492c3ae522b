package io.jcontext.bench.context;

import io.jcontext.CancellableContext;
import io.jcontext.Context;
import java.util.concurrent.TimeUnit;
import kotlinx.coroutines.CompletableJob;
import kotlinx.coroutines.Job;
import kotlinx.coroutines.JobKt;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Two threads derive a child of one shared live parent and cancel it, over and over: the
 * parent's registration list is contended (jcontext: a CAS-taken spin lock on the list head;
 * kotlinx: its lock-free node list). grpc does not link a child without listeners, so
 * {@code twoThreads_grpc} does not touch the parent. (A listener on each child would make grpc
 * link it, but grpc-java 1.76 never unlinks it from a live parent, so that shape degrades without
 * bound and is not measured; see {@link DeriveBenchmark}.) Time is per operation per thread (two
 * run at once).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(2)
@Threads(2)
public class ConcurrentDeriveBenchmark {
  private CancellableContext jcLive;
  private io.grpc.Context.CancellableContext grpcLive;
  private CompletableJob kxLive;

  @Setup
  public void setUp() {
    jcLive = Context.background().withCancel();
    grpcLive = io.grpc.Context.ROOT.withCancellation();
    kxLive = JobKt.Job(null);
  }

  @TearDown
  public void tearDown() {
    jcLive.cancel();
    grpcLive.cancel(null);
    kxLive.cancel(null);
  }

  @Benchmark
  public Object twoThreads_jcontext() {
    CancellableContext c = jcLive.withCancel();
    c.cancel();
    return c;
  }

  @Benchmark
  public Object twoThreadsWithOnDone_jcontext() {
    CancellableContext c = jcLive.withCancel();
    c.onDone(Noop.RUNNABLE);
    c.cancel();
    return c;
  }

  @Benchmark
  public Object twoThreads_grpc() {
    io.grpc.Context.CancellableContext c = grpcLive.withCancellation();
    c.cancel(null);
    return c;
  }

  @Benchmark
  public Object twoThreads_kotlinxJob() {
    Job j = JobKt.Job(kxLive);
    j.cancel(null);
    return j;
  }
}
