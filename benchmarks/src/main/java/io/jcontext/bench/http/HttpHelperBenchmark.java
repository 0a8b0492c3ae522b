package io.jcontext.bench.http;

import com.sun.net.httpserver.HttpServer;
import io.jcontext.CancellableContext;
import io.jcontext.Context;
import io.jcontext.Key;
import io.jcontext.http.ContextHttpClient;
import io.jcontext.http.ContextHttpFilter;
import io.jcontext.http.HeaderValue;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A GET to a JDK {@code HttpServer} on loopback (HTTP/1.1, keep-alive, one server thread),
 * without and with jcontext's HTTP helper: {@code plain} is {@code HttpClient.send};
 * {@code jcontext} is {@code ContextHttpClient.send} with a context that has a deadline and a
 * request id (budget and id headers, abort registration) to a server whose
 * {@link ContextHttpFilter} makes the request's context. The difference of the two is the
 * helper's cost, both sides. {@code plain_sameHeaders} is {@code plain} with the two headers the
 * helper sends written into the request: its difference to {@code plain} is what the JDK's client
 * and server spend on two more headers, and {@code jcontext} less it the helper's own work (which
 * {@link HttpHelperCpuBenchmark} measures without the network's noise).
 *
 * <p>Both routes run on the same server, executor and keep-alive connection, each GET through
 * the same client; only {@code /jc} has the filter, whose work is part of the helper's cost.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
// Without TCP_NODELAY the JDK server's separate header and body writes meet the client's delayed
// ACK: every request would then take ~40 ms of Nagle, whatever the code does.
@Fork(value = 1, jvmArgsAppend = "-Dsun.net.httpserver.nodelay=true")
public class HttpHelperBenchmark {
  static final Key<String> REQUEST_ID = Key.of("requestId", String.class);
  static final HeaderValue<String> ID = HeaderValue.ofString(REQUEST_ID, "X-Request-Id");
  static final byte[] OK = "ok".getBytes();

  private HttpServer server;
  private ExecutorService executor;
  private HttpClient client;
  private ContextHttpClient helper;
  private HttpRequest plainRequest;
  private HttpRequest jcRequest;
  private HttpRequest plainWithHeadersRequest;
  private CancellableContext deadline;
  private Context ctx;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    executor = Executors.newSingleThreadExecutor();
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(executor);
    server.createContext("/plain", exchange -> {
      exchange.sendResponseHeaders(200, OK.length);
      exchange.getResponseBody().write(OK);
      exchange.close();
    });
    server.createContext("/jc", exchange -> {
      ContextHttpFilter.context(exchange).throwIfDone();
      exchange.sendResponseHeaders(200, OK.length);
      exchange.getResponseBody().write(OK);
      exchange.close();
    }).getFilters().add(ContextHttpFilter.create(Context.background()).withValues(ID));
    server.start();
    String base = "http://127.0.0.1:" + server.getAddress().getPort();
    client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    helper = ContextHttpClient.of(client).withValues(ID);
    plainRequest = HttpRequest.newBuilder(URI.create(base + "/plain")).build();
    jcRequest = HttpRequest.newBuilder(URI.create(base + "/jc")).build();
    plainWithHeadersRequest = HttpRequest.newBuilder(URI.create(base + "/plain"))
        .header("Request-Budget-Ms", "3599999").header(ID.name(), "r-1").build();
    deadline = Context.background().withTimeout(Duration.ofHours(1));
    ctx = deadline.withValue(REQUEST_ID, "r-1");
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    deadline.cancel();
    server.stop(0);
    executor.shutdownNow();
  }

  @Benchmark
  public int get_plain() throws IOException, InterruptedException {
    return client.send(plainRequest, HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  @Benchmark
  public int get_plain_sameHeaders() throws IOException, InterruptedException {
    return client.send(plainWithHeadersRequest, HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  @Benchmark
  public int get_jcontext() throws IOException, InterruptedException {
    return helper.send(ctx, jcRequest, HttpResponse.BodyHandlers.discarding()).statusCode();
  }
}
