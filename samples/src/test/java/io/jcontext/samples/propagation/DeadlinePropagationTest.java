package io.jcontext.samples.propagation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.StatusRuntimeException;
import io.jcontext.CancellableContext;
import io.jcontext.Context;
import io.jcontext.ContextCancelledException;
import io.jcontext.DeadlineExceededException;
import io.jcontext.samples.Go;
import io.jcontext.samples.grpc.GrpcCalls;
import io.jcontext.grpc.ClientCancelledException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Real loopback servers and the system clock: gRPC's deadline runs on System.nanoTime, so these
 * hops cannot use a virtual clock. Budgets are short (200-300 ms); waits are liveness bounds.
 */
class DeadlinePropagationTest {
  private static final long LIVENESS_S = 10;
  private DeadlinePropagation.Topology topology;

  @BeforeEach
  void start() throws Exception {
    topology = new DeadlinePropagation.Topology();
  }

  @AfterEach
  void stop() throws Exception {
    topology.close();
  }

  @Test
  void budgetTravelsOverHttpAndGrpcAndEveryHopTimesOut() throws Exception {
    DeadlinePropagation.Hop client;
    long t0 = System.nanoTime();
    try (CancellableContext ctx = Context.background().withTimeout(Duration.ofMillis(300))) {
      client = DeadlinePropagation.callThroughHttp(ctx, topology);
    }
    long elapsedMs = (System.nanoTime() - t0) / 1_000_000;
    DeadlinePropagation.Hop http = topology.httpHop.get(LIVENESS_S, TimeUnit.SECONDS);
    DeadlinePropagation.Hop grpc = topology.grpcHop.get(LIVENESS_S, TimeUnit.SECONDS);
    assertInstanceOf(DeadlineExceededException.class, client.err());
    assertInstanceOf(DeadlineExceededException.class, http.err(), "the HTTP handler's own deadline fired");
    assertInstanceOf(DeadlineExceededException.class, grpc.err(), "the gRPC handler's own deadline fired");
    // Budgets shrink hop by hop (the time spent before each hop is subtracted), never grow.
    assertTrue(http.budgetOnEntry().compareTo(client.budgetOnEntry()) <= 0, http + " vs " + client);
    assertTrue(grpc.budgetOnEntry().compareTo(http.budgetOnEntry()) <= 0, grpc + " vs " + http);
    assertTrue(grpc.budgetOnEntry().toMillis() > 0);
    assertTrue(elapsedMs >= 299 && elapsedMs < 5_000, "the client waited its budget, not more: " + elapsedMs);
  }

  @Test
  void clientCancellationTravelsOverGrpc() throws Exception {
    CancellableContext ctx = Context.background().withCancel();
    Go<String> call = Go.start("client",
        () -> GrpcCalls.unary(ctx, topology.grpcChannel(), DeadlinePropagation.WAIT, "x"));
    topology.grpcWaiting.get(LIVENESS_S, TimeUnit.SECONDS);
    ctx.cancel(new IllegalStateException("user navigated away"));
    DeadlinePropagation.Hop server = topology.grpcHop.get(LIVENESS_S, TimeUnit.SECONDS);
    ContextCancelledException serverErr = assertInstanceOf(ContextCancelledException.class, server.err());
    assertInstanceOf(ClientCancelledException.class, serverErr.getCause());
    assertEquals(null, server.budgetOnEntry(), "no deadline was set: none arrived");
    assertSame(ctx.err(), call.failure(Duration.ofSeconds(LIVENESS_S)), "the client gets its own ctx err");
  }

  @Test
  void grpcDeadlineAloneBecomesTheServersJcontextDeadline() throws Exception {
    try (CancellableContext ctx = Context.background().withTimeout(Duration.ofMillis(200))) {
      Go<String> call = Go.start("client",
          () -> GrpcCalls.unary(ctx, topology.grpcChannel(), DeadlinePropagation.WAIT, "x"));
      DeadlinePropagation.Hop server = topology.grpcHop.get(LIVENESS_S, TimeUnit.SECONDS);
      assertNotNull(server.budgetOnEntry());
      assertTrue(server.budgetOnEntry().toMillis() <= 200);
      assertInstanceOf(DeadlineExceededException.class, server.err());
      assertInstanceOf(DeadlineExceededException.class, call.failure(Duration.ofSeconds(LIVENESS_S)));
    }
  }

  @Test
  void spentBudgetIsNotSentAndOtherFailuresStayGrpcErrors() throws Exception {
    CancellableContext done = Context.background().withCancel();
    done.cancel();
    Go<String> call = Go.start("client", () -> GrpcCalls.unary(done, topology.grpcChannel(), DeadlinePropagation.WAIT, "x"));
    assertSame(done.err(), call.failure(Duration.ofSeconds(LIVENESS_S)));
    assertFalse(topology.grpcWaiting.isDone(), "nothing reached the server");
    Go<String> unknown = Go.start("client", () -> GrpcCalls.unary(Context.background(), topology.grpcChannel(),
        io.jcontext.samples.grpc.Utf8Marshaller.unary("demo.Slow/Missing"), "x"));
    assertInstanceOf(StatusRuntimeException.class, unknown.failure(Duration.ofSeconds(LIVENESS_S)));
  }

  @Test
  void tourStop() throws Exception {
    assertTrue(new DeadlinePropagation().run().startsWith("300 ms budget: client: budget"));
  }
}
