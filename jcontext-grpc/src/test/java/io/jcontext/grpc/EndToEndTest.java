package io.jcontext.grpc;

import io.jcontext.BudgetPolicy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.jcontext.CancellableContext;
import io.jcontext.Context;
import io.jcontext.ContextCancelledException;
import io.jcontext.ContextException;
import io.jcontext.DeadlineExceededException;
import io.jcontext.Key;
import io.jcontext.http.ClientDisconnectedException;
import io.jcontext.http.ContextHttpClient;
import io.jcontext.http.ContextServletFilter;
import io.jcontext.http.DisconnectSignal;
import io.jcontext.http.HeaderValue;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.http2.RateControl;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One request crossing three real servers on loopback in this JVM: an HTTP edge on Jetty 12
 * (servlet filter, h2c) → gRPC service A → gRPC service B (Netty). Real time appears only as
 * liveness bounds, and as the 100 ms a client cancel may take to reach B.
 */
class EndToEndTest {
  static final Key<String> REQUEST_ID = Key.of("requestId", String.class);
  static final HeaderValue<String> ID_HEADER = HeaderValue.ofString(REQUEST_ID, "X-Request-Id");
  static final MetadataValue<String> ID_METADATA = MetadataValue.ofString(REQUEST_ID, "x-request-id");
  static final MethodDescriptor<String, String> A_WORK = Utf8.unary("a/work");
  static final MethodDescriptor<String, String> B_WORK = Utf8.unary("b/work");
  static final MethodDescriptor<String, String> B_AUDIT = Utf8.unary("b/audit");
  static final Duration LIVENESS = Duration.ofSeconds(20);
  static final Duration HTTP_RESERVE = Duration.ofMillis(300);
  static final Duration GRPC_RESERVE = Duration.ofMillis(50);

  /** When Jetty reported each request's client gone (System.nanoTime()), by request id: the cancel's first hop. */
  static final Map<String, Long> JETTY_SAW_GONE = new ConcurrentHashMap<>();

  static final DisconnectSignal JETTY = (request, gone) -> {
    String id = request.getHeader("X-Request-Id");
    ServletContextRequest.getServletContextRequest(request).addFailureListener(failure -> {
      if (id != null) {
        JETTY_SAW_GONE.putIfAbsent(id, System.nanoTime());
      }
      gone.accept(failure);
    });
    return () -> false;
  };

  /** What one hop saw of one request. */
  static final class Hop {
    final String requestId;
    final long budgetMillis; // at entry, -1 without deadline
    volatile ContextException err; // at the end of the hop's work
    volatile Throwable cause;
    volatile long doneAt; // System.nanoTime() when the hop's context became done
    final CompletableFuture<Void> finished = new CompletableFuture<>();

    Hop(Context ctx) {
      requestId = ctx.value(REQUEST_ID);
      Duration r = ctx.remaining();
      budgetMillis = r == null ? -1 : r.toMillis();
      ctx.onDone(() -> doneAt = System.nanoTime());
    }

    void end(Context ctx) {
      err = ctx.err();
      cause = ctx.cause();
      finished.complete(null);
    }
  }

  final CountingContext edgeRoot = new CountingContext();
  final CountingContext rootA = new CountingContext();
  final CountingContext rootB = new CountingContext();
  final Map<String, Hop> edge = new ConcurrentHashMap<>();
  final Map<String, Hop> hopA = new ConcurrentHashMap<>();
  final Map<String, Hop> hopB = new ConcurrentHashMap<>();
  final Map<String, CompletableFuture<Hop>> enteredB = new ConcurrentHashMap<>();
  final Map<String, CompletableFuture<String>> audits = new ConcurrentHashMap<>();
  final AtomicInteger inFlight = new AtomicInteger();
  Set<Thread> threadsBefore;
  Server serverA;
  Server serverB;
  ManagedChannel toA;
  ManagedChannel toB;
  org.eclipse.jetty.server.Server jetty;
  URI edgeUri;
  ContextHttpClient client;

  CompletableFuture<Hop> entered(String id) {
    return enteredB.computeIfAbsent(id, k -> new CompletableFuture<>());
  }

  @BeforeEach
  void start() throws Exception {
    threadsBefore = Thread.getAllStackTraces().keySet();
    ContextClientInterceptor out = ContextClientInterceptor.create().withReserve(GRPC_RESERVE).withValues(ID_METADATA);

    ServerServiceDefinition b = ServerServiceDefinition.builder("b")
        .addMethod(B_WORK, ServerCalls.asyncUnaryCall(this::serveB))
        .addMethod(B_AUDIT, ServerCalls.asyncUnaryCall((String id, StreamObserver<String> o) -> {
          o.onNext("audited " + GrpcContexts.current().value(REQUEST_ID));
          o.onCompleted();
        }))
        .build();
    serverB = NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
        .addService(ServerInterceptors.intercept(b, ContextServerInterceptor.create(rootB).withValues(ID_METADATA)))
        .build().start();
    toB = NettyChannelBuilder.forAddress("127.0.0.1", serverB.getPort()).usePlaintext().intercept(out).build();

    ServerServiceDefinition a = ServerServiceDefinition.builder("a")
        .addMethod(A_WORK, ServerCalls.asyncUnaryCall(this::serveA))
        .build();
    serverA = NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
        .addService(ServerInterceptors.intercept(a, ContextServerInterceptor.create(rootA).withValues(ID_METADATA)))
        .build().start();
    toA = NettyChannelBuilder.forAddress("127.0.0.1", serverA.getPort()).usePlaintext().intercept(out).build();

    jetty = new org.eclipse.jetty.server.Server();
    HttpConfiguration config = new HttpConfiguration();
    HTTP2CServerConnectionFactory h2c = new HTTP2CServerConnectionFactory(config);
    h2c.setMaxConcurrentStreams(1000); // 200 requests at once on one connection
    h2c.setRateControlFactory(new RateControl.Factory() {}); // no rapid-reset guard: the test resets streams on purpose
    ServerConnector connector = new ServerConnector(jetty, new HttpConnectionFactory(config), h2c);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    jetty.addConnector(connector);
    ServletContextHandler handler = new ServletContextHandler();
    handler.addFilter(new FilterHolder(ContextServletFilter.create(edgeRoot)
        .withPolicy(BudgetPolicy.clampTo(Duration.ofSeconds(30)))
        .withValues(ID_HEADER).withDisconnectSignal(JETTY)), "/*", EnumSet.of(DispatcherType.REQUEST));
    handler.addServlet(new ServletHolder(new HttpServlet() {
      @Override
      protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        serveEdge(req, resp);
      }
    }), "/*");
    jetty.setHandler(handler);
    jetty.start();
    edgeUri = URI.create("http://127.0.0.1:" + connector.getLocalPort() + "/");

    HttpClient h2 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
    client = ContextHttpClient.of(h2).withReserve(HTTP_RESERVE).withValues(ID_HEADER);
    // the h2c upgrade happens on the first request: later ones are HTTP/2 streams, whose reset
    // is how Jetty learns that a client went away
    assertEquals(200, client.send(Context.background().withValue(REQUEST_ID, "warm-up"), request("ok"),
        HttpResponse.BodyHandlers.ofString()).statusCode());
  }

  @AfterEach
  void stop() throws Exception {
    try {
      if (jetty != null) {
        jetty.stop();
      }
    } finally {
      for (ManagedChannel c : new ManagedChannel[] {toA, toB}) {
        if (c != null) {
          c.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        }
      }
      for (Server s : new Server[] {serverA, serverB}) {
        if (s != null) {
          s.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        }
      }
    }
  }

  HttpRequest request(String mode) {
    return HttpRequest.newBuilder(edgeUri.resolve("?mode=" + mode)).build();
  }

  // ------------------------------------------------------------------------------ the servers

  void serveEdge(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    inFlight.incrementAndGet();
    try {
      Context ctx = ContextServletFilter.context(req);
      Hop hop = new Hop(ctx);
      edge.put(hop.requestId, hop);
      try {
        String answer = ClientCalls.blockingUnaryCall(toA, A_WORK,
            CallOptions.DEFAULT.withOption(GrpcContexts.CONTEXT, ctx), req.getParameter("mode"));
        hop.end(ctx);
        resp.getWriter().print("edge:" + hop.budgetMillis + " " + answer);
      } catch (StatusRuntimeException e) {
        RuntimeException mapped = GrpcStatuses.toClientException(ctx, e);
        if (mapped instanceof ContextException) {
          awaitDone(ctx); // our own deadline or our own client: this hop decides for itself
        }
        hop.end(ctx);
        ContextException err = ctx.err();
        resp.setStatus(err == null ? 502 : err.isTimeout() ? 504 : 499);
        resp.getWriter().print(err == null ? e.getStatus().toString() : err.getClass().getSimpleName());
      }
    } finally {
      inFlight.decrementAndGet();
    }
  }

  void serveA(String mode, StreamObserver<String> out) {
    inFlight.incrementAndGet();
    try {
      Context ctx = GrpcContexts.current();
      Hop hop = new Hop(ctx);
      hopA.put(hop.requestId, hop);
      try {
        String answer = ClientCalls.blockingUnaryCall(toB, B_WORK, CallOptions.DEFAULT, mode); // ctx by default
        hop.end(ctx);
        out.onNext("A:" + hop.budgetMillis + " " + answer);
        out.onCompleted();
      } catch (StatusRuntimeException e) {
        RuntimeException mapped = GrpcStatuses.toClientException(ctx, e);
        if (mapped instanceof ContextException) {
          awaitDone(ctx);
        }
        hop.end(ctx);
        if (ctx.cause() instanceof ClientCancelledException) {
          // the request is cancelled; its audit record must still be written
          CompletableFuture<String> audit = audits.computeIfAbsent(hop.requestId, k -> new CompletableFuture<>());
          try {
            audit.complete(ClientCalls.blockingUnaryCall(toB, B_AUDIT,
                CallOptions.DEFAULT.withOption(GrpcContexts.CONTEXT, ctx.withoutCancel()), hop.requestId));
          } catch (RuntimeException auditFailure) {
            audit.completeExceptionally(auditFailure);
          }
        }
        out.onError(GrpcStatuses.toStatus(ctx.err() != null ? ctx.err() : mapped).asRuntimeException());
      }
    } finally {
      inFlight.decrementAndGet();
    }
  }

  void serveB(String mode, StreamObserver<String> out) {
    inFlight.incrementAndGet();
    try {
      Context ctx = GrpcContexts.current();
      Hop hop = new Hop(ctx);
      hopB.put(hop.requestId, hop);
      entered(hop.requestId).complete(hop);
      if (mode.equals("ok")) {
        hop.end(ctx);
        out.onNext("B:" + hop.budgetMillis);
        out.onCompleted();
        return;
      }
      awaitDone(ctx); // "block": work until the context says stop
      hop.end(ctx);
      out.onError(GrpcStatuses.toStatus(ctx.err()).asRuntimeException());
    } finally {
      inFlight.decrementAndGet();
    }
  }

  static void awaitDone(Context ctx) {
    try {
      if (!ctx.awaitDone(LIVENESS)) {
        throw new AssertionError("context not done within the liveness bound");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static void eventually(String what, BooleanSupplier condition) {
    long until = System.nanoTime() + LIVENESS.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > until) {
        throw new AssertionError("not within the liveness bound: " + what);
      }
      Thread.onSpinWait();
    }
  }

  void assertNothingRetained() {
    eventually("no handler running", () -> inFlight.get() == 0);
    eventually("edge root free: " + edgeRoot.registrations(), () -> edgeRoot.registrations() == 0);
    eventually("A root free: " + rootA.registrations(), () -> rootA.registrations() == 0);
    eventually("B root free: " + rootB.registrations(), () -> rootB.registrations() == 0);
  }

  // ------------------------------------------------------------------------------ the tests

  @Test
  void budgetShrinksHopByHopAndTheRequestIdIsEverywhere() throws Exception {
    try (CancellableContext ctx = Context.background().withTimeout(Duration.ofSeconds(20))) {
      HttpResponse<String> r = client.send(ctx.withValue(REQUEST_ID, "r-budget"), request("ok"),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode(), r.body());
    }
    long atEdge = edge.get("r-budget").budgetMillis;
    long atA = hopA.get("r-budget").budgetMillis;
    long atB = hopB.get("r-budget").budgetMillis;
    assertTrue(atEdge <= 20_000 - HTTP_RESERVE.toMillis(), "edge " + atEdge);
    assertTrue(atA <= atEdge - GRPC_RESERVE.toMillis(), atEdge + " -> " + atA);
    assertTrue(atB <= atA - GRPC_RESERVE.toMillis(), atA + " -> " + atB);
    assertTrue(atB > 0);
    assertNothingRetained();
  }

  @Test
  void edgeDeadlineEndsEveryHopAsDeadlineExceededOnItsOwnSide() throws Exception {
    // The deadline is set at the edge (the client itself waits without one, within the liveness
    // bound): the edge's budget header says 1.5 s.
    HttpResponse<String> r = client.client().sendAsync(HttpRequest.newBuilder(edgeUri.resolve("?mode=block"))
            .header(io.jcontext.http.BudgetHeader.NAME, "1500").header("X-Request-Id", "r-deadline").build(),
        HttpResponse.BodyHandlers.ofString()).get(LIVENESS.toSeconds(), TimeUnit.SECONDS);
    assertEquals(504, r.statusCode(), r.body());
    assertEquals("DeadlineExceededException", r.body());
    for (Map<String, Hop> hops : List.of(edge, hopA, hopB)) {
      Hop hop = hops.get("r-deadline");
      hop.finished.get(LIVENESS.toSeconds(), TimeUnit.SECONDS);
      assertInstanceOf(DeadlineExceededException.class, hop.err);
    }
    assertNothingRetained();
  }

  /** Cancels one blocked request from the HTTP client; returns how long the cancel took to reach B. */
  long cancelOnce(String id) throws Exception {
    return cancelHops(id)[4] / 1_000_000;
  }

  /**
   * Cancels one blocked request from the HTTP client; returns the nanoseconds from the cancel to
   * Jetty's report of the stream reset, to the return of {@code cancel()} (whose callbacks include
   * the helper's abort of the JDK exchange), to the edge's context being done, to A's, to B's.
   */
  long[] cancelHops(String id) throws Exception {
    CancellableContext ctx = Context.background().withCancel();
    CompletableFuture<HttpResponse<String>> r = client.sendAsync(ctx.withValue(REQUEST_ID, id),
        request("block"), HttpResponse.BodyHandlers.ofString());
    Hop b = entered(id).get(LIVENESS.toSeconds(), TimeUnit.SECONDS);
    long cancelledAt = System.nanoTime();
    ctx.cancel(new IllegalStateException("the user closed the tab"));
    long cancelReturned = System.nanoTime(); // the helper's abort ran inside cancel: the JDK's synchronous part
    b.finished.get(LIVENESS.toSeconds(), TimeUnit.SECONDS);
    assertInstanceOf(ContextCancelledException.class, b.err);
    assertInstanceOf(ClientCancelledException.class, b.cause);
    Hop a = hopA.get(id);
    a.finished.get(LIVENESS.toSeconds(), TimeUnit.SECONDS);
    assertInstanceOf(ClientCancelledException.class, a.cause);
    Hop e = edge.get(id);
    e.finished.get(LIVENESS.toSeconds(), TimeUnit.SECONDS);
    assertInstanceOf(ClientDisconnectedException.class, e.cause);
    // the audit call made at A with withoutCancel() completes after the request was cancelled
    assertEquals("audited " + id, audits.computeIfAbsent(id, k -> new CompletableFuture<>())
        .get(LIVENESS.toSeconds(), TimeUnit.SECONDS));
    assertTrue(r.isCompletedExceptionally());
    // B's onDone callback may run after B's handler has been woken: wait for the time it records
    eventually("B recorded when it saw the cancel", () -> b.doneAt != 0);
    eventually("every hop recorded when it saw the cancel", () -> a.doneAt != 0 && e.doneAt != 0);
    eventually("Jetty reported the client gone", () -> JETTY_SAW_GONE.containsKey(id));
    return new long[] {JETTY_SAW_GONE.get(id) - cancelledAt, cancelReturned - cancelledAt, e.doneAt - cancelledAt,
        a.doneAt - cancelledAt, b.doneAt - cancelledAt};
  }

  /**
   * Not a test of speed (it asserts none): the per-hop latencies of many client cancels, printed
   * as a distribution, to tell a hop that waits for a timer, a poll or a pool from one that only
   * waits for its thread to be scheduled. Off unless {@code -Djc.cancelHops=N} (N cancels):
   * <pre>mvn -pl jcontext-grpc -am test -Dtest=EndToEndTest#cancelHopLatencies -Djc.cancelHops=500 -Dsurefire.failIfNoSpecifiedTests=false</pre>
   */
  @Test
  @org.junit.jupiter.api.condition.EnabledIfSystemProperty(named = "jc.cancelHops", matches = "[0-9]+")
  void cancelHopLatencies() throws Exception {
    int n = Integer.parseInt(System.getProperty("jc.cancelHops"));
    for (int i = 0; i < 20; i++) {
      cancelHops("r-hops-warm-up-" + i);
    }
    String[] names = {"cancel() call returns", "cancel -> Jetty sees the reset", "Jetty -> edge context done",
        "edge -> A context done", "A -> B context done", "cancel -> B (total)"};
    long[][] hops = new long[names.length][n];
    for (int i = 0; i < n; i++) {
      long[] at = cancelHops("r-hops-" + i);
      hops[0][i] = at[1];
      hops[1][i] = at[0];
      hops[2][i] = at[2] - at[0];
      hops[3][i] = at[3] - at[2];
      hops[4][i] = at[4] - at[3];
      hops[5][i] = at[4];
    }
    System.out.printf("%d cancels, %s, load average %.2f%n", n, Runtime.version(),
        java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    System.out.printf("%-32s %9s %9s %9s %9s %9s %9s%n", "hop (us)", "min", "p10", "median", "p90", "p99", "max");
    for (int h = 0; h < names.length; h++) {
      long[] x = hops[h].clone();
      java.util.Arrays.sort(x);
      System.out.printf("%-32s %9.1f %9.1f %9.1f %9.1f %9.1f %9.1f%n", names[h], x[0] / 1e3, x[n / 10] / 1e3,
          x[n / 2] / 1e3, x[n * 9 / 10] / 1e3, x[Math.min(n - 1, n * 99 / 100)] / 1e3, x[n - 1] / 1e3);
    }
    assertNothingRetained();
  }

  /**
   * Seven cancels, one after another, after one that warms the cancellation path up (class
   * loading, first compilation); each is timed with {@code System.nanoTime()} in this process,
   * from the line before {@code cancel} to B's {@code onDone} callback.
   *
   * <p>Why the 100 ms bound is asserted on the median and each cancel only on liveness: a cancel
   * crosses six threads (the canceller and the HTTP client's, Jetty's, two Netty event loops, the
   * two handlers), each woken by the one before; on a machine loaded past its cores every wake-up
   * may wait for scheduler slices. Measured on 2 vCPUs, JDK 17, 50 runs each (7 cancels a run):
   * <ul>
   *   <li>beside other builds only (load average 12 to 13): every one of 350 cancels within
   *       38 ms, median 2 ms;</li>
   *   <li>two busy loops beside other builds (load average 11 to 16): asserted per cancel, 13 of
   *       50 runs failed (median 4 ms, 99th percentile 745 ms, slowest 995 ms); asserted on the
   *       median, after the warm-up, 1 of 50 failed (load 12 to 15), in a one-second stall in
   *       which four of its cancels took 180 to 341 ms (23 of the 350 cancels took over 100 ms,
   *       the slowest 3.5 s).</li>
   * </ul>
   * The slow cancels come in bursts, all of them waiting to run; a per-cancel bound would test
   * the machine's scheduler, not the library. The median tests the library's path and stays
   * meaningful: a hop that waited for a timer, a poll or a thread pool would move every cancel.
   * {@link #cancelHopLatencies} times each hop of 500 cancels: none waits for anything but its
   * threads being scheduled (figures in BENCHMARKS.md, branch {@code http}).
   */
  @Test
  void clientCancelReachesBWithinAHundredMillisAndEveryHopSaysTheClientCancelled() throws Exception {
    cancelOnce("r-cancel-warm-up");
    long[] took = new long[7];
    for (int i = 0; i < took.length; i++) {
      took[i] = cancelOnce("r-cancel-" + i);
    }
    long[] sorted = took.clone();
    java.util.Arrays.sort(sorted);
    assertTrue(sorted[0] >= 0, "a cancel reached B before it was made: " + java.util.Arrays.toString(took));
    assertTrue(sorted[sorted.length / 2] <= 100, "median cancel latency to B over 100 ms: " + java.util.Arrays.toString(took));
    assertNothingRetained();
  }

  @Test
  void twoHundredConcurrentMixedRequestsLeaveNothingBehind() throws Exception {
    List<CompletableFuture<?>> all = new ArrayList<>();
    List<CancellableContext> contexts = new ArrayList<>();
    List<String> okFailures = java.util.Collections.synchronizedList(new ArrayList<>());
    for (int i = 0; i < 200; i++) {
      String id = "m-" + i;
      CancellableContext ctx;
      String mode;
      switch (i % 4) {
        case 0:
          ctx = Context.background().withTimeout(Duration.ofMillis(400 + (i % 7) * 50));
          mode = "block"; // ends by deadline
          break;
        case 1:
          ctx = Context.background().withCancel();
          mode = "block"; // cancelled once it reached B
          entered(id).thenRun(ctx::cancel);
          break;
        case 2:
          ctx = Context.background().withCancel();
          mode = "block"; // cancelled at once, wherever it is
          break;
        default:
          ctx = Context.background().withTimeout(Duration.ofSeconds(20));
          mode = "ok";
      }
      contexts.add(ctx);
      CompletableFuture<HttpResponse<String>> f =
          client.sendAsync(ctx.withValue(REQUEST_ID, id), request(mode), HttpResponse.BodyHandlers.ofString());
      if (i % 4 == 2) {
        ctx.cancel();
      }
      boolean ok = mode.equals("ok");
      all.add(f.handle((resp, failure) -> {
        if (ok && (failure != null || resp.statusCode() != 200)) {
          okFailures.add(id + ": " + (failure != null ? failure : resp.statusCode() + " " + resp.body()));
        }
        return null;
      }));
    }
    CompletableFuture.allOf(all.toArray(new CompletableFuture<?>[0])).get(60, TimeUnit.SECONDS);
    contexts.forEach(CancellableContext::cancel);
    assertEquals(List.of(), okFailures);
    for (int i = 3; i < 200; i += 4) {
      assertNotNull(hopB.get("m-" + i), "ok request m-" + i + " reached B");
    }
    assertNothingRetained();
    stop();
    jetty = null;
    toA = toB = null;
    serverA = serverB = null;
    eventually("no thread left: " + leftThreads(), () -> leftThreads().isEmpty());
  }

  /** Non-daemon threads started during the test that are still alive. */
  Set<String> leftThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> !threadsBefore.contains(t) && t.isAlive() && !t.isDaemon())
        .map(Thread::getName)
        .collect(Collectors.toSet());
  }
}
