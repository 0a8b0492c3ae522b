package io.jcontext.grpc;

import io.grpc.CallOptions;
import io.grpc.Deadline;
import io.jcontext.Context;
import io.jcontext.Stop;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Where jcontext and grpc-java meet: the call option that carries a caller's context, the
 * served call's context, and {@link io.grpc.Context} interop both ways.
 *
 * <p><b>How a handler reaches its call's context.</b> {@link ContextServerInterceptor} binds the
 * call's jcontext into the call's {@code io.grpc.Context}, which grpc-java attaches on whatever
 * thread it runs the call's listener (and so the service method). There
 * {@link #current()} returns it:
 *
 * <pre>{@code
 * public void sayHello(HelloRequest req, StreamObserver<HelloReply> out) {
 *   Context ctx = GrpcContexts.current();    // deadline, client cancel, request values
 *   ...
 * }
 * }</pre>
 *
 * Work handed to another thread takes the context along as an argument (or runs under
 * {@code io.grpc.Context.current().wrap(task)}). Outgoing calls made on the handler's thread
 * through a channel with {@link ContextClientInterceptor} use it by default.
 *
 * <p><b>Interop.</b> {@link #fromGrpc} gives a jcontext view of an {@code io.grpc.Context} that
 * library contexts can derive from; {@link #toGrpc} gives an {@code io.grpc.Context} that follows
 * a jcontext, for grpc code (stubs, {@code Context.current()}) that knows only grpc's type.
 * Neither starts a thread: each side registers a listener with the other.
 */
public final class GrpcContexts {

  /**
   * The call option that names the caller's context: {@code stub.withOption(GrpcContexts.CONTEXT,
   * ctx)}, or {@code CallOptions.DEFAULT.withOption(...)} for a {@code ClientCall}.
   */
  public static final CallOptions.Key<Context> CONTEXT = CallOptions.Key.create("io.jcontext.Context");

  /**
   * On the server, a cancellation from the client that arrives this close to the call's deadline
   * (or after it) is the client's deadline timer, which fires a transit time before ours: the
   * call's context then ends as {@link io.jcontext.DeadlineExceededException}, not as a cancel.
   */
  public static final Duration DEADLINE_SLACK = Duration.ofMillis(50);

  /** The jcontext carried by an io.grpc.Context: a served call's, or the one a follower follows. */
  static final io.grpc.Context.Key<Context> JCONTEXT = io.grpc.Context.key("io.jcontext.Context");

  private GrpcContexts() {}

  /**
   * Returns the jcontext bound to the current {@code io.grpc.Context}: the served call's context
   * (on a thread where grpc-java runs the call), the one a {@link #toGrpc follower} follows while
   * it is attached, or {@code null}.
   */
  public static @Nullable Context current() {
    return JCONTEXT.get();
  }

  /**
   * Returns a jcontext view of {@code grpc}: done exactly when {@code grpc} is cancelled, with the
   * same deadline (converted to an instant on {@link io.jcontext.Clock#system()} when this is
   * called), and, if {@code grpc} follows a jcontext, that context's values. Use it as a parent:
   * {@code GrpcContexts.fromGrpc(io.grpc.Context.current()).withTimeout(...)}. Library contexts
   * join it through a grpc cancellation listener: no thread watches it.
   *
   * <p>Its err maps grpc's cancellation cause: a {@link java.util.concurrent.TimeoutException}
   * (grpc's deadline) or a {@code DEADLINE_EXCEEDED} status becomes a
   * {@link io.jcontext.DeadlineExceededException}; a jcontext err (a follower's) is taken as it
   * is; anything else is a {@link io.jcontext.ContextCancelledException} with grpc's cause as its
   * cause. Thread-safe; every call makes a new view.
   */
  public static Context fromGrpc(io.grpc.Context grpc) {
    return GrpcContextView.of(grpc);
  }

  /**
   * Returns {@link #toGrpc(Context, io.grpc.Context) toGrpc(ctx, io.grpc.Context.current())}.
   */
  public static io.grpc.Context.CancellableContext toGrpc(Context ctx) {
    return toGrpc(ctx, io.grpc.Context.current());
  }

  /**
   * Returns a child of {@code parent} that follows {@code ctx}: it carries {@code ctx}'s remaining
   * budget as its grpc deadline (so stubs called under it send it), it binds {@code ctx} for
   * {@link #current()}, and it is cancelled when {@code ctx} is done. grpc's cancellation cause is
   * then a {@link io.grpc.StatusRuntimeException} of {@link GrpcStatuses#toStatus
   * toStatus(ctx.err())}: {@code DEADLINE_EXCEEDED} or {@code CANCELLED}, whose cause is
   * {@code ctx.err()} (whose own cause is {@code ctx.cause()}); so calls made under it fail with
   * that status, as they would under a grpc deadline or cancellation. It starts no timer of its own: {@code ctx}'s deadline timer ends it.
   *
   * <p>Cancel it ({@code follower.cancel(null)}, or {@code close()}) when done with it: that
   * removes its registration from {@code ctx}. If {@code ctx} is already done it is returned
   * cancelled.
   */
  public static io.grpc.Context.CancellableContext toGrpc(Context ctx, io.grpc.Context parent) {
    Objects.requireNonNull(ctx, "ctx");
    Objects.requireNonNull(parent, "parent");
    io.grpc.Context base = parent.withValue(JCONTEXT, ctx);
    Duration remaining = ctx.remaining();
    io.grpc.Context.CancellableContext follower = remaining == null
        ? base.withCancellation()
        : base.withDeadline(Deadline.after(Math.max(remaining.toNanos(), 0), TimeUnit.NANOSECONDS),
            NoTimerScheduler.INSTANCE);
    Stop stop = ctx.onDone(() -> follower.cancel(GrpcStatuses.toStatus(ctx.err()).asRuntimeException()));
    follower.addListener(c -> stop.stop(), Runnable::run);
    return follower;
  }
}
