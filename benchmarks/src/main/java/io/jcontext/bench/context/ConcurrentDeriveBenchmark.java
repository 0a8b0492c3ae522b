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
 * 1, 2, 4 and 8 threads derive a child of one shared live parent and cancel it, over and over:
 * the life of request contexts derived from one server context. Shapes {@code threadsN}; time is
 * per operation per thread (N run at once, on however many cores the machine has).
 *
 * <p>A jcontext child does not register with its parent until something must be told of the
 * parent's cancellation (it polls instead), and grpc does not link a child without listeners, so
 * neither touches the parent here; kotlinx links every child {@code Job} into the parent's
 * lock-free list. {@code threadsNWithOnDone_jcontext} adds an {@code onDone} callback to each
 * child, which makes it register with the parent: the shape in which the parent's list is
 * contended. (A listener on each grpc child would link it too, but grpc-java 1.76 never unlinks
 * such a child from a live parent, so that shape degrades without bound and is not measured; see
 * {@link DeriveBenchmark}.)
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(2)
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

  private Object jcontext() {
    CancellableContext c = jcLive.withCancel();
    c.cancel();
    return c;
  }

  private Object jcontextWithOnDone() {
    CancellableContext c = jcLive.withCancel();
    c.onDone(Noop.RUNNABLE);
    c.cancel();
    return c;
  }

  private Object grpc() {
    io.grpc.Context.CancellableContext c = grpcLive.withCancellation();
    c.cancel(null);
    return c;
  }

  private Object kotlinxJob() {
    Job j = JobKt.Job(kxLive);
    j.cancel(null);
    return j;
  }

  @Benchmark
  @Threads(1)
  public Object threads1_jcontext() {
    return jcontext();
  }

  @Benchmark
  @Threads(1)
  public Object threads1_grpc() {
    return grpc();
  }

  @Benchmark
  @Threads(1)
  public Object threads1_kotlinxJob() {
    return kotlinxJob();
  }

  @Benchmark
  @Threads(1)
  public Object threads1WithOnDone_jcontext() {
    return jcontextWithOnDone();
  }

  @Benchmark
  @Threads(2)
  public Object threads2_jcontext() {
    return jcontext();
  }

  @Benchmark
  @Threads(2)
  public Object threads2_grpc() {
    return grpc();
  }

  @Benchmark
  @Threads(2)
  public Object threads2_kotlinxJob() {
    return kotlinxJob();
  }

  @Benchmark
  @Threads(2)
  public Object threads2WithOnDone_jcontext() {
    return jcontextWithOnDone();
  }

  @Benchmark
  @Threads(4)
  public Object threads4_jcontext() {
    return jcontext();
  }

  @Benchmark
  @Threads(4)
  public Object threads4_grpc() {
    return grpc();
  }

  @Benchmark
  @Threads(4)
  public Object threads4_kotlinxJob() {
    return kotlinxJob();
  }

  @Benchmark
  @Threads(4)
  public Object threads4WithOnDone_jcontext() {
    return jcontextWithOnDone();
  }

  @Benchmark
  @Threads(8)
  public Object threads8_jcontext() {
    return jcontext();
  }

  @Benchmark
  @Threads(8)
  public Object threads8_grpc() {
    return grpc();
  }

  @Benchmark
  @Threads(8)
  public Object threads8_kotlinxJob() {
    return kotlinxJob();
  }

  @Benchmark
  @Threads(8)
  public Object threads8WithOnDone_jcontext() {
    return jcontextWithOnDone();
  }
}
