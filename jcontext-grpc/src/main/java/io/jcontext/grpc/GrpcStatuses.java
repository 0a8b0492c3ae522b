package io.jcontext.grpc;

import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import io.jcontext.Context;
import io.jcontext.ContextCancelledException;
import io.jcontext.ContextException;
import io.jcontext.DeadlineExceededException;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * Maps between jcontext's errs and gRPC statuses, the way grpc-java maps its own
 * {@code io.grpc.Context} cancellation ({@code Contexts.statusFromCancelled}):
 * {@link DeadlineExceededException} ↔ {@code DEADLINE_EXCEEDED}, {@link ContextCancelledException}
 * ↔ {@code CANCELLED}. Stateless; every method is thread-safe.
 */
public final class GrpcStatuses {
  private GrpcStatuses() {}

  /**
   * Returns the status a server answers with when its work failed with {@code failure}:
   * {@code DEADLINE_EXCEEDED} for a {@link DeadlineExceededException} or grpc's own
   * {@link TimeoutException}, {@code CANCELLED} for a {@link ContextCancelledException}, the
   * status of a {@link StatusException}/{@link StatusRuntimeException}, and {@code UNKNOWN}
   * otherwise. The status's cause is {@code failure}; its description is the err's message and,
   * when there is one, its cause's.
   */
  public static Status toStatus(Throwable failure) {
    if (failure instanceof ContextException) {
      ContextException e = (ContextException) failure;
      Status s = e.isTimeout() ? Status.DEADLINE_EXCEEDED : Status.CANCELLED;
      String description = e.getCause() == null ? e.getMessage() : e.getMessage() + ": " + e.getCause();
      return s.withDescription(description).withCause(e);
    }
    if (failure instanceof TimeoutException) {
      return Status.DEADLINE_EXCEEDED.withDescription(failure.getMessage()).withCause(failure);
    }
    return Status.fromThrowable(failure);
  }

  /**
   * Returns the jcontext err that a call's {@code status} stands for: a
   * {@link DeadlineExceededException} for {@code DEADLINE_EXCEEDED}, a
   * {@link ContextCancelledException} for {@code CANCELLED} (each with
   * {@code status.asRuntimeException()} as its cause), {@code null} for any other code.
   */
  public static @Nullable ContextException toContextException(Status status) {
    switch (status.getCode()) {
      case DEADLINE_EXCEEDED:
        return new DeadlineExceededException(status.asRuntimeException());
      case CANCELLED:
        return new ContextCancelledException(status.asRuntimeException());
      default:
        return null;
    }
  }

  /**
   * Returns what a client made with {@code ctx} should throw for a call that failed with
   * {@code failure}: {@code ctx.err()} when {@code ctx} is done and the status is
   * {@code CANCELLED} or {@code DEADLINE_EXCEEDED} (the call ended because the context did);
   * otherwise {@link #toContextException} of the status, or {@code failure} itself for other codes.
   */
  public static RuntimeException toClientException(Context ctx, StatusRuntimeException failure) {
    ContextException mapped = toContextException(failure.getStatus());
    if (mapped == null) {
      return failure;
    }
    ContextException err = ctx.err();
    return err != null ? err : mapped;
  }
}
