package io.jcontext.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.grpc.Contexts;
import io.grpc.Status;
import io.jcontext.CancellableContext;
import io.jcontext.Context;
import io.jcontext.ContextCancelledException;
import io.jcontext.DeadlineExceededException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/** The status mapping, both ways, agrees with grpc-java's own for its Context. */
class GrpcStatusesTest {

  @Test
  void deadlineExceededMapsToDeadlineExceededAndBack() {
    Status s = GrpcStatuses.toStatus(new DeadlineExceededException());
    assertEquals(Status.Code.DEADLINE_EXCEEDED, s.getCode());
    assertInstanceOf(DeadlineExceededException.class, GrpcStatuses.toContextException(s));
  }

  @Test
  void cancelMapsToCancelledAndBack() {
    IllegalStateException why = new IllegalStateException("why");
    ContextCancelledException err = new ContextCancelledException(why);
    Status s = GrpcStatuses.toStatus(err);
    assertEquals(Status.Code.CANCELLED, s.getCode());
    assertSame(err, s.getCause());
    assertInstanceOf(ContextCancelledException.class, GrpcStatuses.toContextException(s));
  }

  @Test
  void otherCodesAreNotContextErrs() {
    assertNull(GrpcStatuses.toContextException(Status.UNAVAILABLE));
    assertNull(GrpcStatuses.toContextException(Status.OK));
    assertEquals(Status.Code.UNKNOWN, GrpcStatuses.toStatus(new RuntimeException("x")).getCode());
    assertEquals(Status.Code.NOT_FOUND, GrpcStatuses.toStatus(Status.NOT_FOUND.asRuntimeException()).getCode());
  }

  @Test
  void agreesWithGrpcsOwnMappingOfItsContext() {
    // grpc's deadline cancels with a TimeoutException: both map it to DEADLINE_EXCEEDED
    io.grpc.Context.CancellableContext timedOut = io.grpc.Context.ROOT.withCancellation();
    TimeoutException timeout = new TimeoutException("context timed out");
    timedOut.cancel(timeout);
    assertEquals(Contexts.statusFromCancelled(timedOut).getCode(), GrpcStatuses.toStatus(timeout).getCode());
    assertInstanceOf(DeadlineExceededException.class, GrpcContexts.fromGrpc(timedOut).err());
    // a plain cancel: CANCELLED, and ContextCancelledException on our side
    io.grpc.Context.CancellableContext cancelled = io.grpc.Context.ROOT.withCancellation();
    cancelled.cancel(new IllegalStateException("x"));
    assertEquals(Status.Code.CANCELLED, Contexts.statusFromCancelled(cancelled).getCode());
    assertInstanceOf(ContextCancelledException.class, GrpcContexts.fromGrpc(cancelled).err());
  }

  @Test
  void clientExceptionPrefersTheContextsOwnErr() {
    CancellableContext ctx = Context.background().withCancel();
    var failure = Status.CANCELLED.asRuntimeException();
    assertInstanceOf(ContextCancelledException.class, GrpcStatuses.toClientException(ctx, failure));
    ctx.cancel();
    assertSame(ctx.err(), GrpcStatuses.toClientException(ctx, failure));
    var unavailable = Status.UNAVAILABLE.asRuntimeException();
    assertSame(unavailable, GrpcStatuses.toClientException(ctx, unavailable));
  }
}
