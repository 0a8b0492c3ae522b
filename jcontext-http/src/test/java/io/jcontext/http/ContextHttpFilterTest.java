package io.jcontext.http;

import io.jcontext.BudgetPolicy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.jcontext.CancellableContext;
import io.jcontext.Context;
import io.jcontext.ContextCancelledException;
import io.jcontext.Key;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The JDK HttpServer filter and the HttpClient helper, against each other on loopback. */
class ContextHttpFilterTest {
  static final Key<String> REQUEST_ID = Key.of("requestId", String.class);
  static final HeaderValue<String> REQUEST_ID_HEADER = HeaderValue.ofString(REQUEST_ID, "X-Request-Id");
  static final Duration LIVENESS = Duration.ofSeconds(10);

  final CountingContext root = new CountingContext();
  final BlockingQueue<Context> seen = new ArrayBlockingQueue<>(100);
  final ExecutorService executor = Executors.newCachedThreadPool();
  final CountDownLatch release = new CountDownLatch(1);
  HttpServer server;
  URI base;
  final ContextHttpClient client = ContextHttpClient.of(HttpClient.newHttpClient()).withValues(REQUEST_ID_HEADER);

  void start(ContextHttpFilter filter, Function<Context, String> body) throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(executor);
    server.createContext("/", (HttpExchange exchange) -> {
      Context ctx = ContextHttpFilter.context(exchange);
      seen.add(ctx);
      byte[] answer = body.apply(ctx).getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, answer.length);
      exchange.getResponseBody().write(answer);
      exchange.close();
    }).getFilters().add(filter);
    server.start();
    base = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
  }

  @AfterEach
  void stop() {
    release.countDown();
    if (server != null) {
      server.stop(0);
    }
    executor.shutdownNow();
    long until = System.nanoTime() + LIVENESS.toNanos();
    while (root.registrations() != 0 && System.nanoTime() < until) {
      Thread.onSpinWait();
    }
    assertEquals(0, root.registrations(), "registrations left on the root");
  }

  String send(Context ctx) throws Exception {
    return client.send(ctx, HttpRequest.newBuilder(base).build(), HttpResponse.BodyHandlers.ofString()).body();
  }

  @Test
  void budgetLessReserveAndValuesReachTheHandler() throws Exception {
    start(ContextHttpFilter.create(root).withValues(REQUEST_ID_HEADER),
        ctx -> ctx.remaining().toMillis() + "/" + ctx.value(REQUEST_ID));
    try (CancellableContext ctx = Context.background().withTimeout(Duration.ofSeconds(30))) {
      String[] answer = client.withReserve(Duration.ofSeconds(5))
          .send(ctx.withValue(REQUEST_ID, "r-9"), HttpRequest.newBuilder(base).build(), HttpResponse.BodyHandlers.ofString())
          .body().split("/");
      long ms = Long.parseLong(answer[0]);
      assertTrue(ms <= 25_000 && ms > 15_000, "budget " + ms);
      assertEquals("r-9", answer[1]);
    }
  }

  /**
   * Eight exchanges inside their handlers at once each read their own context. On JDK 17 the
   * exchange attributes are shared by every exchange of the HttpContext, so a filter that kept
   * the context there handed one request another's.
   */
  @Test
  void concurrentExchangesEachSeeTheirOwnContext() throws Exception {
    java.util.concurrent.CyclicBarrier together = new java.util.concurrent.CyclicBarrier(8);
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(executor);
    server.createContext("/", (HttpExchange exchange) -> {
      try {
        together.await(LIVENESS.toMillis(), TimeUnit.MILLISECONDS); // all eight are in their handlers
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
      Context ctx = ContextHttpFilter.context(exchange); // read while the other seven are inside
      byte[] answer = String.valueOf(ctx == null ? null : ctx.value(REQUEST_ID)).getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, answer.length);
      exchange.getResponseBody().write(answer);
      exchange.close();
    }).getFilters().add(ContextHttpFilter.create(root).withValues(REQUEST_ID_HEADER));
    server.start();
    base = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
    java.util.List<java.util.concurrent.CompletableFuture<String>> answers = new java.util.ArrayList<>();
    for (int i = 0; i < 8; i++) {
      Context ctx = Context.background().withValue(REQUEST_ID, "r-" + i);
      answers.add(client.sendAsync(ctx, HttpRequest.newBuilder(base).build(), HttpResponse.BodyHandlers.ofString())
          .thenApply(HttpResponse::body).toCompletableFuture());
    }
    for (int i = 0; i < 8; i++) {
      assertEquals("r-" + i, answers.get(i).get(LIVENESS.toMillis(), TimeUnit.MILLISECONDS));
    }
  }

  @Test
  void noDeadlineNoHeaderAndAForgedHeaderIsReplaced() throws Exception {
    start(ContextHttpFilter.create(root), ctx -> String.valueOf(ctx.remaining()));
    assertEquals("null", send(Context.background()));
    try (CancellableContext ctx = Context.background().withTimeout(Duration.ofSeconds(3))) {
      HttpRequest forged = HttpRequest.newBuilder(base).header(BudgetHeader.NAME, "999999").build();
      String answer = client.send(ctx, forged, HttpResponse.BodyHandlers.ofString()).body();
      assertTrue(answer.startsWith("PT") && Duration.parse(answer).compareTo(Duration.ofSeconds(3)) <= 0, answer);
    }
  }

  @Test
  void contextEndsWhenTheExchangeDoes() throws Exception {
    start(ContextHttpFilter.create(root).withPolicy(BudgetPolicy.clampTo(Duration.ofSeconds(5))),
        ctx -> String.valueOf(ctx.remaining().toMillis()));
    assertTrue(Long.parseLong(send(Context.background())) <= 5000);
    Context served = seen.poll(10, TimeUnit.SECONDS);
    assertTrue(served.awaitDone(LIVENESS));
    assertInstanceOf(ContextCancelledException.class, served.err());
  }

  @Test
  void cancellingTheCallerAbortsTheExchangeWithItsErr() throws Exception {
    start(ContextHttpFilter.create(root), ctx -> {
      try {
        release.await(); // the JDK server cannot tell that the client left
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return "late";
    });
    CountingContext caller = new CountingContext();
    CompletableFuture<HttpResponse<String>> response =
        client.sendAsync(caller, HttpRequest.newBuilder(base).build(), HttpResponse.BodyHandlers.ofString());
    seen.poll(10, TimeUnit.SECONDS); // the request reached the handler
    assertEquals(1, caller.registrations());
    IllegalStateException why = new IllegalStateException("user gave up");
    caller.delegate.cancel(why);
    Throwable e = response.handle((r, failure) -> failure).get(10, TimeUnit.SECONDS);
    assertSame(caller.err(), e);
    assertSame(why, e.getCause());
    assertEquals(0, caller.registrations());
  }

  @Test
  void sendThrowsTheErrOfADoneContextWithoutSending() throws Exception {
    start(ContextHttpFilter.create(root), ctx -> "reached");
    CancellableContext ctx = Context.background().withCancel();
    ctx.cancel();
    assertSame(ctx.err(), assertThrows(ContextCancelledException.class, () -> send(ctx)));
    assertNull(seen.poll());
  }

  @Test
  void completedExchangesLeaveNoRegistrationOnTheCaller() throws Exception {
    start(ContextHttpFilter.create(root), ctx -> "ok");
    CountingContext caller = new CountingContext();
    for (int i = 0; i < 20; i++) {
      assertEquals("ok", send(caller));
    }
    assertEquals(20, caller.total.get());
    assertEquals(0, caller.registrations());
  }
}
