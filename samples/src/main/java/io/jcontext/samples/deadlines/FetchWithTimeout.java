package io.jcontext.samples.deadlines;

import com.sun.net.httpserver.HttpServer;
import io.jcontext.CancellableContext;
import io.jcontext.Context;
import io.jcontext.ContextException;
import io.jcontext.http.ContextHttpClient;
import io.jcontext.samples.Describe;
import io.jcontext.samples.Sample;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Seed 004, task 2: an HTTP GET with a hard ceiling. On timeout the caller gets the context's
 * {@link io.jcontext.DeadlineExceededException} (so it can branch on {@code isTimeout()}), and the
 * request is really aborted: the JDK client closes the connection, which the slow server sees.
 *
 * <p>The JDK {@link HttpClient} has no context parameter; jcontext-http's {@link ContextHttpClient}
 * is the bridge: whichever of the response and the context ends first wins, and when the context
 * wins the exchange is aborted and its connection closed (it also sends the remaining budget in
 * {@code Request-Budget-Ms}, which this plain server ignores).
 */
public final class FetchWithTimeout implements Sample {

  /**
   * GETs {@code uri} with at most {@code timeout} on {@code parent}'s clock (and never past
   * {@code parent}'s own deadline or cancellation) and returns the body.
   *
   * @throws ContextException the context's err, a {@code DeadlineExceededException} on timeout
   * @throws IOException if the exchange fails for another reason
   */
  public static byte[] fetch(Context parent, HttpClient client, URI uri, Duration timeout)
      throws IOException, InterruptedException {
    try (CancellableContext ctx = parent.withTimeout(timeout)) {   // close() releases the timer
      HttpRequest request = HttpRequest.newBuilder(uri).GET().build();
      return ContextHttpClient.of(client).send(ctx, request, HttpResponse.BodyHandlers.ofByteArray()).body();
    }
  }

  /**
   * A loopback HTTP server with {@code /fast} (answers at once) and {@code /slow} (sends headers
   * then trickles a byte every few milliseconds until the client goes away, and records that).
   */
  public static final class SlowServer implements AutoCloseable {
    private final HttpServer server;
    private final CountDownLatch slowRequestArrived = new CountDownLatch(1);
    private final CompletableFuture<String> clientGone = new CompletableFuture<>();

    /** Starts the server on 127.0.0.1 and an ephemeral port. */
    public SlowServer() throws IOException {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      server.setExecutor(Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "slow-server");
        t.setDaemon(true);
        return t;
      }));
      server.createContext("/fast", ex -> {
        byte[] body = "hello".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        ex.sendResponseHeaders(200, body.length);
        try (OutputStream out = ex.getResponseBody()) {
          out.write(body);
        }
      });
      server.createContext("/slow", ex -> {
        slowRequestArrived.countDown();
        ex.sendResponseHeaders(200, 0); // chunked: the body never ends on its own
        OutputStream out = ex.getResponseBody();
        long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        try {
          while (System.nanoTime() < giveUp) {
            out.write('.');
            out.flush();
            Thread.sleep(5); // the server's own pace, not a test wait
          }
          clientGone.complete("client still connected after 30 s");
        } catch (IOException e) {
          clientGone.complete("connection closed by client (" + e.getClass().getSimpleName() + ")");
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        } finally {
          ex.close();
        }
      });
      server.start();
    }

    /** Returns the base URI, {@code http://127.0.0.1:port}. */
    public URI uri(String path) {
      return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    /** Waits (real time, bounded) until a request reached {@code /slow}. */
    public boolean awaitSlowRequest(Duration timeout) throws InterruptedException {
      return slowRequestArrived.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Completes with how the {@code /slow} exchange ended from the server's side. */
    public CompletableFuture<String> clientGone() {
      return clientGone;
    }

    @Override
    public void close() {
      server.stop(0);
      ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
  }

  @Override
  public String id() {
    return "004-02";
  }

  @Override
  public String title() {
    return "HTTP GET with timeout vs slow server";
  }

  @Override
  public String run() throws Exception {
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    try (SlowServer server = new SlowServer()) {
      byte[] fast = fetch(Context.background(), client, server.uri("/fast"), Duration.ofSeconds(5));
      long t0 = System.nanoTime();
      try {
        fetch(Context.background(), client, server.uri("/slow"), Duration.ofMillis(100));
        throw new IllegalStateException("the slow fetch returned");
      } catch (ContextException e) {
        if (!e.isTimeout()) {
          throw new IllegalStateException("expected a deadline", e);
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        String serverSide = server.clientGone().get(10, TimeUnit.SECONDS);
        return "/fast -> " + fast.length + " bytes; /slow with 100 ms -> " + Describe.error(e)
            + " after " + ms + " ms; server: " + serverSide;
      }
    }
  }
}
