package io.jcontext.samples.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcontext.CancellableContext;
import io.jcontext.Context;
import io.jcontext.ContextCancelledException;
import io.jcontext.DeadlineExceededException;
import io.jcontext.http.BudgetHeader;
import io.jcontext.http.ContextHttpClient;
import io.jcontext.samples.Go;
import io.jcontext.testing.VirtualClock;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ContextHttpServerTest {
  private static final long LIVENESS_S = 10;
  private final HttpClient client = HttpClient.newHttpClient();

  @Test
  void budgetHeaderBecomesTheRequestTimeout() throws Exception {
    VirtualClock clock = new VirtualClock();
    CompletableFuture<Duration> seen = new CompletableFuture<>();
    try (ContextHttpServer server = ContextHttpServer.start(clock.background(), Map.of("/", (ctx, ex) -> {
      seen.complete(ctx.remaining());
      ContextHttpServer.respond(ex, 200, "ok");
    }))) {
      HttpResponse<String> r = client.send(HttpRequest.newBuilder(server.uri("/"))
          .header(BudgetHeader.NAME, "1500").build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode());
      assertEquals(Duration.ofMillis(1500), seen.get(LIVENESS_S, TimeUnit.SECONDS),
          "the budget, on the server's own clock (virtual here: nothing elapsed)");
    }
  }

  @Test
  void noHeaderNoDeadline() throws Exception {
    CompletableFuture<Duration> seen = new CompletableFuture<>();
    try (ContextHttpServer server = ContextHttpServer.start(Context.background(), Map.of("/", (ctx, ex) -> {
      seen.complete(ctx.remaining() == null ? Duration.ZERO : ctx.remaining());
      ContextHttpServer.respond(ex, 200, "ok");
    }))) {
      client.send(HttpRequest.newBuilder(server.uri("/")).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(Duration.ZERO, seen.get(LIVENESS_S, TimeUnit.SECONDS));
    }
  }

  @Test
  void spentBudgetIsAnsweredAsADeadlineAndMalformedOnesAreIgnored() throws Exception {
    try (ContextHttpServer server = ContextHttpServer.start(Context.background(), Map.of("/", (ctx, ex) -> {
      ctx.throwIfDone(); // a spent budget: the context starts past its deadline
      ContextHttpServer.respond(ex, 200, String.valueOf(ctx.remaining()));
    }))) {
      for (String[] c : new String[][] {{"0", "504"}, {"-5", "200"}, {"soon", "200"}}) {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(server.uri("/"))
            .header(BudgetHeader.NAME, c[0]).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(Integer.parseInt(c[1]), r.statusCode(), c[0]);
        if (r.statusCode() == 200) {
          assertEquals("null", r.body(), "a malformed budget is no budget: " + c[0]);
        }
      }
    }
  }

  @Test
  void handlerTimingOutAnswers504AndClientSendsItsRemainingBudget() throws Exception {
    VirtualClock clock = new VirtualClock();
    CompletableFuture<Throwable> handlerSaw = new CompletableFuture<>();
    try (ContextHttpServer server = ContextHttpServer.start(clock.background(), Map.of("/", (ctx, ex) -> {
      try {
        ctx.awaitDone();
        ctx.throwIfDone();
      } finally {
        handlerSaw.complete(ctx.err());
      }
    }))) {
      try (CancellableContext callerCtx = Context.background().withTimeout(Duration.ofSeconds(30))) {
        Go<HttpResponse<String>> call = Go.start("client", () -> ContextHttpClient.of(client).send(callerCtx,
            HttpRequest.newBuilder(server.uri("/")).build(), HttpResponse.BodyHandlers.ofString()));
        assertTrue(clock.awaitPendingTimers(1, Duration.ofSeconds(LIVENESS_S)));
        assertTrue(clock.nextDeadline().isAfter(clock.now().plusSeconds(29)), "~30 s budget arrived");
        clock.advanceToNext();
        assertInstanceOf(DeadlineExceededException.class, handlerSaw.get(LIVENESS_S, TimeUnit.SECONDS));
        assertEquals(504, call.join(Duration.ofSeconds(LIVENESS_S)).statusCode());
      }
    }
  }

  @Test
  void closingTheServerCancelsRequestsInFlight() throws Exception {
    CompletableFuture<Throwable> handlerSaw = new CompletableFuture<>();
    CompletableFuture<Void> entered = new CompletableFuture<>();
    ContextHttpServer server = ContextHttpServer.start(Context.background(), Map.of("/", (ctx, ex) -> {
      entered.complete(null);
      ctx.awaitDone(Duration.ofSeconds(LIVENESS_S));
      handlerSaw.complete(ctx.err());
    }));
    client.sendAsync(HttpRequest.newBuilder(server.uri("/")).build(), HttpResponse.BodyHandlers.ofString());
    entered.get(LIVENESS_S, TimeUnit.SECONDS);
    server.close();
    assertInstanceOf(ContextCancelledException.class, handlerSaw.get(LIVENESS_S, TimeUnit.SECONDS));
  }

  @Test
  void clientSendsNothingWhenAlreadyDone() {
    CancellableContext ctx = Context.background().withCancel();
    ctx.cancel();
    ContextCancelledException e = org.junit.jupiter.api.Assertions.assertThrows(ContextCancelledException.class,
        () -> ContextHttpClient.of(client).send(ctx, HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:9/")).build(),
            HttpResponse.BodyHandlers.ofString()));
    assertEquals(ctx.err(), e);
    assertNull(null);
  }
}
