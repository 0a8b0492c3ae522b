package io.jcontext.samples.propagation;

import io.grpc.ServerServiceDefinition;
import io.grpc.MethodDescriptor;
import io.jcontext.CancellableContext;
import io.jcontext.Context;
import io.jcontext.grpc.ContextClientInterceptor;
import io.jcontext.grpc.ContextServerInterceptor;
import io.jcontext.http.ContextHttpClient;
import io.jcontext.ContextException;
import io.jcontext.samples.Describe;
import io.jcontext.samples.Go;
import io.jcontext.samples.Sample;
import io.jcontext.samples.grpc.GrpcCalls;
import io.jcontext.samples.grpc.LoopbackGrpc;
import io.jcontext.samples.grpc.UnaryHandler;
import io.jcontext.samples.grpc.Utf8Marshaller;
import io.jcontext.samples.http.ContextHttpServer;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Deadline propagation across processes: a client's remaining budget, not its wall-clock deadline,
 * crosses each hop, and so does cancellation where the transport can carry it.
 *
 * <pre>
 *   client ctx (budget B) --HTTP, header Request-Budget-Ms: remaining--> HTTP handler ctx
 *        --gRPC, grpc-timeout: remaining--> gRPC handler ctx  (waits for its ctx)
 * </pre>
 *
 * <p>Each hop derives its context from what is left when the request leaves, so every context
 * on the path expires at (about) the same instant, and each sees a {@code DeadlineExceededException}
 * of its own. Over gRPC the client's cancellation also travels (the call is cancelled, the server
 * call's context and with it the handler's jcontext are cancelled). Over HTTP/1.1 cancellation is
 * a closed connection, which the JDK server does not report to a handler: there the budget is what
 * bounds the server's work. The hops use jcontext-http ({@link ContextHttpClient}, the filter
 * inside {@link ContextHttpServer}) and jcontext-grpc ({@link ContextClientInterceptor},
 * {@link ContextServerInterceptor}).
 */
public final class DeadlinePropagation implements Sample {

  /** The gRPC method the HTTP handler calls: waits until its context ends, reporting its budget. */
  public static final MethodDescriptor<String, String> WAIT = Utf8Marshaller.unary("demo.Slow/Wait");
  /** Answers at once; used to open the connections before timing anything. */
  public static final MethodDescriptor<String, String> PING = Utf8Marshaller.unary("demo.Slow/Ping");

  /** What one hop saw. */
  public record Hop(String name, Duration budgetOnEntry, ContextException err) {
    @Override
    public String toString() {
      return name + ": budget " + (budgetOnEntry == null ? "none" : budgetOnEntry.toMillis() + " ms")
          + ", ended " + (err == null ? "normally" : Describe.error(err));
    }
  }

  /** A gRPC service behind the HTTP edge; records what each hop saw. */
  public static final class Topology implements AutoCloseable {
    private final LoopbackGrpc grpc;
    private final ContextHttpServer http;
    private final HttpClient client = HttpClient.newHttpClient();
    /** Completes with what the gRPC handler saw. */
    public final CompletableFuture<Hop> grpcHop = new CompletableFuture<>();
    /** Completes with what the HTTP handler saw. */
    public final CompletableFuture<Hop> httpHop = new CompletableFuture<>();
    /** Completes when the gRPC handler has started waiting. */
    public final CompletableFuture<Void> grpcWaiting = new CompletableFuture<>();

    /** Starts both servers on loopback. */
    public Topology() throws Exception {
      grpc = new LoopbackGrpc(
          ServerServiceDefinition.builder("demo.Slow")
              .addMethod(WAIT, UnaryHandler.adapt((ctx, req) -> {
                Duration budget = ctx.remaining();
                grpcWaiting.complete(null);
                if (!ctx.awaitDone(Duration.ofSeconds(30))) {
                  grpcHop.complete(new Hop("grpc", budget, null));
                  return "no deadline arrived";
                }
                grpcHop.complete(new Hop("grpc", budget, ctx.err()));
                throw ctx.err();
              }))
              .addMethod(PING, UnaryHandler.adapt((ctx, req) -> "pong"))
              .build(),
          List.of(ContextServerInterceptor.create(Context.background())),
          List.of(ContextClientInterceptor.create()));
      http = ContextHttpServer.start(Context.background(), Map.of("/ping", (ctx, ex) ->
          ContextHttpServer.respond(ex, 200, GrpcCalls.unary(ctx, grpc.channel(), PING, "ping")),
          "/slow", (ctx, ex) -> {
        Duration budget = ctx.remaining();
        try {
          String answer = GrpcCalls.unary(ctx, grpc.channel(), WAIT, "hello");
          httpHop.complete(new Hop("http", budget, null));
          ContextHttpServer.respond(ex, 200, answer);
        } catch (ContextException e) {
          httpHop.complete(new Hop("http", budget, e));
          throw e; // answered 504 by the server
        } catch (RuntimeException e) {
          httpHop.completeExceptionally(e);
          throw e;
        }
      }));
      // Open the HTTP and gRPC connections now, so the timed scenarios measure only themselves.
      HttpResponse<String> pong = client.send(HttpRequest.newBuilder(http.uri("/ping")).build(),
          HttpResponse.BodyHandlers.ofString());
      if (!"pong".equals(pong.body())) {
        throw new IllegalStateException("warm-up failed: " + pong.statusCode() + " " + pong.body());
      }
    }

    /** The HTTP client the scenarios use (its connection is already open). */
    public HttpClient client() {
      return client;
    }

    /** The gRPC channel, for calling the slow method directly. */
    public io.grpc.Channel grpcChannel() {
      return grpc.channel();
    }

    /** The HTTP edge URI. */
    public java.net.URI uri() {
      return http.uri("/slow");
    }

    @Override
    public void close() {
      http.close();
      grpc.close();
    }
  }

  /** Sends the HTTP request under {@code ctx}; returns what the client saw. */
  public static Hop callThroughHttp(Context ctx, Topology t) throws Exception {
    Duration budget = ctx.remaining();
    try {
      HttpResponse<String> r = ContextHttpClient.of(t.client()).send(ctx,
          HttpRequest.newBuilder(t.uri()).build(), HttpResponse.BodyHandlers.ofString());
      return new Hop("client (HTTP " + r.statusCode() + ")", budget, null);
    } catch (ContextException e) {
      return new Hop("client", budget, e);
    }
  }

  @Override
  public String id() {
    return "prop";
  }

  @Override
  public String title() {
    return "deadline + cancel across HTTP and gRPC";
  }

  @Override
  public String run() throws Exception {
    try (Topology t = new Topology()) {
      Hop client;
      try (CancellableContext ctx = Context.background().withTimeout(Duration.ofMillis(300))) {
        client = callThroughHttp(ctx, t);
      }
      Hop http = t.httpHop.get(10, TimeUnit.SECONDS);
      Hop grpc = t.grpcHop.get(10, TimeUnit.SECONDS);
      // Cancellation over the gRPC hop, before any deadline.
      String cancelled;
      try (Topology direct = new Topology()) {
        CancellableContext ctx = Context.background().withCancel();
        Go<String> call = Go.start("grpc-client", () -> GrpcCalls.unary(ctx, direct.grpcChannel(), WAIT, "x"));
        direct.grpcWaiting.get(10, TimeUnit.SECONDS);
        ctx.cancel(new IllegalStateException("user navigated away"));
        Hop server = direct.grpcHop.get(10, TimeUnit.SECONDS);
        Throwable clientSide = call.failure(Duration.ofSeconds(10));
        if (server.err() == null || server.err().isTimeout() || clientSide != ctx.err()) {
          throw new IllegalStateException("cancellation did not travel: " + server + " / " + clientSide);
        }
        cancelled = "client cancel -> server " + Describe.error(server.err());
      }
      if (client.err() == null || !client.err().isTimeout() || http.err() == null || !http.err().isTimeout()
          || grpc.err() == null || !grpc.err().isTimeout()
          || grpc.budgetOnEntry().compareTo(http.budgetOnEntry()) > 0
          || http.budgetOnEntry().compareTo(client.budgetOnEntry()) > 0) {
        throw new IllegalStateException(client + " / " + http + " / " + grpc);
      }
      return "300 ms budget: " + client + "; " + http + "; " + grpc + "; " + cancelled;
    }
  }
}
