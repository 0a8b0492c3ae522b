package io.jcontext.samples.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.jcontext.CancellableContext;
import io.jcontext.Context;
import io.jcontext.ContextException;
import io.jcontext.http.ContextHttpFilter;
import io.jcontext.http.HeaderValue;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A JDK {@link HttpServer} on the loopback interface and an ephemeral port whose handlers get
 * the request's context ({@link CtxHandler}), made by jcontext-http's {@link ContextHttpFilter}:
 * a child of the server's context (cancelled by {@link #close()}), bounded by the caller's
 * budget from the {@code Request-Budget-Ms} header, carrying the declared header values. A
 * handler that throws its context's err is answered 504 (deadline) or 503 (cancelled).
 *
 * <p>Cancellation from the client side: the JDK server gives a handler no signal when a client
 * closes the connection; a handler learns of it only when a write fails. The budget is what
 * bounds the server's work for a client that went away.
 */
public final class ContextHttpServer implements AutoCloseable {
  private final HttpServer server;
  private final ExecutorService executor;
  private final CancellableContext serverCtx;

  private ContextHttpServer(Context parent, Map<String, CtxHandler> routes, HeaderValue<?>... values)
      throws IOException {
    serverCtx = parent.withCancel();
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    AtomicInteger n = new AtomicInteger();
    executor = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "http-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(executor);
    ContextHttpFilter filter = ContextHttpFilter.create(serverCtx).withValues(values);
    routes.forEach((path, handler) -> server.createContext(path, ex -> serve(handler, ex)).getFilters().add(filter));
    server.start();
  }

  /** Starts a server whose request contexts descend from {@code parent} and carry {@code values}. */
  public static ContextHttpServer start(Context parent, Map<String, CtxHandler> routes, HeaderValue<?>... values)
      throws IOException {
    return new ContextHttpServer(parent, routes, values);
  }

  /** Returns {@code http://127.0.0.1:port} + {@code path}. */
  public URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
  }

  private static void serve(CtxHandler handler, HttpExchange ex) throws IOException {
    try (ex) {
      try {
        handler.handle(ContextHttpFilter.context(ex), ex);
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
