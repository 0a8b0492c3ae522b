package io.jcontext.bench.http;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpPrincipal;
import io.jcontext.CancellableContext;
import io.jcontext.Context;
import io.jcontext.http.ContextHttpClient;
import io.jcontext.http.ContextHttpFilter;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Authenticator;
import java.net.CookieHandler;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
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
 * The HTTP helper's own work per request, each side without the network, so that its cost can
 * be told from the loopback GET's noise (hundreds of µs on a loaded machine; the helper's target is
 * 2 µs):
 * <ul>
 *   <li>{@code client_plain} / {@code client_jcontext}: {@code HttpClient.send} of an HTTP/1.1
 *       client that answers at once, called directly or through {@code ContextHttpClient.send}
 *       with the context of {@link HttpHelperBenchmark} (a deadline and a request id): the sent
 *       request with the budget and id headers, the abort registration and its removal.</li>
 *   <li>{@code server_plain} / {@code server_jcontext}: a handler given an exchange that carries
 *       those two headers, called through a filter chain without or with
 *       {@code ContextHttpFilter} (the request's context with its deadline timer and value).</li>
 * </ul>
 * What this leaves out is the JDK's writing and parsing of the two headers on the wire, which the
 * loopback GET includes.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class HttpHelperCpuBenchmark {
  private HttpClient client;
  private ContextHttpClient helper;
  private HttpRequest request;
  private CancellableContext deadline;
  private Context ctx;
  private Filter filter;
  private HttpHandler handler;
  private HttpExchange exchange;

  @Setup(Level.Trial)
  public void setUp() {
    request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:8080/jc")).build();
    client = new AnsweringClient();
    helper = ContextHttpClient.of(client).withValues(HttpHelperBenchmark.ID);
    deadline = Context.background().withTimeout(Duration.ofHours(1));
    ctx = deadline.withValue(HttpHelperBenchmark.REQUEST_ID, "r-1");
    filter = ContextHttpFilter.create(Context.background()).withValues(HttpHelperBenchmark.ID);
    Headers headers = new Headers();
    headers.add("Request-Budget-Ms", "3599999");
    headers.add("X-Request-Id", "r-1");
    exchange = new StubExchange(headers);
    handler = e -> {
      Context c = ContextHttpFilter.context(e);
      if (c != null) {
        c.throwIfDone();
      }
      e.sendResponseHeaders(200, 2);
    };
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    deadline.cancel();
  }

  @Benchmark
  public int client_plain() throws IOException, InterruptedException {
    return client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  @Benchmark
  public int client_jcontext() throws IOException, InterruptedException {
    return helper.send(ctx, request, HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  @Benchmark
  public int server_plain() throws IOException {
    new Filter.Chain(List.of(), handler).doFilter(exchange);
    return exchange.getResponseCode();
  }

  @Benchmark
  public int server_jcontext() throws IOException {
    new Filter.Chain(List.of(filter), handler).doFilter(exchange);
    return exchange.getResponseCode();
  }

  /** An HTTP/1.1 client whose {@code send} answers 200 at once, reading the request's headers. */
  static final class AnsweringClient extends HttpClient {
    @Override
    public <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
      return new Answer<>(request, request.headers().map().size());
    }

    @Override
    public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
      return CompletableFuture.completedFuture(send(request, handler));
    }

    @Override
    public <T> CompletableFuture<HttpResponse<T>> sendAsync(HttpRequest request, HttpResponse.BodyHandler<T> handler,
        HttpResponse.PushPromiseHandler<T> push) {
      return sendAsync(request, handler);
    }

    @Override
    public Version version() {
      return Version.HTTP_1_1;
    }

    @Override
    public Optional<CookieHandler> cookieHandler() {
      return Optional.empty();
    }

    @Override
    public Optional<Duration> connectTimeout() {
      return Optional.empty();
    }

    @Override
    public Redirect followRedirects() {
      return Redirect.NEVER;
    }

    @Override
    public Optional<ProxySelector> proxy() {
      return Optional.empty();
    }

    @Override
    public SSLContext sslContext() {
      return null;
    }

    @Override
    public SSLParameters sslParameters() {
      return null;
    }

    @Override
    public Optional<Authenticator> authenticator() {
      return Optional.empty();
    }

    @Override
    public Optional<Executor> executor() {
      return Optional.empty();
    }
  }

  static final class Answer<T> implements HttpResponse<T> {
    private final HttpRequest request;
    private final int status;

    Answer(HttpRequest request, int headerCount) {
      this.request = request;
      this.status = 200 + (headerCount & 0); // reads the headers as a client would
    }

    @Override
    public int statusCode() {
      return status;
    }

    @Override
    public HttpRequest request() {
      return request;
    }

    @Override
    public Optional<HttpResponse<T>> previousResponse() {
      return Optional.empty();
    }

    @Override
    public HttpHeaders headers() {
      return HttpHeaders.of(Map.of(), (a, b) -> true);
    }

    @Override
    public T body() {
      return null;
    }

    @Override
    public Optional<SSLSession> sslSession() {
      return Optional.empty();
    }

    @Override
    public URI uri() {
      return request.uri();
    }

    @Override
    public HttpClient.Version version() {
      return HttpClient.Version.HTTP_1_1;
    }
  }

  /** An exchange with fixed request headers that records the response code. */
  static final class StubExchange extends HttpExchange {
    private final Headers requestHeaders;
    private final Headers responseHeaders = new Headers();
    private int code = -1;

    StubExchange(Headers requestHeaders) {
      this.requestHeaders = requestHeaders;
    }

    @Override
    public Headers getRequestHeaders() {
      return requestHeaders;
    }

    @Override
    public Headers getResponseHeaders() {
      return responseHeaders;
    }

    @Override
    public URI getRequestURI() {
      return URI.create("/jc");
    }

    @Override
    public String getRequestMethod() {
      return "GET";
    }

    @Override
    public HttpContext getHttpContext() {
      return null;
    }

    @Override
    public void close() {}

    @Override
    public InputStream getRequestBody() {
      return new ByteArrayInputStream(new byte[0]);
    }

    @Override
    public OutputStream getResponseBody() {
      return new ByteArrayOutputStream();
    }

    @Override
    public void sendResponseHeaders(int rCode, long responseLength) {
      code = rCode;
    }

    @Override
    public InetSocketAddress getRemoteAddress() {
      return null;
    }

    @Override
    public int getResponseCode() {
      return code;
    }

    @Override
    public InetSocketAddress getLocalAddress() {
      return null;
    }

    @Override
    public String getProtocol() {
      return "HTTP/1.1";
    }

    @Override
    public Object getAttribute(String name) {
      return null;
    }

    @Override
    public void setAttribute(String name, Object value) {}

    @Override
    public void setStreams(InputStream i, OutputStream o) {}

    @Override
    public HttpPrincipal getPrincipal() {
      return null;
    }
  }
}
