package io.jcontext.bench.context;

import io.jcontext.CancellableContext;
import io.jcontext.Context;
import io.jcontext.Key;
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
 * Liveness poll on a live context, the check a loop makes on every item.
 *
 * <ul>
 *   <li>{@code cancellable_*}: on a live cancellable context (jcontext {@code isDone()}, grpc
 *       {@code isCancelled()}, kotlinx {@code isActive()}).
 *   <li>{@code grandchild_*}: on a context two levels below a live cancellable ancestor, with a
 *       value context in between (jcontext: {@code live.withValue(k, v).withCancel()}; grpc:
 *       {@code live.withValue(k, v).withCancellation()}; kotlinx: a child job of a child job).
 *       grpc's un-listened child asks its ancestors on every poll.
 *   <li>{@code value_*}: on a value context directly over a live cancellable one.
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(2)
public class PollBenchmark {
  private static final Key<String> JC_KEY = Key.of("k");
  private static final io.grpc.Context.Key<String> GRPC_KEY = io.grpc.Context.key("k");

  private CancellableContext jcLive;
  private Context jcValue;
  private CancellableContext jcGrandchild;
  private io.grpc.Context.CancellableContext grpcLive;
  private io.grpc.Context grpcValue;
  private io.grpc.Context.CancellableContext grpcGrandchild;
  private CompletableJob kxLive;
  private Job kxGrandchild;

  @Setup
  public void setUp() {
    jcLive = Context.background().withCancel();
    jcValue = jcLive.withValue(JC_KEY, "v");
    jcGrandchild = jcValue.withCancel();
    grpcLive = io.grpc.Context.ROOT.withCancellation();
    grpcValue = grpcLive.withValue(GRPC_KEY, "v");
    grpcGrandchild = grpcValue.withCancellation();
    kxLive = JobKt.Job(null);
    kxGrandchild = JobKt.Job(JobKt.Job(kxLive));
  }

  @TearDown
  public void tearDown() {
    jcLive.cancel();
    grpcLive.cancel(null);
    kxLive.cancel(null);
  }

  @Benchmark
  public boolean cancellable_jcontext() {
    return jcLive.isDone();
  }

  @Benchmark
  public boolean cancellable_grpc() {
    return grpcLive.isCancelled();
  }

  @Benchmark
  public boolean cancellable_kotlinxJob() {
    return kxLive.isActive();
  }

  @Benchmark
  public boolean grandchild_jcontext() {
    return jcGrandchild.isDone();
  }

  @Benchmark
  public boolean grandchild_grpc() {
    return grpcGrandchild.isCancelled();
  }

  @Benchmark
  public boolean grandchild_kotlinxJob() {
    return kxGrandchild.isActive();
  }

  @Benchmark
  public boolean value_jcontext() {
    return jcValue.isDone();
  }

  @Benchmark
  public boolean value_grpc() {
    return grpcValue.isCancelled();
  }
}
