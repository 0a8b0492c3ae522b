package io.jcontext.samples.propagation;

import io.jcontext.samples.values.RequestIds;

import io.grpc.ClientInterceptor;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.jcontext.Context;
import io.jcontext.grpc.ContextClientInterceptor;
import io.jcontext.grpc.ContextServerInterceptor;
import io.jcontext.samples.Sample;
import io.jcontext.samples.grpc.GrpcCalls;
import io.jcontext.samples.grpc.LoopbackGrpc;
import io.jcontext.samples.grpc.UnaryHandler;
import io.jcontext.samples.grpc.Utf8Marshaller;
import io.jcontext.samples.http.ContextHttpServer;
import io.jcontext.samples.http.CtxHandler;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Seed 004, task 13: one request id from the HTTP edge through two gRPC hops, on loopback.
 *
 * <p>HTTP in (jcontext-http's filter reads {@value #HEADER} into the context through
 * {@link RequestIds#HEADER}; {@link #httpMiddleware} mints one if there was none and echoes it) →
 * gRPC out (jcontext-grpc's client interceptor writes {@code x-request-id} through
 * {@link RequestIds#METADATA}) → gRPC in (the server interceptor reads it back) → gRPC out → gRPC
 * in → log. Every layer logs the id it reads from its context. Only the edge mints an id; the
 * middle propagates what it got, so a hop that forgot to declare the value shows up as a missing
 * id rather than a fresh one.
 */
public final class RequestIdPropagation implements Sample {

  /** The HTTP header. */
  public static final String HEADER = RequestIds.HEADER.name();

  /** Frontend method: resolves a name by asking the backend. */
  public static final MethodDescriptor<String, String> RESOLVE = Utf8Marshaller.unary("demo.Frontend/Resolve");
  /** Backend method. */
  public static final MethodDescriptor<String, String> LOOKUP = Utf8Marshaller.unary("demo.Backend/Lookup");

  private static final SecureRandom RANDOM = new SecureRandom();

  static String newId() {
    byte[] b = new byte[8];
    RANDOM.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  /** HTTP middleware: the caller's id (read by the filter) or a new one, echoed in the response. */
  public static CtxHandler httpMiddleware(CtxHandler next) {
    return (ctx, ex) -> {
      String id = RequestIds.requestId(ctx).filter(s -> !s.isBlank()).orElse(null);
      Context withId = id != null ? ctx : RequestIds.withRequestId(ctx, id = newId());
      ex.getResponseHeaders().set(HEADER, id);
      next.handle(withId, ex);
    };
  }

  /** The three layers, wired on loopback; logs one line per layer to {@code log}. */
  public static final class Topology implements AutoCloseable {
    private final LoopbackGrpc backend;
    private final LoopbackGrpc frontend;
    private final ContextHttpServer http;

    /** Starts backend and frontend gRPC servers and the HTTP edge. */
    public Topology(Consumer<String> log) throws Exception {
      List<ClientInterceptor> client = List.of(ContextClientInterceptor.create().withValues(RequestIds.METADATA));
      ContextServerInterceptor server = ContextServerInterceptor.create(Context.background()).withValues(RequestIds.METADATA);
      backend = new LoopbackGrpc(
          ServerServiceDefinition.builder("demo.Backend")
              .addMethod(LOOKUP, UnaryHandler.adapt((ctx, name) -> {
                log.accept("grpc-backend  request-id=" + id(ctx));
                return name.toUpperCase(java.util.Locale.ROOT);
              }))
              .build(),
          List.of(server), client);
      frontend = new LoopbackGrpc(
          ServerServiceDefinition.builder("demo.Frontend")
              .addMethod(RESOLVE, UnaryHandler.adapt((ctx, name) -> {
                log.accept("grpc-frontend request-id=" + id(ctx));
                return GrpcCalls.unary(ctx, backend.channel(), LOOKUP, name);
              }))
              .build(),
          List.of(server), client);
      http = ContextHttpServer.start(Context.background(), Map.of("/resolve", httpMiddleware((ctx, ex) -> {
        log.accept("http          request-id=" + id(ctx));
        String name = ex.getRequestURI().getQuery();
        String answer = GrpcCalls.unary(ctx, frontend.channel(), RESOLVE, name == null ? "" : name);
        ContextHttpServer.respond(ex, 200, answer);
      })), RequestIds.HEADER);
    }

    private static String id(Context ctx) {
      return RequestIds.requestId(ctx).orElse("<none>");
    }

    /** The HTTP edge. */
    public java.net.URI uri(String query) {
      return http.uri("/resolve?" + query);
    }

    @Override
    public void close() {
      http.close();
      frontend.close();
      backend.close();
    }
  }

  @Override
  public String id() {
    return "004-13";
  }

  @Override
  public String title() {
    return "request id: HTTP -> gRPC -> gRPC";
  }

  @Override
  public String run() throws Exception {
    List<String> log = new CopyOnWriteArrayList<>();
    try (Topology topology = new Topology(log::add)) {
      HttpResponse<String> response = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(topology.uri("alice")).header(HEADER, "req-13").build(),
          HttpResponse.BodyHandlers.ofString());
      boolean same = log.size() == 3 && log.stream().allMatch(l -> l.endsWith("request-id=req-13"));
      if (response.statusCode() != 200 || !same || !"req-13".equals(response.headers().firstValue(HEADER).orElse(null))) {
        throw new IllegalStateException("id not propagated: " + response.statusCode() + " " + log);
      }
      return "answer '" + response.body() + "'; 3 layers logged request-id=req-13 (http, grpc-frontend, grpc-backend); echoed in response";
    }
  }
}
