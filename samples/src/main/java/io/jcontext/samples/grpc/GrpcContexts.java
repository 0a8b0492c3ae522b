package io.jcontext.samples.grpc;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.Contexts;
import io.grpc.Deadline;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.jcontext.CancellableContext;
import io.jcontext.Context;
import io.jcontext.Stop;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Carries a jcontext {@link Context} over a gRPC hop: its remaining budget becomes the call's
 * gRPC deadline (sent as the {@code grpc-timeout} header, a duration, so clock skew does not
 * matter), its cancellation cancels the call, and on the server the call's deadline and
 * cancellation come back as a jcontext that handlers read with {@link #current()}.
 *
 * <p>Client side: pass the context with {@code CallOptions.withOption(GrpcContexts.CONTEXT, ctx)}
 * (or make the call from a server handler: the handler's context is used) and install
 * {@link #clientInterceptor()} on the channel. The call's deadline becomes the earlier of the
 * options' own and the context's; when the context is done the call is cancelled with the
 * context's cause.
 *
 * <p>Server side: install {@link #serverInterceptor(Context)} first (last in
 * {@code ServerInterceptors.intercept}'s list, which runs the last interceptor first). Each call
 * gets a child of the given root whose timeout is the call's remaining gRPC deadline; it is
 * cancelled when the client cancels the call, when the call completes, or when the root is
 * cancelled (server shutdown). A deadline shows as {@link io.jcontext.DeadlineExceededException}
 * on the server as it does on the client (see {@link #DEADLINE_TOLERANCE}).
 */
public final class GrpcContexts {

  /** The call option that carries the caller's context. */
  public static final CallOptions.Key<Context> CONTEXT = CallOptions.Key.create("jcontext");

  /**
   * A cancellation that reaches a served call less than this before its deadline is taken to be
   * the client's deadline firing (the two are the same instant, give or take the transit time):
   * the call's jcontext then ends by its own deadline, as a {@code DeadlineExceededException},
   * at most this much later.
   */
  public static final Duration DEADLINE_TOLERANCE = Duration.ofMillis(50);

  private static final io.grpc.Context.Key<Context> SERVER_CONTEXT = io.grpc.Context.key("jcontext");

  private GrpcContexts() {}

  /**
   * Returns the jcontext of the gRPC call being served on this thread (set by
   * {@link #serverInterceptor}), or {@code null} outside a call.
   */
  public static Context current() {
    return SERVER_CONTEXT.get();
  }

  /**
   * Runs {@code next} with {@code ctx} as the call's jcontext: for server interceptors that
   * derive it (adding a value, say).
   */
  public static <Q, R> ServerCall.Listener<Q> withCurrent(Context ctx, ServerCall<Q, R> call,
      Metadata headers, ServerCallHandler<Q, R> next) {
    return Contexts.interceptCall(io.grpc.Context.current().withValue(SERVER_CONTEXT, ctx), call,
        headers, next);
  }

  /** Returns the caller's context for a client call: the option, else the served call's, else null. */
  static Context callerContext(CallOptions options) {
    Context ctx = options.getOption(CONTEXT);
    return ctx != null ? ctx : current();
  }

  /** The client interceptor: deadline from the context's budget, cancel on the context's end. */
  public static ClientInterceptor clientInterceptor() {
    return new ClientInterceptor() {
      @Override
      public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options,
          Channel next) {
        Context ctx = callerContext(options);
        if (ctx == null) {
          return next.newCall(method, options);
        }
        Duration remaining = ctx.remaining();
        if (remaining != null) {
          Deadline budget = Deadline.after(Math.max(remaining.toNanos(), 0), TimeUnit.NANOSECONDS);
          Deadline own = options.getDeadline();
          options = options.withDeadline(own == null ? budget : own.minimum(budget));
        }
        return new ForwardingClientCall.SimpleForwardingClientCall<Q, R>(next.newCall(method, options)) {
          private volatile Stop stop;

          @Override
          public void start(Listener<R> listener, Metadata headers) {
            super.start(new ForwardingClientCallListener.SimpleForwardingClientCallListener<R>(listener) {
              @Override
              public void onClose(Status status, Metadata trailers) {
                Stop s = stop;
                if (s != null) {
                  s.stop(); // the call is over: the context retains nothing of it
                }
                super.onClose(status, trailers);
              }
            }, headers);
            // Runs at once if ctx is already done. ClientCall.cancel does not block.
            stop = ctx.onDone(() -> cancel("jcontext done: " + ctx.err().getMessage(), ctx.cause()));
          }
        };
      }
    };
  }

  /**
   * The server interceptor: each call's jcontext is a child of {@code root} bounded by the call's
   * gRPC deadline and cancelled with the call.
   */
  public static ServerInterceptor serverInterceptor(Context root) {
    Objects.requireNonNull(root, "root");
    return new ServerInterceptor() {
      @Override
      public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
          ServerCallHandler<Q, R> next) {
        io.grpc.Context grpcCtx = io.grpc.Context.current();
        Deadline deadline = grpcCtx.getDeadline();
        CancellableContext ctx = deadline == null
            ? root.withCancel()
            : root.withTimeout(Duration.ofNanos(deadline.timeRemaining(TimeUnit.NANOSECONDS)));
        grpcCtx.addListener(cancelled -> {
          if (deadline != null && deadline.timeRemaining(TimeUnit.NANOSECONDS) <= DEADLINE_TOLERANCE.toNanos()) {
            // The client's own timer: its deadline is ours, give or take the transit time. ctx's
            // timer fires within the tolerance and ends it with a DeadlineExceededException.
            return;
          }
          Throwable cause = cancelled.cancellationCause();
          ctx.cancel(new CallCancelledException(cause));
        }, Runnable::run);
        return Contexts.interceptCall(grpcCtx.withValue(SERVER_CONTEXT, ctx), call, headers, next);
      }
    };
  }

  /** The cause of a served call's jcontext when the call ended before its deadline. */
  public static final class CallCancelledException extends Exception {
    private static final long serialVersionUID = 1L;

    CallCancelledException(Throwable cause) {
      super("gRPC call cancelled or completed", cause, false, false);
    }
  }
}
