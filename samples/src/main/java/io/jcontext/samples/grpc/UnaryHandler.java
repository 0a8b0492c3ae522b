package io.jcontext.samples.grpc;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.Status;
import io.jcontext.Context;
import io.jcontext.ContextException;
import io.jcontext.grpc.GrpcContexts;
import io.jcontext.grpc.GrpcStatuses;

/**
 * A unary gRPC method implemented as a blocking function of the call's jcontext and the request.
 *
 * @param <Q> request type
 * @param <R> response type
 */
@FunctionalInterface
public interface UnaryHandler<Q, R> {

  /**
   * Handles one call. {@code ctx} is the call's jcontext ({@link GrpcContexts#current()}), done when
   * the client cancels or the deadline passes; throwing its err answers DEADLINE_EXCEEDED or
   * CANCELLED.
   */
  R handle(Context ctx, Q request) throws Exception;

  /** Adapts {@code handler} to grpc-java's {@link ServerCallHandler}. */
  static <Q, R> ServerCallHandler<Q, R> adapt(UnaryHandler<Q, R> handler) {
    return (call, headers) -> {
      call.request(2);
      return new ServerCall.Listener<Q>() {
        private Q request;

        @Override
        public void onMessage(Q message) {
          request = message;
        }

        @Override
        public void onHalfClose() {
          Context ctx = GrpcContexts.current();
          if (ctx == null) {
            ctx = Context.background();
          }
          try {
            R response = handler.handle(ctx, request);
            call.sendHeaders(new Metadata());
            call.sendMessage(response);
            call.close(Status.OK, new Metadata());
          } catch (ContextException e) {
            close(call, GrpcStatuses.toStatus(e));
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close(call, Status.CANCELLED.withCause(e));
          } catch (Exception e) {
            close(call, Status.UNKNOWN.withDescription(e.toString()).withCause(e));
          }
        }
      };
    };
  }

  private static void close(ServerCall<?, ?> call, Status status) {
    try {
      call.close(status, new Metadata());
    } catch (IllegalStateException alreadyClosed) {
      // the client cancelled: the call is already closed
    }
  }
}
