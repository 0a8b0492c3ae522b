package io.jcontext.grpc;

import io.grpc.Deadline;
import io.grpc.Status;
import io.jcontext.Clock;
import io.jcontext.Context;
import io.jcontext.ContextCancelledException;
import io.jcontext.ContextException;
import io.jcontext.DeadlineExceededException;
import io.jcontext.Key;
import io.jcontext.Stop;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

/**
 * A jcontext {@link Context} that reads its state from an {@link io.grpc.Context}: done exactly
 * when the grpc context is cancelled, with an err mapped from grpc's cancellation cause. It is a
 * "foreign" context: library contexts derived from it join it through {@link #onDone}, which
 * registers a grpc cancellation listener, so no thread watches it.
 *
 * <p>Implementation overview. Nothing is copied at construction except the deadline (a grpc
 * context's deadline never changes). {@code err} is computed the first time the grpc context is
 * seen cancelled and published by one compare-and-set, so every reader gets the same instance.
 * {@code done} is a stage created on first request and completed by an onDone callback.
 *
 * <p>Invariants: {@code err != null} implies {@code grpc.isCancelled()}; {@code err} and
 * {@code done} change at most once, from null to their final value.
 */
final class GrpcContextView implements Context {
  private static final VarHandle ERR;
  private static final VarHandle DONE;

  static {
    try {
      MethodHandles.Lookup l = MethodHandles.lookup();
      ERR = l.findVarHandle(GrpcContextView.class, "err", ContextException.class);
      DONE = l.findVarHandle(GrpcContextView.class, "done", CompletionStage.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final io.grpc.Context grpc;
  /** The deadline reported by {@link #deadline()}; null when hidden or absent. */
  private final Instant deadline;
  /** grpc's deadline, used to classify a cancellation even when {@link #deadline} is hidden. */
  private final Deadline grpcDeadline;
  /** Non-null for a served call's context: tells whether the server closed the call itself. */
  private final BooleanSupplier closedByServer;
  /** The final err, once the grpc context was seen cancelled; set once. */
  private volatile ContextException err;
  /** The done() stage, created on first request; set once. */
  private volatile CompletionStage<Void> done;

  private GrpcContextView(io.grpc.Context grpc, boolean exposeDeadline, BooleanSupplier closedByServer) {
    this.grpc = Objects.requireNonNull(grpc, "grpc");
    this.grpcDeadline = grpc.getDeadline();
    this.deadline = exposeDeadline && grpcDeadline != null ? toInstant(grpcDeadline) : null;
    this.closedByServer = closedByServer;
  }

  /** A plain view of {@code grpc}. */
  static GrpcContextView of(io.grpc.Context grpc) {
    return new GrpcContextView(grpc, true, null);
  }

  /**
   * A view of a served call's grpc context: a cancellation the server did not cause (see
   * {@code closedByServer}) is the client's, unless the call's deadline had (all but) passed.
   */
  static GrpcContextView ofServerCall(io.grpc.Context grpc, boolean exposeDeadline,
      BooleanSupplier closedByServer) {
    return new GrpcContextView(grpc, exposeDeadline, Objects.requireNonNull(closedByServer));
  }

  private static Instant toInstant(Deadline d) {
    long at = saturatedAdd(Clock.system().nanoTime(), d.timeRemaining(TimeUnit.NANOSECONDS));
    return Instant.ofEpochSecond(Math.floorDiv(at, 1_000_000_000L), Math.floorMod(at, 1_000_000_000L));
  }

  private static long saturatedAdd(long a, long b) {
    long r = a + b;
    return ((a ^ r) & (b ^ r)) < 0 ? (b < 0 ? Long.MIN_VALUE : Long.MAX_VALUE) : r;
  }

  @Override
  public Instant deadline() {
    return deadline;
  }

  @Override
  public ContextException err() {
    ContextException e = err;
    if (e != null || !grpc.isCancelled()) {
      return e;
    }
    ContextException mapped = map(grpc.cancellationCause());
    ContextException witness = (ContextException) ERR.compareAndExchange(this, null, mapped);
    return witness != null ? witness : mapped;
  }

  /** Maps grpc's cancellation cause to the err of this view (see {@link GrpcContexts#fromGrpc}). */
  private ContextException map(Throwable cause) {
    if (cause instanceof ContextException) {
      return (ContextException) cause;
    }
    if (cause instanceof TimeoutException) {
      return new DeadlineExceededException(); // grpc's own deadline timer
    }
    Status status = cause == null ? null : Status.fromThrowable(cause);
    if (status != null && status.getCause() instanceof ContextException) {
      return (ContextException) status.getCause(); // a follower of a jcontext: the same err, both ways
    }
    if (status != null && status.getCode() == Status.Code.DEADLINE_EXCEEDED) {
      return new DeadlineExceededException(cause);
    }
    if (closedByServer == null) {
      return new ContextCancelledException(cause);
    }
    if (closedByServer.getAsBoolean()) {
      return new ContextCancelledException(); // the call completed: the server's own doing
    }
    if (grpcDeadline != null
        && grpcDeadline.timeRemaining(TimeUnit.NANOSECONDS) <= GrpcContexts.DEADLINE_SLACK.toNanos()) {
      // The client's deadline timer and ours are one deadline measured on two sides: the
      // client's fired first and reset the stream. It is this call's deadline, not a cancel.
      return new DeadlineExceededException();
    }
    return new ContextCancelledException(new ClientCancelledException(
        status == null ? "call ended" : String.valueOf(status.getDescription()), cause));
  }

  @Override
  public boolean isDone() {
    return err != null || grpc.isCancelled();
  }

  @Override
  public <T> T value(Key<T> key) {
    Objects.requireNonNull(key, "key");
    Context followed = GrpcContexts.JCONTEXT.get(grpc);
    return followed == null ? null : followed.value(key);
  }

  @Override
  public CompletionStage<Void> done() {
    CompletionStage<Void> d = done;
    if (d != null) {
      return d;
    }
    CompletableFuture<Void> f = new CompletableFuture<>();
    CompletionStage<Void> stage = f.minimalCompletionStage();
    @SuppressWarnings("unchecked")
    CompletionStage<Void> witness = (CompletionStage<Void>) DONE.compareAndExchange(this, null, stage);
    if (witness != null) {
      return witness;
    }
    onDone(() -> f.complete(null));
    return stage;
  }

  @Override
  public Stop onDone(Runnable callback) {
    Objects.requireNonNull(callback, "callback");
    if (isDone()) {
      err(); // fix the err before the callback can read it
      run(callback);
      return () -> false;
    }
    Registration r = new Registration(callback);
    grpc.addListener(r, Runnable::run); // runs at once if cancelled meanwhile
    return r;
  }

  private static void run(Runnable callback) {
    try {
      callback.run();
    } catch (Throwable t) {
      Thread th = Thread.currentThread();
      th.getUncaughtExceptionHandler().uncaughtException(th, t);
    }
  }

  /** One onDone registration: runs its callback or is stopped, whichever claims it first. */
  private final class Registration extends AtomicBoolean implements io.grpc.Context.CancellationListener, Stop {
    private static final long serialVersionUID = 1L;
    private final transient Runnable callback;

    Registration(Runnable callback) {
      this.callback = callback;
    }

    @Override
    public void cancelled(io.grpc.Context context) {
      if (compareAndSet(false, true)) {
        err();
        run(callback);
      }
    }

    @Override
    public boolean stop() {
      if (compareAndSet(false, true)) {
        grpc.removeListener(this);
        return true;
      }
      return false;
    }
  }

  @Override
  public String toString() {
    return "GrpcContextView(" + grpc + ")";
  }
}
