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
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cancel a parent with 1 000 registrations; time per registration. The tree is built before
 * every invocation (not timed: {@code Level.Invocation} costs a few tens of ns per invocation,
 * well under 1% of one ~10+ µs invocation), so only the cancellation is measured.
 *
 * <ul>
 *   <li>{@code children_*}: 1 000 cancellable children, each of which must end up done.
 *       kotlinx links children eagerly. A jcontext or grpc child is linked only once something
 *       must be told of its cancellation (an {@code onDone} callback, a listener), so both have
 *       two shapes: {@code children_jcontext} / {@code children_grpc_lazy} (nothing linked: the
 *       parent's cancel is O(1) and each child learns of it on its first {@code isDone()} /
 *       {@code isCancelled()}, which these shapes call, so every child has been observed done as
 *       in the other shapes), and {@code childrenWithOnDone_jcontext} /
 *       {@code children_grpc_listener} (a no-op callback per child: the parent cancels each child
 *       and runs its callback).
 *   <li>{@code callbacks_*}: 1 000 no-op callbacks on the parent (jcontext {@code onDone},
 *       grpc {@code addListener} with a direct executor, kotlinx {@code invokeOnCompletion}).
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(2)
public class FanOutBenchmark {
  static final int N = 1000;

  /** A jcontext parent with N children. */
  @State(Scope.Thread)
  public static class JcChildren {
    CancellableContext parent;
    final CancellableContext[] children = new CancellableContext[N];

    @Setup(Level.Invocation)
    public void build() {
      parent = Context.background().withCancel();
      for (int i = 0; i < N; i++) {
        children[i] = parent.withCancel();
      }
    }
  }

  /** A jcontext parent with N children, each with an onDone callback. */
  @State(Scope.Thread)
  public static class JcChildrenOnDone {
    CancellableContext parent;

    @Setup(Level.Invocation)
    public void build() {
      parent = Context.background().withCancel();
      for (int i = 0; i < N; i++) {
        parent.withCancel().onDone(Noop.RUNNABLE);
      }
    }
  }

  /** A jcontext parent with N onDone callbacks. */
  @State(Scope.Thread)
  public static class JcCallbacks {
    CancellableContext parent;

    @Setup(Level.Invocation)
    public void build() {
      parent = Context.background().withCancel();
      for (int i = 0; i < N; i++) {
        parent.onDone(Noop.RUNNABLE);
      }
    }
  }

  /** A grpc parent with N children, each with a listener (so each is linked to the parent). */
  @State(Scope.Thread)
  public static class GrpcChildrenListener {
    io.grpc.Context.CancellableContext parent;

    @Setup(Level.Invocation)
    public void build() {
      parent = io.grpc.Context.ROOT.withCancellation();
      for (int i = 0; i < N; i++) {
        parent.withCancellation().addListener(Noop.GRPC_LISTENER, Noop.DIRECT);
      }
    }
  }

  /** A grpc parent with N children without listeners (not linked). */
  @State(Scope.Thread)
  public static class GrpcChildrenLazy {
    io.grpc.Context.CancellableContext parent;
    final io.grpc.Context.CancellableContext[] children = new io.grpc.Context.CancellableContext[N];

    @Setup(Level.Invocation)
    public void build() {
      parent = io.grpc.Context.ROOT.withCancellation();
      for (int i = 0; i < N; i++) {
        children[i] = parent.withCancellation();
      }
    }
  }

  /** A grpc parent with N listeners. */
  @State(Scope.Thread)
  public static class GrpcCallbacks {
    io.grpc.Context.CancellableContext parent;

    @Setup(Level.Invocation)
    public void build() {
      parent = io.grpc.Context.ROOT.withCancellation();
      for (int i = 0; i < N; i++) {
        parent.addListener(Noop.GRPC_LISTENER, Noop.DIRECT);
      }
    }
  }

  /** A kotlinx parent job with N child jobs. */
  @State(Scope.Thread)
  public static class KxChildren {
    CompletableJob parent;
    final Job[] children = new Job[N];

    @Setup(Level.Invocation)
    public void build() {
      parent = JobKt.Job(null);
      for (int i = 0; i < N; i++) {
        children[i] = JobKt.Job(parent);
      }
    }
  }

  /** A kotlinx job with N completion handlers. */
  @State(Scope.Thread)
  public static class KxCallbacks {
    CompletableJob parent;

    @Setup(Level.Invocation)
    public void build() {
      parent = JobKt.Job(null);
      for (int i = 0; i < N; i++) {
        parent.invokeOnCompletion(Noop.KX_HANDLER);
      }
    }
  }

  @Benchmark
  @OperationsPerInvocation(N)
  public int children_jcontext(JcChildren s) {
    s.parent.cancel();
    int done = 0;
    for (CancellableContext c : s.children) {
      if (c.isDone()) {
        done++;
      }
    }
    return done;
  }

  @Benchmark
  @OperationsPerInvocation(N)
  public boolean childrenWithOnDone_jcontext(JcChildrenOnDone s) {
    return s.parent.cancel();
  }

  @Benchmark
  @OperationsPerInvocation(N)
  public boolean children_grpc_listener(GrpcChildrenListener s) {
    return s.parent.cancel(null);
  }

  @Benchmark
  @OperationsPerInvocation(N)
  public int children_grpc_lazy(GrpcChildrenLazy s) {
    s.parent.cancel(null);
    int done = 0;
    for (io.grpc.Context.CancellableContext c : s.children) {
      if (c.isCancelled()) {
        done++;
      }
    }
    return done;
  }

  @Benchmark
  @OperationsPerInvocation(N)
  public boolean children_kotlinxJob(KxChildren s) {
    s.parent.cancel(null);
    return s.children[N - 1].isCancelled();
  }

  @Benchmark
  @OperationsPerInvocation(N)
  public boolean callbacks_jcontext(JcCallbacks s) {
    return s.parent.cancel();
  }

  @Benchmark
  @OperationsPerInvocation(N)
  public boolean callbacks_grpc(GrpcCallbacks s) {
    return s.parent.cancel(null);
  }

  @Benchmark
  @OperationsPerInvocation(N)
  public boolean callbacks_kotlinxJob(KxCallbacks s) {
    s.parent.cancel(null);
    return s.parent.isCancelled();
  }
}
