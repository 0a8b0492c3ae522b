package io.jcontext.samples.http;

import io.jcontext.Context;
import io.jcontext.ContextException;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Sends JDK {@link HttpClient} requests under a context: the request carries the context's
 * remaining budget in {@link ContextHttpServer#TIMEOUT_HEADER}, and when the context ends first
 * the exchange is aborted (its connection closed) and the context's error is thrown.
 */
public final class ContextHttpClient {

  private ContextHttpClient() {}

  /**
   * Sends {@code request} (a builder, so the budget header can be added) and returns the
   * response.
   *
   * @throws ContextException {@code ctx.err()} if ctx is done before the response arrives (also
   *     without sending anything when it is done already)
   * @throws IOException if the exchange fails
   */
  public static <T> HttpResponse<T> send(Context ctx, HttpClient client, HttpRequest.Builder request,
      HttpResponse.BodyHandler<T> body) throws IOException, InterruptedException {
    ctx.throwIfDone();
    Duration remaining = ctx.remaining();
    if (remaining != null) {
      long millis = remaining.toMillis(); // rounded down: never promise the server more than we have
      request.setHeader(ContextHttpServer.TIMEOUT_HEADER, Long.toString(Math.max(millis, 0)));
    }
    CompletableFuture<HttpResponse<T>> exchange = client.sendAsync(request.build(), body);
    try {
      return Context.await(ctx, exchange);
    } catch (ContextException e) {
      exchange.cancel(true); // JDK 16+: aborts the exchange and closes its connection
      throw e;
    } catch (ExecutionException e) {
      throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
    }
  }
}
