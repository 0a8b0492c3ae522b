package io.jcontext.http;

import io.jcontext.Context;
import io.jcontext.ContextException;
import io.jcontext.Stop;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
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
 * The registration on the context is removed when the exchange ends, however it ends. The
 * request the JDK client gets is a view of the caller's with these headers (see
 * {@link ContextRequest}); the client validates its headers as it does any request's, so a value
 * declared under a restricted header name makes {@code send} and {@code sendAsync} throw
 * {@link IllegalArgumentException}.
 *
 * <p><b>Why {@link #send} blocks on the calling thread over HTTP/1.1.</b> The JDK's
 * {@code HttpClient.sendAsync} starts every exchange on the client's executor and completes its
 * future on {@code CompletableFuture}'s default executor: two thread hops per request, and on
 * JDK 17 with fewer than three processors (a common-pool parallelism of 1) a new thread per
 * request. Its blocking {@code send} does neither. A {@code send} built on {@code sendAsync} cost
 * about 400 µs per loopback GET on JDK 17 and 30 µs on JDK 25; so over HTTP/1.1 {@code send} calls
 * the JDK's {@code send} and aborts it by interrupting the calling thread (the JDK aborts an
 * interrupted exchange), with a handshake that keeps that interrupt from outliving the call. Over
 * HTTP/2 an interrupt could close a connection other streams share, so {@code send} waits for
 * {@link #sendAsync} there and pays the JDK's hops (on JDK 17 with two processors,
 * {@code -Djava.util.concurrent.ForkJoinPool.common.parallelism=2} makes the second one a
 * common-pool hop instead of a new thread).
 *
 * <p>Instances are immutable and thread-safe; {@code with*} methods return new instances.
 */
public final class ContextHttpClient {
  private final HttpClient client;
  private final Duration reserve;
  private final List<HeaderValue<?>> values;
  /**
   * Whether the budget header's name and the values' names differ from each other ignoring case:
   * then the headers of a request without headers of its own can go into a plain hash map.
   */
  private final boolean distinctNames;

  private ContextHttpClient(HttpClient client, Duration reserve, List<HeaderValue<?>> values) {
    this.client = client;
    this.reserve = reserve;
    this.values = values;
    Set<String> names = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
    names.add(BudgetHeader.NAME);
    boolean distinct = true;
    for (HeaderValue<?> v : values) {
      distinct &= names.add(v.name());
    }
    this.distinctNames = distinct;
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
   * <p>How it waits depends on the HTTP version of the exchange ({@code request.version()}, else
   * the client's):
   * <ul>
   *   <li><b>HTTP/1.1</b>: the JDK's blocking {@link HttpClient#send} on the calling thread, which
   *       starts the exchange on this thread and is woken by the client's selector, as a plain
   *       {@code send} is. The context's {@code onDone} registration interrupts this thread,
   *       which makes the JDK abort the exchange (and close its connection, which no other
   *       exchange uses); the registration is ended before this method returns, and an interrupt
   *       it made is cleared then: none reaches the caller after the return, however the send and
   *       the context's end race.</li>
   *   <li><b>HTTP/2</b> (the JDK client's default): {@link #sendAsync} and a wait for it. An
   *       interrupt would be wrong there: if it found the thread writing to the connection, the
   *       channel would close and with it every stream on the connection. The JDK's
   *       {@code sendAsync} costs a thread hop to the client's executor to start the exchange and
   *       one to the common pool to complete it (on JDK 17 with fewer than three processors, a new
   *       thread per request: {@code CompletableFuture}'s default executor).</li>
   * </ul>
   *
   * @throws ContextException {@code ctx.err()} if {@code ctx} is or becomes done first (the
   *     exchange is aborted)
   * @throws IOException if the exchange fails
   * @throws InterruptedException if the thread is interrupted (the exchange is aborted); an
   *     interrupt that arrives in the same instant as the end of {@code ctx} may be taken for the
   *     context's abort, and the call then throws {@code ctx.err()} with the interrupt status
   *     clear
   */
  public <T> HttpResponse<T> send(Context ctx, HttpRequest request, HttpResponse.BodyHandler<T> handler)
      throws IOException, InterruptedException {
    Objects.requireNonNull(ctx, "ctx");
    Objects.requireNonNull(handler, "handler");
    if (request.version().orElse(client.version()) != HttpClient.Version.HTTP_1_1) {
      return await(ctx, sendAsync(ctx, request, handler));
    }
    ContextException early = ctx.err();
    if (early != null) {
      throw early;
    }
    HttpRequest prepared = prepare(ctx, request);
    if (Thread.interrupted()) { // as HttpClient.send does; the registration starts from a clear status
      throw new InterruptedException();
    }
    InterruptOnDone abort = new InterruptOnDone();
    Stop stop = ctx.onDone(abort); // runs abort at once if ctx is done by now: send then throws at once
    HttpResponse<T> response;
    try {
      response = client.send(prepared, handler);
    } catch (Throwable failure) {
      boolean aborted = abort.finish();
      stop.stop();
      ContextException err = ctx.err();
      if (err != null && (aborted || failure instanceof IOException)) {
        throw err;
      }
      throw failure;
    }
    abort.finish(); // an abort that lost the race to the response: its interrupt is cleared
    stop.stop();
    return response;
  }

  /** Waits for the exchange of {@link #sendAsync}, with the exceptions of {@link #send}. */
  private static <T> HttpResponse<T> await(Context ctx, CompletableFuture<HttpResponse<T>> result)
      throws IOException, InterruptedException {
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
   *
   * <p>The future's dependents run on the JDK's threads: {@code HttpClient.sendAsync} completes
   * on {@code CompletableFuture}'s default executor (see the class comment for what that costs).
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

  /**
   * Returns {@code request} with the budget header and the value headers of {@code ctx}, replacing
   * the request's own headers of those names (a view of it: see {@link ContextRequest}).
   */
  HttpRequest prepare(Context ctx, HttpRequest request) {
    Map<String, List<String>> own = request.headers().map();
    // Names that can meet ignoring case need a case-insensitive map; HttpHeaders.of sorts them anyway.
    Map<String, List<String>> map = own.isEmpty() && distinctNames
        ? new HashMap<>() : new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    if (!own.isEmpty()) {
      for (Map.Entry<String, List<String>> e : own.entrySet()) {
        String name = e.getKey();
        if (!name.equalsIgnoreCase(BudgetHeader.NAME) && !isValueHeader(name)) {
          map.put(name, e.getValue());
        }
      }
    }
    Duration remaining = ctx.remaining();
    if (remaining != null) {
      map.put(BudgetHeader.NAME, List.of(BudgetHeader.format(remaining.minus(reserve))));
    }
    for (HeaderValue<?> v : values) {
      String text = v.encode(ctx);
      if (text != null) {
        List<String> before = map.putIfAbsent(v.name(), List.of(text));
        if (before != null) { // two values declared under one name: both are sent, as the builder would
          List<String> both = new ArrayList<>(before);
          both.add(text);
          map.put(v.name(), both);
        }
      }
    }
    return new ContextRequest(request, HttpHeaders.of(map, ContextHttpClient::anyHeader));
  }

  private static boolean anyHeader(String name, String value) {
    return true; // the client validates them for the exchange, as it does every request's
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
