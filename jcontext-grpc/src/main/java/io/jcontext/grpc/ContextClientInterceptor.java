package io.jcontext.grpc;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.Deadline;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.jcontext.Context;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * A client interceptor that makes a gRPC call obey the caller's jcontext.
 *
 * <p>The caller's context is the {@link GrpcContexts#CONTEXT} call option, else
 * {@link GrpcContexts#current()} (the served call's context when the call is made from a
 * handler), else there is none and the call is left alone. With a context:
 * <ul>
 *   <li>the call's deadline is the earlier of its own and the context's remaining budget less
 *       the {@linkplain #withReserve reserve} (time kept back for this side to handle the answer);
 *       grpc sends it as the {@code grpc-timeout} header;</li>
 *   <li>when the context is done the call fails with {@link GrpcStatuses#toStatus
 *       toStatus(ctx.err())}: {@code DEADLINE_EXCEEDED} or {@code CANCELLED}, whose cause is the
 *       context's err, which carries the context's {@linkplain Context#cause() cause} (at once, if
 *       it already is done). The call is made under a {@link GrpcContexts#toGrpc follower} of the
 *       context, so grpc-java cancels it by its own rules. The follower keeps the values of the
 *       current {@code io.grpc.Context} but not its cancellation or deadline: the caller's context
 *       alone decides (a handler's {@code ctx.withoutCancel()} call outlives its request);</li>
 *   <li>the declared {@linkplain #withValues values} of the context go out as metadata.</li>
 * </ul>
 * The registration on the context is removed when the call closes, however it closes.
 *
 * <p>Instances are immutable and thread-safe; {@code with*} methods return new instances.
 */
public final class ContextClientInterceptor implements ClientInterceptor {
  private static final ContextClientInterceptor DEFAULT = new ContextClientInterceptor(Duration.ZERO, List.of());

  private final Duration reserve;
  private final List<MetadataValue<?>> values;

  private ContextClientInterceptor(Duration reserve, List<MetadataValue<?>> values) {
    this.reserve = reserve;
    this.values = values;
  }

  /** Returns an interceptor with no reserve and no values. */
  public static ContextClientInterceptor create() {
    return DEFAULT;
  }

  /**
   * Returns this interceptor keeping {@code reserve} of the context's budget back from the call.
   *
   * @throws IllegalArgumentException if {@code reserve} is negative
   */
  public ContextClientInterceptor withReserve(Duration reserve) {
    Objects.requireNonNull(reserve, "reserve");
    if (reserve.isNegative()) {
      throw new IllegalArgumentException("reserve must not be negative: " + reserve);
    }
    return new ContextClientInterceptor(reserve, values);
  }

  /** Returns this interceptor also sending {@code values} (replacing the ones given before). */
  public ContextClientInterceptor withValues(MetadataValue<?>... values) {
    return new ContextClientInterceptor(reserve, List.of(values));
  }

  /** Returns the reserve. */
  public Duration reserve() {
    return reserve;
  }

  @Override
  public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options,
      Channel next) {
    Context option = options.getOption(GrpcContexts.CONTEXT);
    Context ctx = option != null ? option : GrpcContexts.current();
    if (ctx == null) {
      return next.newCall(method, options);
    }
    Duration remaining = ctx.remaining();
    if (remaining != null) {
      long nanos = Math.max(saturatedNanos(remaining.minus(reserve)), 0);
      Deadline budget = Deadline.after(nanos, TimeUnit.NANOSECONDS);
      Deadline own = options.getDeadline();
      options = options.withDeadline(own == null ? budget : own.minimum(budget));
    }
    // grpc-java's call captures io.grpc.Context.current() when it is created and obeys it: make
    // it a follower of ctx, so grpc itself cancels the call (also before it started) with the
    // status of ctx's err. The follower keeps the current grpc values but not its cancellation or
    // deadline (fork): ctx alone governs the call, so that ctx.withoutCancel() works from a
    // handler whose call is already cancelled.
    io.grpc.Context.CancellableContext follower = GrpcContexts.toGrpc(ctx, io.grpc.Context.current().fork());
    io.grpc.Context previous = follower.attach();
    ClientCall<Q, R> call;
    try {
      call = next.newCall(method, options);
    } catch (RuntimeException | Error e) {
      follower.cancel(null);
      throw e;
    } finally {
      follower.detach(previous);
    }
    return new ContextCall<>(call, ctx, follower, values);
  }

  private static long saturatedNanos(Duration d) {
    try {
      return d.toNanos();
    } catch (ArithmeticException e) {
      return d.isNegative() ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
  }

  /**
   * A call made under a follower of the caller's context: it writes the context's values into the
   * headers and cancels the follower (which removes its registration on the context) once the
   * call has closed. Thread-safe as grpc's calls are: start runs once, onClose once.
   */
  private static final class ContextCall<Q, R> extends ForwardingClientCall.SimpleForwardingClientCall<Q, R> {
    private final Context ctx;
    private final io.grpc.Context.CancellableContext follower;
    private final List<MetadataValue<?>> values;

    ContextCall(ClientCall<Q, R> delegate, Context ctx, io.grpc.Context.CancellableContext follower,
        List<MetadataValue<?>> values) {
      super(delegate);
      this.ctx = ctx;
      this.follower = follower;
      this.values = values;
    }

    @Override
    public void start(Listener<R> listener, Metadata headers) {
      for (MetadataValue<?> v : values) {
        v.write(ctx, headers);
      }
      try {
        super.start(new ForwardingClientCallListener.SimpleForwardingClientCallListener<R>(listener) {
          @Override
          public void onClose(Status status, Metadata trailers) {
            follower.cancel(null);
            super.onClose(status, trailers);
          }
        }, headers);
      } catch (RuntimeException | Error e) {
        follower.cancel(null);
        throw e;
      }
    }
  }

  @Override
  public String toString() {
    return "ContextClientInterceptor(reserve=" + reserve + ", values=" + values + ")";
  }
}
