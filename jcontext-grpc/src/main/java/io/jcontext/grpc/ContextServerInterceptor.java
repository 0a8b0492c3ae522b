package io.jcontext.grpc;

import io.jcontext.BudgetPolicy;
import io.grpc.Contexts;
import io.grpc.Deadline;
import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.jcontext.CancellableContext;
import io.jcontext.Context;
import io.jcontext.ContextCancelledException;
import io.jcontext.Stop;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * A server interceptor that gives each served call a jcontext {@link Context}, which handlers
 * read with {@link GrpcContexts#current()}.
 *
 * <p>The call's context is a child of grpc-java's call context, seen through
 * {@link GrpcContexts#fromGrpc}, and is bound to the server's root context. It has:
 * <ul>
 *   <li>the budget the {@linkplain #withPolicy policy} grants from the call's incoming deadline
 *       (the {@code grpc-timeout} the client sent): trusted by default;</li>
 *   <li>the declared {@linkplain #withValues values}, decoded from the request metadata;</li>
 * </ul>
 * and it is done
 * <ul>
 *   <li>when the client cancels the call or goes away, with a {@link ContextCancelledException}
 *       whose cause is a {@link ClientCancelledException};</li>
 *   <li>at its deadline, with a {@link io.jcontext.DeadlineExceededException} (also when the
 *       client's deadline timer, which measures the same deadline from the other side, resets
 *       the call up to {@link GrpcContexts#DEADLINE_SLACK} before ours fires);</li>
 *   <li>when the server closes the call, with a plain {@link ContextCancelledException};</li>
 *   <li>when the root context is done (server shutdown), with the root's cause.</li>
 * </ul>
 * The call holds one registration on the root until it ends; none remains afterwards. Install
 * this interceptor outermost ({@code ServerInterceptors.intercept(service, ..., this)}: the last
 * one runs first) so that other interceptors see the context too. Interceptors that add to the
 * context bind their result with {@link #withContext}.
 *
 * <p>Instances are immutable and thread-safe; {@code with*} methods return new instances.
 */
public final class ContextServerInterceptor implements ServerInterceptor {
  private final Context root;
  private final BudgetPolicy policy;
  private final List<MetadataValue<?>> values;

  private ContextServerInterceptor(Context root, BudgetPolicy policy, List<MetadataValue<?>> values) {
    this.root = root;
    this.policy = policy;
    this.values = values;
  }

  /** Returns an interceptor whose call contexts are bound to {@code root}, trusting incoming budgets. */
  public static ContextServerInterceptor create(Context root) {
    return new ContextServerInterceptor(Objects.requireNonNull(root, "root"), BudgetPolicy.trust(), List.of());
  }

  /** Returns this interceptor with {@code policy} for incoming budgets. */
  public ContextServerInterceptor withPolicy(BudgetPolicy policy) {
    return new ContextServerInterceptor(root, Objects.requireNonNull(policy, "policy"), values);
  }

  /** Returns this interceptor also decoding {@code values} (replacing the ones given before). */
  public ContextServerInterceptor withValues(MetadataValue<?>... values) {
    return new ContextServerInterceptor(root, policy, List.of(values));
  }

  /**
   * Runs the rest of the chain with {@code ctx} as the call's context (for an interceptor that
   * derives it, for example to add an authenticated user): {@code return
   * ContextServerInterceptor.withContext(GrpcContexts.current().withValue(USER, u), call, headers, next);}
   */
  public static <Q, R> ServerCall.Listener<Q> withContext(Context ctx, ServerCall<Q, R> call,
      Metadata headers, ServerCallHandler<Q, R> next) {
    return Contexts.interceptCall(io.grpc.Context.current().withValue(GrpcContexts.JCONTEXT, ctx), call,
        headers, next);
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next) {
    io.grpc.Context grpcCtx = io.grpc.Context.current();
    Deadline incoming = grpcCtx.getDeadline();
    Duration incomingBudget = incoming == null ? null : Duration.ofNanos(incoming.timeRemaining(TimeUnit.NANOSECONDS));
    Duration budget = policy.budget(incomingBudget);
    CallState state = new CallState();
    Context view = GrpcContextView.ofServerCall(grpcCtx, policy.honoursIncoming(), state);
    CancellableContext base = budget == null || (policy.honoursIncoming() && incomingBudget != null
        && budget.compareTo(incomingBudget) >= 0)
        ? view.withCancel() // grpc's own deadline (if any) ends it
        : view.withTimeout(budget);
    state.bind(base, root);
    Context ctx = base;
    for (MetadataValue<?> v : values) {
      ctx = v.read(headers, ctx);
    }
    ServerCall<Q, R> closing = new ForwardingServerCall.SimpleForwardingServerCall<Q, R>(call) {
      @Override
      public void close(Status status, Metadata trailers) {
        // Done before the client can see the answer: once a client has its response, the
        // served call's context is done and holds nothing on the root.
        state.closedByServer = true;
        base.cancel();
        super.close(status, trailers);
      }
    };
    ServerCall.Listener<Q> listener;
    try {
      listener = Contexts.interceptCall(grpcCtx.withValue(GrpcContexts.JCONTEXT, ctx), closing, headers, next);
    } catch (RuntimeException | Error e) {
      base.cancel();
      throw e;
    }
    return new ForwardingServerCallListener.SimpleForwardingServerCallListener<Q>(listener) {
      @Override
      public void onComplete() {
        try {
          super.onComplete();
        } finally {
          base.cancel();
        }
      }

      @Override
      public void onCancel() {
        // grpc cancelled its call context just before: base is normally done already.
        base.cancel(new ClientCancelledException("call cancelled", null));
        super.onCancel();
      }
    };
  }

  /**
   * Per-call state. {@code closedByServer} is set before the server's close reaches the
   * transport, so the view reads it as true whenever the call context's cancellation came from
   * that close. {@code rootStop} is the registration on the root; it is removed when the call's
   * context is done.
   */
  private static final class CallState implements java.util.function.BooleanSupplier {
    volatile boolean closedByServer;

    @Override
    public boolean getAsBoolean() {
      return closedByServer;
    }

    void bind(CancellableContext base, Context root) {
      Stop rootStop = root.onDone(() -> base.cancel(root.cause()));
      base.onDone(rootStop::stop); // runs at once if base is already done
    }
  }

  @Override
  public String toString() {
    return "ContextServerInterceptor(policy=" + policy + ", values=" + values + ")";
  }
}
