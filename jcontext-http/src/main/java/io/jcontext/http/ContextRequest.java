package io.jcontext.http;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Optional;

/**
 * The request {@link ContextHttpClient} sends: the caller's request with other headers, and
 * everything else read from the caller's request.
 *
 * <p>Why not {@code HttpRequest.newBuilder(request, filter)}: the JDK's builder copies and
 * validates every header into a map and the built request copies that map again, before the
 * client copies and validates the headers once more for the exchange; between two requests
 * that work runs on cold caches and cost 2–3 µs of a loopback GET's latency (measured by
 * {@code HttpHelperPairedMain}). This view costs the new header set once (a map of the names,
 * case-insensitive only where two names could meet, which {@code HttpHeaders.of} copies into its
 * own sorted one); the client validates its headers (names, values, restricted names) as it
 * does those of any request.
 *
 * <p>Immutable and thread-safe if the wrapped request is (the JDK's are).
 */
final class ContextRequest extends HttpRequest {
  private final HttpRequest request;
  private final HttpHeaders headers;

  ContextRequest(HttpRequest request, HttpHeaders headers) {
    this.request = request;
    this.headers = headers;
  }

  @Override
  public Optional<BodyPublisher> bodyPublisher() {
    return request.bodyPublisher();
  }

  @Override
  public String method() {
    return request.method();
  }

  @Override
  public Optional<Duration> timeout() {
    return request.timeout();
  }

  @Override
  public boolean expectContinue() {
    return request.expectContinue();
  }

  @Override
  public URI uri() {
    return request.uri();
  }

  @Override
  public Optional<HttpClient.Version> version() {
    return request.version();
  }

  @Override
  public HttpHeaders headers() {
    return headers;
  }

  @Override
  public String toString() {
    return request.toString();
  }
}
