package io.jcontext.bench.grpc;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import io.jcontext.CancellableContext;
import io.jcontext.Context;
import io.jcontext.Key;
import io.jcontext.grpc.ContextClientInterceptor;
import io.jcontext.grpc.ContextServerInterceptor;
import io.jcontext.grpc.GrpcContexts;
import io.jcontext.grpc.MetadataValue;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A blocking unary call over grpc-java's in-process transport (direct executors, so the call's
 * cost is grpc's own and not a thread hop), without and with jcontext's interceptors on both
 * sides. {@code plain}: no interceptors, a call deadline of 30 s (what a caller without jcontext
 * sets). {@code jcontext}: client and server interceptors, the caller's context has a 30 s
 * deadline and a request id that travels as metadata, and the handler reads its context.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class InterceptorBenchmark {
  static final Key<String> REQUEST_ID = Key.of("requestId", String.class);
  static final MetadataValue<String> ID = MetadataValue.ofString(REQUEST_ID, "x-request-id");

  static final MethodDescriptor.Marshaller<String> UTF8 = new MethodDescriptor.Marshaller<>() {
    @Override
    public InputStream stream(String value) {
      return new ByteArrayInputStream(value.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String parse(InputStream stream) {
      try (stream) {
        return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  };
  static final MethodDescriptor<String, String> ECHO = MethodDescriptor.<String, String>newBuilder()
      .setType(MethodDescriptor.MethodType.UNARY).setFullMethodName("bench/echo")
      .setRequestMarshaller(UTF8).setResponseMarshaller(UTF8).build();

  private Server plainServer;
  private Server jcServer;
  private ManagedChannel plain;
  private ManagedChannel jc;
  private CancellableContext deadline;
  private Context ctx;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    ServerServiceDefinition plainService = ServerServiceDefinition.builder("bench")
        .addMethod(ECHO, ServerCalls.asyncUnaryCall((req, out) -> {
          out.onNext(req);
          out.onCompleted();
        })).build();
    ServerServiceDefinition jcService = ServerServiceDefinition.builder("bench")
        .addMethod(ECHO, ServerCalls.asyncUnaryCall((req, out) -> {
          out.onNext(GrpcContexts.current().value(REQUEST_ID));
          out.onCompleted();
        })).build();
    String a = InProcessServerBuilder.generateName();
    String b = InProcessServerBuilder.generateName();
    plainServer = InProcessServerBuilder.forName(a).directExecutor().addService(plainService).build().start();
    jcServer = InProcessServerBuilder.forName(b).directExecutor()
        .addService(ServerInterceptors.intercept(jcService, ContextServerInterceptor.create(Context.background()).withValues(ID)))
        .build().start();
    plain = InProcessChannelBuilder.forName(a).directExecutor().build();
    jc = InProcessChannelBuilder.forName(b).directExecutor()
        .intercept(ContextClientInterceptor.create().withValues(ID)).build();
    deadline = Context.background().withTimeout(Duration.ofHours(1));
    ctx = deadline.withValue(REQUEST_ID, "r-1");
  }

  @TearDown(Level.Trial)
  public void tearDown() throws InterruptedException {
    deadline.cancel();
    plain.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    jc.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    plainServer.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    jcServer.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  @Benchmark
  public String unary_plain() {
    return ClientCalls.blockingUnaryCall(plain, ECHO, CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS), "r-1");
  }

  @Benchmark
  public String unary_jcontext() {
    return ClientCalls.blockingUnaryCall(jc, ECHO, CallOptions.DEFAULT.withOption(GrpcContexts.CONTEXT, ctx), "x");
  }
}
