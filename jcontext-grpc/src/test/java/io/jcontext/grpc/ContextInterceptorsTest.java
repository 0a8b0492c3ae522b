package io.jcontext.grpc;

import io.jcontext.BudgetPolicy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import io.jcontext.CancellableContext;
import io.jcontext.Context;
import io.jcontext.ContextCancelledException;
import io.jcontext.DeadlineExceededException;
import io.jcontext.Key;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Both interceptors over the in-process transport: budgets, cancellation causes, values. */
class ContextInterceptorsTest {
  static final Key<String> REQUEST_ID = Key.of("requestId", String.class);
  static final MetadataValue<String> REQUEST_ID_HEADER = MetadataValue.ofString(REQUEST_ID, "x-request-id");
  static final MethodDescriptor<String, String> ECHO = Utf8.unary("test/echo");
  static final Duration LIVENESS = Duration.ofSeconds(10);

  final CountingContext root = new CountingContext();
  /** The served calls' contexts, in order. */
  final BlockingQueue<Context> served = new ArrayBlockingQueue<>(100);
  Server server;
  ManagedChannel channel;

  /** Starts a server whose echo handler runs {@code body} on its call's context. */
  void start(ContextServerInterceptor serverInterceptor, ContextClientInterceptor clientInterceptor,
      Function<Context, String> body) throws Exception {
    String name = InProcessServerBuilder.generateName();
    ServerServiceDefinition service = ServerServiceDefinition.builder("test")
        .addMethod(ECHO, ServerCalls.asyncUnaryCall((req, out) -> {
          Context ctx = GrpcContexts.current();
          served.add(ctx);
          try {
            out.onNext(body.apply(ctx));
            out.onCompleted();
          } catch (RuntimeException e) {
            out.onError(GrpcStatuses.toStatus(e).asRuntimeException());
          }
        }))
        .build();
    server = InProcessServerBuilder.forName(name)
        .addService(ServerInterceptors.intercept(service, serverInterceptor)).build().start();
    channel = InProcessChannelBuilder.forName(name).intercept(clientInterceptor).build();
  }

  @AfterEach
  void stop() throws InterruptedException {
    if (channel != null) {
      channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    }
    if (server != null) {
      server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    }
    // Calls end on transport threads after the client has its answer: wait (liveness bound).
    long until = System.nanoTime() + LIVENESS.toNanos();
    while (root.registrations() != 0 && System.nanoTime() < until) {
      Thread.onSpinWait();
    }
    assertEquals(0, root.registrations(), "registrations left on the server root");
  }

  String call(Context ctx, String request) {
    return ClientCalls.blockingUnaryCall(channel, ECHO, CallOptions.DEFAULT.withOption(GrpcContexts.CONTEXT, ctx), request);
  }

  Future<String> callAsync(Context ctx, String request) {
    return ClientCalls.futureUnaryCall(
        channel.newCall(ECHO, CallOptions.DEFAULT.withOption(GrpcContexts.CONTEXT, ctx)), request);
  }

  static String blockUntilDone(Context ctx) {
    try {
      assertTrue(ctx.awaitDone(LIVENESS), "served context not done in time");
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
    throw ctx.err();
  }

  static java.util.List<Throwable> causeChain(Throwable t) {
    java.util.List<Throwable> chain = new java.util.ArrayList<>();
    for (; t != null && !chain.contains(t); t = t instanceof StatusRuntimeException && t.getCause() == null
        ? ((StatusRuntimeException) t).getStatus().getCause() : t.getCause()) {
      chain.add(t);
      if (t instanceof StatusRuntimeException && ((StatusRuntimeException) t).getStatus().getCause() != null) {
        chain.add(((StatusRuntimeException) t).getStatus().getCause());
      }
    }
    return chain;
  }

  @Test
  void budgetLessReserveBecomesTheServersDeadline() throws Exception {
    start(ContextServerInterceptor.create(root), ContextClientInterceptor.create().withReserve(Duration.ofSeconds(1)),
        ctx -> String.valueOf(ctx.remaining().toMillis()));
    try (CancellableContext ctx = Context.background().withTimeout(Duration.ofSeconds(30))) {
      long served = Long.parseLong(call(ctx, "x"));
      assertTrue(served <= 29_000 && served > 20_000, "server budget " + served);
    }
  }

  @Test
  void callsOwnEarlierDeadlineWins() throws Exception {
    start(ContextServerInterceptor.create(root), ContextClientInterceptor.create(),
        ctx -> String.valueOf(ctx.remaining().toMillis()));
    try (CancellableContext ctx = Context.background().withTimeout(Duration.ofSeconds(30))) {
      String served = ClientCalls.blockingUnaryCall(channel, ECHO,
          CallOptions.DEFAULT.withOption(GrpcContexts.CONTEXT, ctx).withDeadlineAfter(5, TimeUnit.SECONDS), "x");
      assertTrue(Long.parseLong(served) <= 5_000, "server budget " + served);
    }
  }

  @Test
  void noContextNoDeadline() throws Exception {
    start(ContextServerInterceptor.create(root), ContextClientInterceptor.create(),
        ctx -> String.valueOf(ctx.remaining()));
    assertEquals("null", ClientCalls.blockingUnaryCall(channel, ECHO, CallOptions.DEFAULT, "x"));
  }

  @Test
  void clampPolicyCapsTheIncomingBudget() throws Exception {
    start(ContextServerInterceptor.create(root).withPolicy(BudgetPolicy.clampTo(Duration.ofSeconds(2))),
        ContextClientInterceptor.create(), ctx -> String.valueOf(ctx.remaining().toMillis()));
    try (CancellableContext ctx = Context.background().withTimeout(Duration.ofSeconds(30))) {
      assertTrue(Long.parseLong(call(ctx, "x")) <= 2_000);
    }
    // and a call without a budget gets the maximum
    assertTrue(Long.parseLong(call(Context.background(), "x")) <= 2_000);
  }

  @Test
  void ignorePolicyUsesTheDefault() throws Exception {
    start(ContextServerInterceptor.create(root).withPolicy(BudgetPolicy.ignore().withDefault(Duration.ofSeconds(60))),
        ContextClientInterceptor.create(), ctx -> String.valueOf(ctx.remaining().toMillis()));
    try (CancellableContext ctx = Context.background().withTimeout(Duration.ofSeconds(5))) {
      long served = Long.parseLong(call(ctx, "x"));
      assertTrue(served > 50_000, "server budget " + served);
    }
  }

  @Test
  void valuesTravelAsMetadata() throws Exception {
    start(ContextServerInterceptor.create(root).withValues(REQUEST_ID_HEADER),
        ContextClientInterceptor.create().withValues(REQUEST_ID_HEADER), ctx -> String.valueOf(ctx.value(REQUEST_ID)));
    assertEquals("r-42", call(Context.background().withValue(REQUEST_ID, "r-42"), "x"));
    assertEquals("null", call(Context.background(), "x"));
    assertEquals("null", call(Context.background().withValue(REQUEST_ID, "bad\nvalue"), "x"));
  }

  @Test
  void clientCancelReachesTheServerWithACauseSayingSo() throws Exception {
    start(ContextServerInterceptor.create(root), ContextClientInterceptor.create(), ContextInterceptorsTest::blockUntilDone);
    CancellableContext ctx = Context.background().withCancel();
    Future<String> result = callAsync(ctx, "x");
    Context servedCtx = served.poll(10, TimeUnit.SECONDS);
    assertNotNull(servedCtx);
    IllegalStateException why = new IllegalStateException("user gave up");
    ctx.cancel(why);
    assertTrue(servedCtx.awaitDone(LIVENESS));
    assertInstanceOf(ContextCancelledException.class, servedCtx.err());
    assertInstanceOf(ClientCancelledException.class, servedCtx.cause());
    ExecutionException e = assertThrows(ExecutionException.class, () -> result.get(10, TimeUnit.SECONDS));
    Status status = Status.fromThrowable(e.getCause());
    assertEquals(Status.Code.CANCELLED, status.getCode());
    // The status's cause is the follower's cancellation (which carries ctx.err()) when the
    // transport keeps it; what the caller is handed is ctx.err() itself, caused by why.
    Throwable carried = status.getCause();
    assertTrue(carried == null || causeChain(carried).contains(ctx.err()), "foreign cause " + carried);
    assertSame(why, ctx.err().getCause());
    assertSame(ctx.err(), GrpcStatuses.toClientException(ctx, (StatusRuntimeException) e.getCause()));
  }

  @Test
  void alreadyDoneContextCancelsTheCallAtOnce() throws Exception {
    start(ContextServerInterceptor.create(root), ContextClientInterceptor.create(), ctx -> "reached");
    CancellableContext ctx = Context.background().withCancel();
    ctx.cancel();
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> call(ctx, "x"));
    assertEquals(Status.Code.CANCELLED, e.getStatus().getCode());
  }

  @Test
  void deadlineEndsBothSidesAsDeadlineExceeded() throws Exception {
    start(ContextServerInterceptor.create(root), ContextClientInterceptor.create(), ContextInterceptorsTest::blockUntilDone);
    try (CancellableContext ctx = Context.background().withTimeout(Duration.ofMillis(200))) {
      StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> call(ctx, "x"));
      assertEquals(Status.Code.DEADLINE_EXCEEDED, e.getStatus().getCode());
      assertInstanceOf(DeadlineExceededException.class, GrpcStatuses.toClientException(ctx, e));
      Context servedCtx = served.poll(10, TimeUnit.SECONDS);
      assertTrue(servedCtx.awaitDone(LIVENESS));
      assertInstanceOf(DeadlineExceededException.class, servedCtx.err());
    }
  }

  @Test
  void serverCloseEndsTheCallsContextAndReleasesTheRoot() throws Exception {
    start(ContextServerInterceptor.create(root), ContextClientInterceptor.create(), ctx -> "ok");
    for (int i = 0; i < 20; i++) {
      assertEquals("ok", call(Context.background(), "x"));
      Context servedCtx = served.poll(10, TimeUnit.SECONDS);
      assertTrue(servedCtx.awaitDone(LIVENESS));
      assertNull(servedCtx.cause() instanceof ClientCancelledException ? "client" : null);
    }
    assertEquals(20, root.total.get());
  }

  @Test
  void rootCancelEndsLiveCalls() throws Exception {
    start(ContextServerInterceptor.create(root), ContextClientInterceptor.create(), ContextInterceptorsTest::blockUntilDone);
    Future<String> result = callAsync(Context.background(), "x");
    Context servedCtx = served.poll(10, TimeUnit.SECONDS);
    IllegalStateException shutdown = new IllegalStateException("shutting down");
    root.delegate.cancel(shutdown);
    assertTrue(servedCtx.awaitDone(LIVENESS));
    assertSame(shutdown, servedCtx.cause());
    ExecutionException e = assertThrows(ExecutionException.class, () -> result.get(10, TimeUnit.SECONDS));
    assertEquals(Status.Code.CANCELLED, Status.fromThrowable(e.getCause()).getCode());
  }

  @Test
  void handlerCallsDownstreamWithItsOwnContextByDefault() throws Exception {
    // The handler calls the same server again, one hop deeper, without naming a context.
    start(ContextServerInterceptor.create(root).withValues(REQUEST_ID_HEADER),
        ContextClientInterceptor.create().withValues(REQUEST_ID_HEADER).withReserve(Duration.ofMillis(500)), ctx -> {
          long mine = ctx.remaining().toMillis();
          if (served.size() > 1) {
            return ctx.value(REQUEST_ID) + ":" + mine;
          }
          String inner = ClientCalls.blockingUnaryCall(channel, ECHO, CallOptions.DEFAULT, "inner");
          return mine + "|" + inner;
        });
    try (CancellableContext ctx = Context.background().withTimeout(Duration.ofSeconds(20))) {
      String[] answer = call(ctx.withValue(REQUEST_ID, "r-7"), "outer").split("[|:]");
      long outer = Long.parseLong(answer[0]);
      long inner = Long.parseLong(answer[2]);
      assertEquals("r-7", answer[1]);
      assertTrue(inner <= outer - 500, outer + " then " + inner);
    }
  }
}
