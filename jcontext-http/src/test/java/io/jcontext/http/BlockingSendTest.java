package io.jcontext.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcontext.CancellableContext;
import io.jcontext.Context;
import io.jcontext.ContextException;
import io.jcontext.DeadlineExceededException;
import io.jcontext.testing.VirtualClock;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link ContextHttpClient#send} over HTTP/1.1, which blocks in the JDK's {@code send} on the
 * caller's thread and aborts by interrupting it: the abort reaches the wire, and no interrupt of
 * the helper outlives the call, whatever the order of the response and the context's end.
 */
class BlockingSendTest {
  static final Duration LIVENESS = Duration.ofSeconds(10);

  final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  final ContextHttpClient client = ContextHttpClient.of(http);
  final ExecutorService executor = Executors.newCachedThreadPool();
  ServerSocket silent;

  @AfterEach
  void stop() throws IOException {
    if (silent != null) {
      silent.close();
    }
    executor.shutdownNow();
  }

  /**
   * A server that reads one request and never answers; the future completes with whether the
   * client then closed the connection (read returned end of stream) within the liveness bound.
   */
  CompletableFuture<Boolean> silentServer(CountDownLatch requestRead) throws IOException {
    silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    return CompletableFuture.supplyAsync(() -> {
      try (Socket s = silent.accept()) {
        s.setSoTimeout((int) LIVENESS.toMillis());
        InputStream in = s.getInputStream();
        int matched = 0;
        while (matched < 4) { // up to the blank line that ends the request head
          int b = in.read();
          if (b < 0) {
            return false;
          }
          matched = b == "\r\n\r\n".charAt(matched) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        requestRead.countDown();
        return in.read() == -1;
      } catch (IOException e) {
        return false;
      }
    }, executor);
  }

  URI silentUri() {
    return URI.create("http://127.0.0.1:" + silent.getLocalPort() + "/");
  }

  /**
   * A keep-alive server that answers every request at once, the whole response in one write with
   * {@code TCP_NODELAY} (the JDK server's two writes would meet the client's delayed ACK: 40 ms).
   */
  URI answeringServer() throws IOException {
    silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    byte[] ok = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".getBytes(StandardCharsets.US_ASCII);
    executor.execute(() -> {
      while (!silent.isClosed()) {
        Socket s;
        try {
          s = silent.accept();
        } catch (IOException e) {
          return;
        }
        executor.execute(() -> {
          try (Socket c = s) {
            c.setTcpNoDelay(true);
            InputStream in = c.getInputStream();
            int matched = 0;
            for (int b; (b = in.read()) >= 0; ) {
              matched = b == "\r\n\r\n".charAt(matched) ? matched + 1 : (b == '\r' ? 1 : 0);
              if (matched == 4) {
                c.getOutputStream().write(ok);
                matched = 0;
              }
            }
          } catch (IOException e) {
            // the client aborted: the connection is gone
          }
        });
      }
    });
    return URI.create("http://127.0.0.1:" + silent.getLocalPort() + "/");
  }

  @Test
  void cancelAbortsTheExchangeOnTheWireAndThrowsErr() throws Exception {
    CountDownLatch requestRead = new CountDownLatch(1);
    CompletableFuture<Boolean> closed = silentServer(requestRead);
    CountingContext ctx = new CountingContext();
    executor.execute(() -> {
      try {
        if (requestRead.await(LIVENESS.toMillis(), TimeUnit.MILLISECONDS)) {
          ctx.delegate.cancel(new IllegalStateException("gave up"));
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    ContextException e = assertThrows(ContextException.class,
        () -> client.send(ctx, HttpRequest.newBuilder(silentUri()).build(), HttpResponse.BodyHandlers.ofString()));
    assertSame(ctx.err(), e);
    assertFalse(Thread.currentThread().isInterrupted(), "the abort's interrupt leaked to the caller");
    assertEquals(0, ctx.registrations());
    assertTrue(closed.get(LIVENESS.toMillis(), TimeUnit.MILLISECONDS), "the server did not see the connection close");
  }

  @Test
  void deadlineAbortsTheExchangeOnTheWire() throws Exception {
    CountDownLatch requestRead = new CountDownLatch(1);
    CompletableFuture<Boolean> closed = silentServer(requestRead);
    VirtualClock clock = new VirtualClock();
    CancellableContext ctx = clock.background().withTimeout(Duration.ofSeconds(5));
    executor.execute(() -> {
      try {
        if (requestRead.await(LIVENESS.toMillis(), TimeUnit.MILLISECONDS)) {
          clock.advance(Duration.ofSeconds(5)); // the timer runs the abort on this thread
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    ContextException e = assertThrows(DeadlineExceededException.class,
        () -> client.send(ctx, HttpRequest.newBuilder(silentUri()).build(), HttpResponse.BodyHandlers.ofString()));
    assertSame(ctx.err(), e);
    assertFalse(Thread.currentThread().isInterrupted());
    assertTrue(closed.get(LIVENESS.toMillis(), TimeUnit.MILLISECONDS), "the server did not see the connection close");
  }

  @Test
  void anInterruptOfTheCallerAbortsWithInterruptedException() throws Exception {
    CountDownLatch requestRead = new CountDownLatch(1);
    CompletableFuture<Boolean> closed = silentServer(requestRead);
    CountingContext ctx = new CountingContext();
    Thread caller = Thread.currentThread();
    executor.execute(() -> {
      try {
        if (requestRead.await(LIVENESS.toMillis(), TimeUnit.MILLISECONDS)) {
          caller.interrupt();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    assertThrows(InterruptedException.class,
        () -> client.send(ctx, HttpRequest.newBuilder(silentUri()).build(), HttpResponse.BodyHandlers.ofString()));
    assertEquals(0, ctx.registrations());
    assertTrue(ctx.err() == null);
    assertTrue(closed.get(LIVENESS.toMillis(), TimeUnit.MILLISECONDS), "the server did not see the connection close");
  }

  @Test
  void anAlreadyInterruptedCallerSendsNothing() throws Exception {
    CountDownLatch requestRead = new CountDownLatch(1);
    silentServer(requestRead);
    CountingContext ctx = new CountingContext();
    Thread.currentThread().interrupt();
    assertThrows(InterruptedException.class,
        () -> client.send(ctx, HttpRequest.newBuilder(silentUri()).build(), HttpResponse.BodyHandlers.ofString()));
    assertEquals(0, ctx.total.get());
    assertEquals(1, requestRead.getCount());
  }

  /**
   * The race the blocking send must win: the context ends at any instant around the response.
   * Each round cancels from another thread after a random spin that spans the time of a request,
   * so the cancel lands before the send, during it, between the response and the return, and
   * after. Whatever the outcome (the response or {@code ctx.err()}), the caller's interrupt
   * status is clear when {@code send} returns, and still clear once {@code cancel()} has returned
   * on the other thread (an abort that started late must not land afterwards).
   */
  @Test
  void contextEndingAroundTheResponseNeverLeavesAnInterrupt() throws Exception {
    HttpRequest request = HttpRequest.newBuilder(answeringServer()).build();
    long spanNanos = spanOfARequest(request);
    AtomicInteger answered = new AtomicInteger();
    AtomicInteger aborted = new AtomicInteger();
    ExecutorService canceller = Executors.newSingleThreadExecutor();
    try {
      for (int round = 0; round < 1000; round++) {
        CountingContext ctx = new CountingContext();
        CountDownLatch go = new CountDownLatch(1);
        long delay = ThreadLocalRandom.current().nextLong(2 * spanNanos);
        CompletableFuture<Void> cancelled = CompletableFuture.runAsync(() -> {
          try {
            go.await();
          } catch (InterruptedException e) {
            throw new IllegalStateException(e);
          }
          long until = System.nanoTime() + delay;
          while (System.nanoTime() < until) {
            Thread.onSpinWait();
          }
          ctx.delegate.cancel();
        }, canceller);
        go.countDown();
        try {
          assertEquals(200, client.send(ctx, request, HttpResponse.BodyHandlers.ofString()).statusCode());
          answered.incrementAndGet();
        } catch (ContextException e) {
          assertSame(ctx.err(), e);
          aborted.incrementAndGet();
        }
        assertFalse(Thread.currentThread().isInterrupted(), "interrupted at the return, round " + round);
        cancelled.get(LIVENESS.toMillis(), TimeUnit.MILLISECONDS);
        assertFalse(Thread.interrupted(), "interrupted after the cancel returned, round " + round);
        assertEquals(0, ctx.registrations());
      }
    } finally {
      canceller.shutdownNow();
    }
    System.out.println("BlockingSendTest race: answered " + answered + ", aborted " + aborted);
    // the rounds must have raced: some cancels came too late to abort, some in time
    assertTrue(answered.get() > 0 && aborted.get() > 0, "answered " + answered + ", aborted " + aborted);
  }

  /** The median time of a request to {@code request}'s server, after warming the path up. */
  long spanOfARequest(HttpRequest request) throws Exception {
    long[] took = new long[41];
    for (int i = 0; i < took.length; i++) {
      long t0 = System.nanoTime();
      assertEquals(200, client.send(Context.background(), request, HttpResponse.BodyHandlers.ofString()).statusCode());
      took[i] = System.nanoTime() - t0;
    }
    java.util.Arrays.sort(took);
    return took[took.length / 2];
  }

  @Test
  void http2ExchangesWaitOnTheAsynchronousPathAndStillAbort() throws Exception {
    // An HTTP/2 client first sends an HTTP/1.1 upgrade request to a cleartext server: the silent
    // server reads that and never answers. The exchange is aborted through its future, never by
    // an interrupt (which could close a connection other streams share).
    CountDownLatch requestRead = new CountDownLatch(1);
    CompletableFuture<Boolean> closed = silentServer(requestRead);
    ContextHttpClient h2 = ContextHttpClient.of(HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build());
    CountingContext ctx = new CountingContext();
    executor.execute(() -> {
      try {
        if (requestRead.await(LIVENESS.toMillis(), TimeUnit.MILLISECONDS)) {
          ctx.delegate.cancel();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    ContextException e = assertThrows(ContextException.class,
        () -> h2.send(ctx, HttpRequest.newBuilder(silentUri()).build(), HttpResponse.BodyHandlers.ofString()));
    assertSame(ctx.err(), e);
    assertInstanceOf(io.jcontext.ContextCancelledException.class, e);
    assertFalse(Thread.currentThread().isInterrupted());
    long until = System.nanoTime() + LIVENESS.toNanos();
    while (ctx.registrations() != 0 && System.nanoTime() < until) {
      Thread.onSpinWait(); // the async path removes its registration on the client's thread
    }
    assertEquals(0, ctx.registrations());
    assertTrue(closed.get(LIVENESS.toMillis(), TimeUnit.MILLISECONDS), "the server did not see the connection close");
  }
}
