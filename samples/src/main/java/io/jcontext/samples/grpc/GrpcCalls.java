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
import io.jcontext.grpc.GrpcContexts;
import io.jcontext.grpc.GrpcStatuses;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * A blocking unary gRPC call under a jcontext, written on the plain {@link ClientCall} API (the
 * samples use no generated stubs). With jcontext-grpc's {@code ContextClientInterceptor} on the
 * channel the context's budget, cancellation and declared values travel with the call.
 */
public final class GrpcCalls {

  private GrpcCalls() {}

  /**
   * Calls {@code method} with {@code request} and returns the response.
   *
   * @throws ContextException {@code ctx.err()} if the context ends first (the call is cancelled),
   *     also when the call failed with DEADLINE_EXCEEDED because the context's budget ran out
   *     (gRPC's timer for the same deadline may fire a hair before the context's)
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
      Duration remaining = ctx.remaining();
      if (failure.getStatus().getCode() == Status.Code.DEADLINE_EXCEEDED && remaining != null
          && remaining.compareTo(GrpcContexts.DEADLINE_SLACK) <= 0) {
        ctx.awaitDone(remaining.plus(GrpcContexts.DEADLINE_SLACK)); // report our own deadline
      }
      throw GrpcStatuses.toClientException(ctx, failure) instanceof ContextException c && ctx.isDone()
          ? c : failure;
    }
  }
}
