package io.jcontext.http;

import io.jcontext.Context;
import io.jcontext.ContextException;
import io.jcontext.Stop;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * A JDK {@link HttpClient} whose exchanges obey a jcontext {@link Context}.
 *
 * <p>For each request it
 * <ul>
 *   <li>sends the context's remaining budget less the {@linkplain #withReserve reserve} (time
 *       kept back for this side to handle the answer) in the {@value BudgetHeader#NAME} header,
 *       replacing one the request may carry (none when the context has no deadline);</li>
 *   <li>sends the declared {@linkplain #withValues values} of the context as headers;</li>
 *   <li>aborts the exchange when the context is done, at any point: the caller gets
 *       {@code ctx.err()}, and the connection is closed (HTTP/1.1) or the stream reset (HTTP/2), so
 *       the server sees the client go away.</li>
 * </ul>
 * The registration on the context is removed when the exchange ends, however it ends.
 *
 * <p>Instances are immutable and thread-safe; {@code with*} methods return new instances.
 */
public final class ContextHttpClient {
  private final HttpClient client;
  private final Duration reserve;
  private final List<HeaderValue<?>> values;

  private ContextHttpClient(HttpClient client, Duration reserve, List<HeaderValue<?>> values) {
    this.client = client;
    this.reserve = reserve;
    this.values = values;
  }

  /** Returns a helper sending through {@code client}, with no reserve and no values. */
  public static ContextHttpClient of(HttpClient client) {
    return new ContextHttpClient(Objects.requireNonNull(client, "client"), Duration.ZERO, List.of());
  }

  /**
   * Returns this helper keeping {@code reserve} of the context's budget back from the request.
   *
   * @throws IllegalArgumentException if {@code reserve} is negative
   */
  public ContextHttpClient withReserve(Duration reserve) {
    Objects.requireNonNull(reserve, "reserve");
    if (reserve.isNegative()) {
      throw new IllegalArgumentException("reserve must not be negative: " + reserve);
    }
    return new ContextHttpClient(client, reserve, values);
  }

  /** Returns this helper also sending {@code values} (replacing the ones given before). */
  public ContextHttpClient withValues(HeaderValue<?>... values) {
    return new ContextHttpClient(client, reserve, List.of(values));
  }

  /** Returns the underlying client. */
  public HttpClient client() {
    return client;
  }

  /**
   * Sends {@code request} under {@code ctx} and waits for the response (its headers, and the body
   * as far as {@code handler} reads it before completing).
   *
   * @throws ContextException {@code ctx.err()} if {@code ctx} is or becomes done first (the
   *     exchange is aborted)
   * @throws IOException if the exchange fails
   * @throws InterruptedException if the thread is interrupted (the exchange is aborted)
   */
  public <T> HttpResponse<T> send(Context ctx, HttpRequest request, HttpResponse.BodyHandler<T> handler)
      throws IOException, InterruptedException {
    CompletableFuture<HttpResponse<T>> result = sendAsync(ctx, request, handler);
    try {
      return result.get();
    } catch (CancellationException e) {
      // A ContextException is a CancellationException: get() rethrows it as it is on JDK 17, and
      // wraps it in a new one on recent JDKs. Either way the caller gets ctx.err().
      ContextException err = ctx.err();
      if (err != null) {
        throw err;
      }
      throw e;
    } catch (InterruptedException e) {
      result.cancel(true);
      throw e;
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IOException) {
        throw (IOException) cause;
      }
      if (cause instanceof RuntimeException) {
        throw (RuntimeException) cause;
      }
      if (cause instanceof Error) {
        throw (Error) cause;
      }
      throw new IOException(cause);
    }
  }

  /**
   * Sends {@code request} under {@code ctx} without blocking. The future completes with the
   * response, or exceptionally with {@code ctx.err()} if {@code ctx} ends the exchange, or with
   * the exchange's failure. Cancelling the future aborts the exchange.
   */
  public <T> CompletableFuture<HttpResponse<T>> sendAsync(Context ctx, HttpRequest request,
      HttpResponse.BodyHandler<T> handler) {
    Objects.requireNonNull(ctx, "ctx");
    Objects.requireNonNull(handler, "handler");
    CompletableFuture<HttpResponse<T>> result = new CompletableFuture<>();
    ContextException early = ctx.err();
    if (early != null) {
      result.completeExceptionally(early);
      return result;
    }
    CompletableFuture<HttpResponse<T>> exchange = client.sendAsync(prepare(ctx, request), handler);
    Stop stop = ctx.onDone(() -> exchange.cancel(true)); // at once if ctx is done by now
    exchange.whenComplete((response, failure) -> {
      stop.stop();
      if (failure == null) {
        result.complete(response);
        return;
      }
      ContextException err = ctx.err();
      Throwable f = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
      result.completeExceptionally(err != null && (f instanceof CancellationException || f instanceof IOException) ? err : f);
    });
    result.whenComplete((response, failure) -> {
      if (result.isCancelled()) {
        exchange.cancel(true);
      }
    });
    return result;
  }

  /** Returns {@code request} with the budget header and the value headers of {@code ctx}. */
  HttpRequest prepare(Context ctx, HttpRequest request) {
    HttpRequest.Builder b = HttpRequest.newBuilder(request,
        (name, value) -> !name.equalsIgnoreCase(BudgetHeader.NAME) && !isValueHeader(name));
    Duration remaining = ctx.remaining();
    if (remaining != null) {
      b.header(BudgetHeader.NAME, BudgetHeader.format(remaining.minus(reserve)));
    }
    for (HeaderValue<?> v : values) {
      String text = v.encode(ctx);
      if (text != null) {
        b.header(v.name(), text);
      }
    }
    return b.build();
  }

  private boolean isValueHeader(String name) {
    for (HeaderValue<?> v : values) {
      if (v.name().equalsIgnoreCase(name)) {
        return true;
      }
    }
    return false;
  }
}
