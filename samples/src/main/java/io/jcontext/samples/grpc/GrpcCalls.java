package io.jcontext.samples.grpc;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.jcontext.Context;
import io.jcontext.ContextException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * A blocking unary gRPC call under a jcontext, written on the plain {@link ClientCall} API (the
 * samples use no generated stubs). With {@link GrpcContexts#clientInterceptor()} on the channel the
 * context's budget and cancellation travel with the call.
 */
public final class GrpcCalls {

  private GrpcCalls() {}

  /**
   * Calls {@code method} with {@code request} and returns the response.
   *
   * @throws ContextException {@code ctx.err()} if the context ends first (the call is cancelled),
   *     also when the call failed with DEADLINE_EXCEEDED because the context's budget ran out
   *     (within {@link GrpcContexts#DEADLINE_TOLERANCE} of the context's deadline)
   * @throws StatusRuntimeException if the call fails for another reason
   */
  public static <Q, R> R unary(Context ctx, Channel channel, MethodDescriptor<Q, R> method, Q request)
      throws InterruptedException {
    ctx.throwIfDone();
    ClientCall<Q, R> call = channel.newCall(method, CallOptions.DEFAULT.withOption(GrpcContexts.CONTEXT, ctx));
    CompletableFuture<R> result = new CompletableFuture<>();
    call.start(new ClientCall.Listener<R>() {
      private R value;

      @Override
      public void onMessage(R message) {
        value = message;
      }

      @Override
      public void onClose(Status status, Metadata trailers) {
        if (status.isOk()) {
          result.complete(value);
        } else {
          result.completeExceptionally(status.asRuntimeException(trailers));
        }
      }
    }, new Metadata());
    call.request(2);
    call.sendMessage(request);
    call.halfClose();
    try {
      return Context.await(ctx, result);
    } catch (ExecutionException e) {
      StatusRuntimeException failure = (StatusRuntimeException) e.getCause();
      Status.Code code = failure.getStatus().getCode();
      Duration remaining = ctx.remaining();
      if (code == Status.Code.DEADLINE_EXCEEDED && remaining != null
          && remaining.compareTo(GrpcContexts.DEADLINE_TOLERANCE) <= 0) {
        // gRPC's timer for our own budget (or the server's, for the same budget) fired a hair
        // before the context's: report the context's deadline, not a transport error.
        ctx.awaitDone(remaining.plus(GrpcContexts.DEADLINE_TOLERANCE));
      }
      if ((code == Status.Code.DEADLINE_EXCEEDED || code == Status.Code.CANCELLED) && ctx.isDone()) {
        throw ctx.err();
      }
      throw failure;
    }
  }
}
