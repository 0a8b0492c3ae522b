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
import org.openjdk.jmh.annotations.Warmup;

/**
 * Derive a cancellable child and cancel it, single-threaded: the life of a per-request context.
 *
 * <ul>
 *   <li>{@code childOfRoot_*}: the parent can never be cancelled (jcontext {@code background()},
 *       grpc {@code Context.ROOT}, a kotlinx {@code Job} without parent), so nothing is
 *       registered anywhere.
 *   <li>{@code childOfLive_*}: the parent is a live cancellable context that outlives the child.
 *       kotlinx registers the child with the parent at once and unregisters it on cancel;
 *       jcontext and grpc register a child only when something must be told of the parent's
 *       cancellation (a callback, a listener, a waiter), so their plain shape touches the parent
 *       not at all. (The shape in which grpc does link the
 *       child, a listener on it, is not measured per operation: grpc-java 1.76 never unlinks such
 *       a child from a live parent, so the parent's list, and the time of each operation, grow
 *       without bound; see BENCHMARKS.md and {@code ScaleMain churn}.)
 *       {@code childOfLiveWithOnDone_jcontext} adds an {@code onDone} callback to the child.
 * </ul>
 *
 * <p>The returned object goes to the blackhole so that nothing is optimised away.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(2)
public class DeriveBenchmark {
  private Context jcRoot;
  private CancellableContext jcLive;
  private io.grpc.Context grpcRoot;
  private io.grpc.Context.CancellableContext grpcLive;
  private CompletableJob kxLive;

  @Setup
  public void setUp() {
    jcRoot = Context.background();
    jcLive = Context.background().withCancel();
    grpcRoot = io.grpc.Context.ROOT;
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
  public Object childOfRoot_jcontext() {
    CancellableContext c = jcRoot.withCancel();
    c.cancel();
    return c;
  }

  @Benchmark
  public Object childOfRoot_grpc() {
    io.grpc.Context.CancellableContext c = grpcRoot.withCancellation();
    c.cancel(null);
    return c;
  }

  @Benchmark
  public Object childOfRoot_kotlinxJob() {
    CompletableJob j = JobKt.Job(null);
    j.cancel(null);
    return j;
  }

  @Benchmark
  public Object childOfLive_jcontext() {
    CancellableContext c = jcLive.withCancel();
    c.cancel();
    return c;
  }

  @Benchmark
  public Object childOfLive_grpc() {
    io.grpc.Context.CancellableContext c = grpcLive.withCancellation();
    c.cancel(null);
    return c;
  }

  @Benchmark
  public Object childOfLiveWithOnDone_jcontext() {
    CancellableContext c = jcLive.withCancel();
    c.onDone(Noop.RUNNABLE);
    c.cancel();
    return c;
  }

  @Benchmark
  public Object childOfLive_kotlinxJob() {
    Job j = JobKt.Job(kxLive);
    j.cancel(null);
    return j;
  }
}
