package io.jcontext.bench.context;

import io.jcontext.CancellableContext;
import io.jcontext.Context;
import java.time.Duration;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@code withTimeout(1 hour)} and cancel it long before it is due: the common life of a request
 * deadline. jcontext schedules on {@code Clock.system()} (its shared timer thread); grpc schedules
 * one task on the {@code ScheduledExecutorService} it is given.
 *
 * <p>grpc's scheduler is a one-thread {@link ScheduledThreadPoolExecutor}, in two settings:
 * {@code removeOnCancel} ({@code setRemoveOnCancelPolicy(true)}: cancel removes the task from the
 * queue at once, O(log n) under the pool's lock — what a careful grpc user configures) and
 * {@code defaultPolicy} (the JDK default: cancelled tasks stay queued until due, here one hour,
 * so the queue grows by one entry per operation for the whole iteration). A fresh executor is
 * made for every iteration so the default policy's garbage cannot outlive one iteration.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(2)
public class TimeoutBenchmark {
  private static final Duration ONE_HOUR = Duration.ofHours(1);

  private Context jcRoot;
  private io.grpc.Context grpcRoot;
  private ScheduledThreadPoolExecutor removeOnCancel;
  private ScheduledThreadPoolExecutor defaultPolicy;

  @Setup(Level.Iteration)
  public void setUp() {
    jcRoot = Context.background();
    grpcRoot = io.grpc.Context.ROOT;
    removeOnCancel = new ScheduledThreadPoolExecutor(1);
    removeOnCancel.setRemoveOnCancelPolicy(true);
    defaultPolicy = new ScheduledThreadPoolExecutor(1);
  }

  @TearDown(Level.Iteration)
  public void tearDown() {
    removeOnCancel.shutdownNow();
    defaultPolicy.shutdownNow();
  }

  @Benchmark
  public Object timeoutCancel_jcontext() {
    CancellableContext c = jcRoot.withTimeout(ONE_HOUR);
    c.cancel();
    return c;
  }

  @Benchmark
  public Object timeoutCancel_grpc_removeOnCancel() {
    io.grpc.Context.CancellableContext c = grpcRoot.withDeadlineAfter(1, TimeUnit.HOURS, removeOnCancel);
    c.cancel(null);
    return c;
  }

  @Benchmark
  public Object timeoutCancel_grpc_defaultPolicy() {
    io.grpc.Context.CancellableContext c = grpcRoot.withDeadlineAfter(1, TimeUnit.HOURS, defaultPolicy);
    c.cancel(null);
    return c;
  }
}
