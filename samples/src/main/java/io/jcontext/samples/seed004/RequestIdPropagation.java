package io.jcontext.samples.seed004;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerServiceDefinition;
import io.jcontext.Context;
import io.jcontext.samples.Sample;
import io.jcontext.samples.grpc.GrpcCalls;
import io.jcontext.samples.grpc.GrpcContexts;
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
 * <p>HTTP in ({@link #httpMiddleware}: read {@value #HEADER} or mint one, echo it, put it in the
 * context) → gRPC out ({@link #clientInterceptor}: context → {@code x-request-id} metadata) → gRPC
 * in ({@link #serverInterceptor}: metadata → context) → gRPC out → gRPC in → log. Every layer logs
 * the id it reads from its context. Only the edge mints an id; the middle propagates what it got,
 * so a hop that forgot its interceptor shows up as a missing id rather than a fresh one.
 */
public final class RequestIdPropagation implements Sample {

  /** The HTTP header. */
  public static final String HEADER = "X-Request-ID";
  /** The gRPC metadata key (lower case, as gRPC requires). */
  public static final Metadata.Key<String> METADATA_KEY =
      Metadata.Key.of("x-request-id", Metadata.ASCII_STRING_MARSHALLER);

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

  /** HTTP middleware: stamps the request context with the caller's id (or a new one) and echoes it. */
  public static CtxHandler httpMiddleware(CtxHandler next) {
    return (ctx, ex) -> {
      String id = ex.getRequestHeaders().getFirst(HEADER);
      if (id == null || id.isBlank()) {
        id = newId();
      }
      ex.getResponseHeaders().set(HEADER, id);
      next.handle(RequestIds.withRequestId(ctx, id), ex);
    };
  }

  /** gRPC client interceptor: sends the caller context's id, if it has one (never mints). */
  public static ClientInterceptor clientInterceptor() {
    return new ClientInterceptor() {
      @Override
      public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options,
          Channel next) {
        Context ctx = options.getOption(GrpcContexts.CONTEXT);
        if (ctx == null) {
          ctx = GrpcContexts.current();
        }
        String id = ctx == null ? null : RequestIds.requestId(ctx).orElse(null);
        return new ForwardingClientCall.SimpleForwardingClientCall<Q, R>(next.newCall(method, options)) {
          @Override
          public void start(Listener<R> listener, Metadata headers) {
            if (id != null) {
              headers.put(METADATA_KEY, id);
            }
            super.start(listener, headers);
          }
        };
      }
    };
  }

  /**
   * gRPC server interceptor: puts the caller's id (or a new one, if the caller sent none) into the
   * call's jcontext. Runs after {@link GrpcContexts#serverInterceptor}.
   */
  public static ServerInterceptor serverInterceptor() {
    return new ServerInterceptor() {
      @Override
      public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
          ServerCallHandler<Q, R> next) {
        String id = headers.get(METADATA_KEY);
        Context ctx = GrpcContexts.current();
        if (ctx == null) {
          ctx = Context.background();
        }
        return GrpcContexts.withCurrent(RequestIds.withRequestId(ctx, id != null ? id : newId()),
            call, headers, next);
      }
    };
  }

  /** The three layers, wired on loopback; logs one line per layer to {@code log}. */
  public static final class Topology implements AutoCloseable {
    private final LoopbackGrpc backend;
    private final LoopbackGrpc frontend;
    private final ContextHttpServer http;

    /** Starts backend and frontend gRPC servers and the HTTP edge. */
    public Topology(Consumer<String> log) throws Exception {
      List<ClientInterceptor> client = List.of(clientInterceptor(), GrpcContexts.clientInterceptor());
      backend = new LoopbackGrpc(
          ServerServiceDefinition.builder("demo.Backend")
              .addMethod(LOOKUP, UnaryHandler.adapt((ctx, name) -> {
                log.accept("grpc-backend  request-id=" + id(ctx));
                return name.toUpperCase(java.util.Locale.ROOT);
              }))
              .build(),
          List.of(serverInterceptor(), GrpcContexts.serverInterceptor(Context.background())), client);
      frontend = new LoopbackGrpc(
          ServerServiceDefinition.builder("demo.Frontend")
              .addMethod(RESOLVE, UnaryHandler.adapt((ctx, name) -> {
                log.accept("grpc-frontend request-id=" + id(ctx));
                return GrpcCalls.unary(ctx, backend.channel(), LOOKUP, name);
              }))
              .build(),
          List.of(serverInterceptor(), GrpcContexts.serverInterceptor(Context.background())), client);
      http = ContextHttpServer.start(Context.background(), Map.of("/resolve", httpMiddleware((ctx, ex) -> {
        log.accept("http          request-id=" + id(ctx));
        String name = ex.getRequestURI().getQuery();
        String answer = GrpcCalls.unary(ctx, frontend.channel(), RESOLVE, name == null ? "" : name);
        ContextHttpServer.respond(ex, 200, answer);
      })));
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
