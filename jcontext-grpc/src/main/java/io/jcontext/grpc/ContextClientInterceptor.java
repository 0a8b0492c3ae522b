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
import io.jcontext.Stop;
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
 *   <li>when the context is done the call is cancelled with the context's
 *       {@linkplain Context#cause() cause} as the status cause (immediately, if it already is);</li>
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
    return new ContextCall<>(next.newCall(method, options), ctx, values);
  }

  private static long saturatedNanos(Duration d) {
    try {
      return d.toNanos();
    } catch (ArithmeticException e) {
      return d.isNegative() ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
  }

  /**
   * A call tied to a context.
   *
   * <p>Invariant: the onDone registration ({@code stop}) is removed once the call closed, whether
   * the close comes before or after {@code start} has registered it: {@code closed} and
   * {@code stop} are both volatile, each side writes its own field and then reads the other's.
   */
  private static final class ContextCall<Q, R> extends ForwardingClientCall.SimpleForwardingClientCall<Q, R> {
    private final Context ctx;
    private final List<MetadataValue<?>> values;
    private volatile Stop stop;
    private volatile boolean closed;

    ContextCall(ClientCall<Q, R> delegate, Context ctx, List<MetadataValue<?>> values) {
      super(delegate);
      this.ctx = ctx;
      this.values = values;
    }

    @Override
    public void start(Listener<R> listener, Metadata headers) {
      for (MetadataValue<?> v : values) {
        v.write(ctx, headers);
      }
      super.start(new ForwardingClientCallListener.SimpleForwardingClientCallListener<R>(listener) {
        @Override
        public void onClose(Status status, Metadata trailers) {
          closed = true;
          Stop s = stop;
          if (s != null) {
            s.stop();
          }
          super.onClose(status, trailers);
        }
      }, headers);
      Stop s = ctx.onDone(() -> cancel("jcontext " + ctx.err().getMessage(), ctx.cause()));
      stop = s;
      if (closed) {
        s.stop();
      }
    }
  }

  @Override
  public String toString() {
    return "ContextClientInterceptor(reserve=" + reserve + ", values=" + values + ")";
  }
}
