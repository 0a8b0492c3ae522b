package io.jcontext.http;

import io.jcontext.Context;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;

/**
 * Benchmark access to pieces of {@link ContextHttpClient} that are package-private, for the
 * decomposition shapes of {@code HttpHelperPairedMain}. It lives in the helper's package because
 * the benchmarks run on the class path; it is not part of the library.
 */
public final class HttpPieces {
  private HttpPieces() {}

  /** The request the helper sends: {@code request} with {@code headers} instead of its own. */
  public static HttpRequest view(HttpRequest request, HttpHeaders headers) {
    return new ContextRequest(request, headers);
  }

  /** What the helper hands the JDK client for {@code request} under {@code ctx}. */
  public static HttpRequest prepare(ContextHttpClient helper, Context ctx, HttpRequest request) {
    return helper.prepare(ctx, request);
  }
}
