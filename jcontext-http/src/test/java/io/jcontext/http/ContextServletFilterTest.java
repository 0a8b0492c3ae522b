package io.jcontext.http;

import io.jcontext.BudgetPolicy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcontext.CancellableContext;
import io.jcontext.Context;
import io.jcontext.ContextCancelledException;
import io.jcontext.DeadlineExceededException;
import io.jcontext.Key;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.EnumSet;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The servlet filter on a real Jetty 12 container on loopback. */
class ContextServletFilterTest {
  static final Key<String> REQUEST_ID = Key.of("requestId", String.class);
  static final HeaderValue<String> REQUEST_ID_HEADER = HeaderValue.ofString(REQUEST_ID, "X-Request-Id");
  static final Duration LIVENESS = Duration.ofSeconds(10);

  /** Jetty 12's signal that a request's client went away. */
  static final DisconnectSignal JETTY = (request, gone) -> {
    ServletContextRequest.getServletContextRequest(request).addFailureListener(gone);
    return () -> false;
  };

  final CountingContext root = new CountingContext();
  final BlockingQueue<Context> seen = new ArrayBlockingQueue<>(100);
  Server server;
  HttpClient client = HttpClient.newHttpClient();
  URI base;

  void start(ContextServletFilter filter, HttpServlet servlet) throws Exception {
    server = new Server();
    HttpConfiguration config = new HttpConfiguration();
    ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(config),
        new HTTP2CServerConnectionFactory(config));
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    ServletContextHandler handler = new ServletContextHandler();
    handler.addFilter(new FilterHolder(filter), "/*", EnumSet.of(DispatcherType.REQUEST));
    ServletHolder holder = new ServletHolder(servlet);
    holder.setAsyncSupported(true);
    handler.addServlet(holder, "/*");
    server.setHandler(handler);
    server.start();
    base = URI.create("http://127.0.0.1:" + connector.getLocalPort() + "/");
  }

  @AfterEach
  void stop() throws Exception {
    if (server != null) {
      server.stop();
    }
    long until = System.nanoTime() + LIVENESS.toNanos();
    while (root.registrations() != 0 && System.nanoTime() < until) {
      Thread.onSpinWait();
    }
    assertEquals(0, root.registrations(), "registrations left on the root");
  }

  /** A servlet that answers with what {@code body} makes of the request's context. */
  static HttpServlet servlet(BlockingQueue<Context> seen, java.util.function.Function<Context, String> body) {
    return new HttpServlet() {
      @Override
      protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        Context ctx = ContextServletFilter.context(req);
        seen.add(ctx);
        resp.getWriter().print(body.apply(ctx));
      }
    };
  }

  String get(String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(base);
    if (headers.length > 0) {
      b.headers(headers);
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString()).body();
  }

  @Test
  void budgetAndValuesComeFromTheHeaders() throws Exception {
    start(ContextServletFilter.create(root).withValues(REQUEST_ID_HEADER),
        servlet(seen, ctx -> ctx.remaining() == null ? "none/" + ctx.value(REQUEST_ID) : ctx.remaining().toMillis() + "/" + ctx.value(REQUEST_ID)));
    String answer = get(BudgetHeader.NAME, "5000", "X-Request-Id", "r-1");
    long ms = Long.parseLong(answer.split("/")[0]);
    assertTrue(ms <= 5000 && ms > 0, answer);
    assertEquals("r-1", answer.split("/")[1]);
    assertEquals("none/null", get());
  }

  @Test
  void badBudgetHeadersFallBackToTheDefault() throws Exception {
    start(ContextServletFilter.create(root).withPolicy(BudgetPolicy.trust().withDefault(Duration.ofSeconds(30))),
        servlet(seen, ctx -> String.valueOf(ctx.remaining().toMillis())));
    for (String bad : new String[] {"-5", "abc", "1.5", "+7", "", "0x10", " "}) {
      long ms = Long.parseLong(get(BudgetHeader.NAME, bad.isBlank() ? "x" : bad));
      assertTrue(ms > 25_000 && ms <= 30_000, bad + " gave " + ms);
    }
    long clamped = Long.parseLong(get(BudgetHeader.NAME, "999999999999999999999999999"));
    assertTrue(clamped <= BudgetHeader.MAX.toMillis() && clamped > BudgetHeader.MAX.toMillis() - 60_000);
  }

  @Test
  void clampAndIgnorePolicies() throws Exception {
    start(ContextServletFilter.create(root).withPolicy(BudgetPolicy.clampTo(Duration.ofSeconds(2))),
        servlet(seen, ctx -> String.valueOf(ctx.remaining().toMillis())));
    assertTrue(Long.parseLong(get(BudgetHeader.NAME, "60000")) <= 2000);
    assertTrue(Long.parseLong(get()) <= 2000);
    server.stop();
    start(ContextServletFilter.create(root).withPolicy(BudgetPolicy.ignore()),
        servlet(seen, ctx -> String.valueOf(ctx.remaining())));
    assertEquals("null", get(BudgetHeader.NAME, "100"));
  }

  @Test
  void contextEndsWithTheRequest() throws Exception {
    start(ContextServletFilter.create(root), servlet(seen, ctx -> "ok"));
    for (int i = 0; i < 10; i++) {
      assertEquals("ok", get());
      Context ctx = seen.poll(10, TimeUnit.SECONDS);
      assertTrue(ctx.awaitDone(LIVENESS));
      assertInstanceOf(ContextCancelledException.class, ctx.err());
    }
  }

  @Test
  void zeroBudgetStartsPastItsDeadline() throws Exception {
    start(ContextServletFilter.create(root), servlet(seen, ctx -> ctx.err() == null ? "live" : ctx.err().getClass().getSimpleName()));
    assertEquals(DeadlineExceededException.class.getSimpleName(), get(BudgetHeader.NAME, "0"));
  }

  @Test
  void asyncRequestsEndWhenTheyComplete() throws Exception {
    CompletableFuture<AsyncContext> started = new CompletableFuture<>();
    start(ContextServletFilter.create(root), new HttpServlet() {
      @Override
      protected void doGet(HttpServletRequest req, HttpServletResponse resp) {
        seen.add(ContextServletFilter.context(req));
        started.complete(req.startAsync());
      }
    });
    CompletableFuture<HttpResponse<String>> response =
        client.sendAsync(HttpRequest.newBuilder(base).build(), HttpResponse.BodyHandlers.ofString());
    AsyncContext async = started.get(10, TimeUnit.SECONDS);
    Context ctx = seen.poll(10, TimeUnit.SECONDS);
    assertTrue(!ctx.isDone(), "live while the async request is");
    async.getResponse().getWriter().print("late");
    async.complete();
    assertEquals("late", response.get(10, TimeUnit.SECONDS).body());
    assertTrue(ctx.awaitDone(LIVENESS));
  }

  @Test
  void clientDisconnectCancelsWithACauseSayingSo() throws Exception {
    start(ContextServletFilter.create(root).withValues(REQUEST_ID_HEADER).withDisconnectSignal(JETTY), servlet(seen, ctx -> {
      if (ctx.value(REQUEST_ID) == null) {
        return "warm";
      }
      try {
        assertTrue(ctx.awaitDone(LIVENESS), "not cancelled");
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
      return "gone";
    }));
    // Over HTTP/1.1 Jetty does not read while a request is handled, so it cannot notice the
    // client closing; over HTTP/2 the client resets the stream and Jetty reports it.
    HttpClient h2 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
    HttpResponse<String> warm = h2.send(HttpRequest.newBuilder(base).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(HttpClient.Version.HTTP_2, warm.version()); // the h2c upgrade is done: streams from now on
    seen.take();
    CancellableContext clientCtx = Context.background().withCancel();
    CompletableFuture<HttpResponse<String>> response = ContextHttpClient.of(h2)
        .sendAsync(clientCtx, HttpRequest.newBuilder(base).header("X-Request-Id", "r").build(), HttpResponse.BodyHandlers.ofString());
    Context ctx = seen.poll(10, TimeUnit.SECONDS);
    assertNotNull(ctx);
    clientCtx.cancel();
    assertTrue(ctx.awaitDone(LIVENESS));
    assertInstanceOf(ClientDisconnectedException.class, ctx.cause());
    // the future fails with the caller's err (read with handle: get() wraps a
    // CancellationException in a new one on recent JDKs)
    assertSame(clientCtx.err(), response.handle((r, failure) -> failure).get(10, TimeUnit.SECONDS));
  }

  @Test
  void nothingInTheRequestOrAFailingSignalMakesTheFilterThrow() throws Exception {
    HeaderValue<Integer> tenant = HeaderValue.of(Key.of("tenant", Integer.class), "X-Tenant",
        String::valueOf, text -> { throw new IllegalStateException("decoder bug"); });
    DisconnectSignal broken = (request, gone) -> { throw new IllegalStateException("signal bug"); };
    start(ContextServletFilter.create(root).withValues(tenant, REQUEST_ID_HEADER).withDisconnectSignal(broken),
        servlet(seen, ctx -> ctx.value(REQUEST_ID) + "/" + (ctx.remaining() == null ? "none" : "budget")));
    HttpResponse<String> r = client.send(HttpRequest.newBuilder(base)
        .header("X-Tenant", "x").header("X-Request-Id", "r-5").header(BudgetHeader.NAME, "-1").build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode());
    assertEquals("r-5/none", r.body());
    String huge = "x".repeat(HeaderValue.MAX_LENGTH + 1);
    assertEquals("null/none", get("X-Request-Id", huge));
  }
}
