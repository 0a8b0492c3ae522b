package io.jcontext.samples.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.jcontext.CancellableContext;
import io.jcontext.Context;
import io.jcontext.ContextException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A JDK {@link HttpServer} on the loopback interface and an ephemeral port whose handlers get a
 * context per request ({@link CtxHandler}).
 *
 * <p><b>Request contexts.</b> Each request's context is a child of the server's context (cancelled
 * by {@link #close()}), so shutting the server down cancels every request in flight. If the
 * request carries the header {@value #TIMEOUT_HEADER}, its value, the caller's remaining budget in
 * whole milliseconds, becomes the request context's timeout: the deadline crosses the hop as a
 * budget, not as a wall-clock instant, so clock skew between hosts does not matter (gRPC's
 * {@code grpc-timeout} does the same). A budget of zero or less means the caller has already given
 * up: the request is answered 504 without calling the handler. A malformed header is answered 400.
 *
 * <p>Cancellation from the client side: the JDK server gives a handler no signal when a client
 * closes the connection; a handler learns of it only when a write fails. The budget header is
 * what bounds the server's work for a client that went away.
 */
public final class ContextHttpServer implements AutoCloseable {

  /** The documented header carrying the caller's remaining budget in milliseconds. */
  public static final String TIMEOUT_HEADER = "X-Request-Timeout-Ms";

  private final HttpServer server;
  private final ExecutorService executor;
  private final CancellableContext serverCtx;

  private ContextHttpServer(Context parent, Map<String, CtxHandler> routes) throws IOException {
    serverCtx = parent.withCancel();
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    AtomicInteger n = new AtomicInteger();
    executor = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "http-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(executor);
    routes.forEach((path, handler) -> server.createContext(path, ex -> serve(handler, ex)));
    server.start();
  }

  /** Starts a server whose request contexts descend from {@code parent}. */
  public static ContextHttpServer start(Context parent, Map<String, CtxHandler> routes) throws IOException {
    return new ContextHttpServer(parent, routes);
  }

  /** Returns {@code http://127.0.0.1:port} + {@code path}. */
  public URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
  }

  private void serve(CtxHandler handler, HttpExchange ex) throws IOException {
    try (ex) {
      CancellableContext requestCtx;
      String budget = ex.getRequestHeaders().getFirst(TIMEOUT_HEADER);
      if (budget == null) {
        requestCtx = serverCtx.withCancel();
      } else {
        long millis;
        try {
          millis = Long.parseLong(budget.trim());
        } catch (NumberFormatException e) {
          respond(ex, 400, "malformed " + TIMEOUT_HEADER + ": " + budget);
          return;
        }
        if (millis <= 0) {
          respond(ex, 504, "budget already spent");
          return;
        }
        requestCtx = serverCtx.withTimeout(Duration.ofMillis(millis));
      }
      try (requestCtx) {
        handler.handle(requestCtx, ex);
      } catch (ContextException e) {
        respond(ex, e.isTimeout() ? 504 : 503, e.getMessage());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        respond(ex, 503, "interrupted");
      }
    }
  }

  /** Sends a text response with {@code status}; does nothing if a response was already started. */
  public static void respond(HttpExchange ex, int status, String text) throws IOException {
    if (ex.getResponseCode() != -1) {
      return; // headers already sent
    }
    byte[] body = text.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      try (OutputStream out = ex.getResponseBody()) {
        out.write(body);
      }
    }
  }

  /** Cancels every request in flight, stops the server and its threads. */
  @Override
  public void close() {
    serverCtx.cancel();
    server.stop(0);
    executor.shutdownNow();
  }
}
