package io.jcontext.bench.context;

import io.jcontext.Context;
import io.jcontext.Key;
import io.jcontext.bench.kt.CoroutineValues;
import java.util.concurrent.TimeUnit;
import kotlin.coroutines.CoroutineContext;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Value lookup in a context carrying 8 keys, bound one {@code withValue} at a time on a root.
 * {@code depth8_*} reads the first key bound (the deepest: jcontext walks all 8 links);
 * {@code depth1_*} reads the last key bound (found on the context itself). grpc keeps values in
 * a persistent hash trie, so its cost barely depends on the depth; kotlinx's
 * {@code CoroutineContext} (8 elements with distinct keys, combined with {@code plus}) is an
 * extra reference point for Kotlin users. {@code bind8_*} measures the other side of the
 * trade: binding all 8 values one {@code withValue} at a time on the root (jcontext copies a
 * small hash table per {@code withValue} within a run, grpc copies a trie path).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(2)
public class ValueBenchmark {
  private static final int DEPTH = 8;

  private final Key<String>[] jcKeys = newJcKeys();
  private final io.grpc.Context.Key<String>[] grpcKeys = newGrpcKeys();
  private final CoroutineContext.Key<CoroutineValues.Element>[] kxKeys = CoroutineValues.keys(DEPTH);

  private Context jcCtx;
  private io.grpc.Context grpcCtx;
  private CoroutineContext kxCtx;

  @SuppressWarnings("unchecked")
  private static Key<String>[] newJcKeys() {
    Key<String>[] keys = (Key<String>[]) new Key<?>[DEPTH];
    for (int i = 0; i < DEPTH; i++) {
      keys[i] = Key.of("k" + i, String.class);
    }
    return keys;
  }

  @SuppressWarnings("unchecked")
  private static io.grpc.Context.Key<String>[] newGrpcKeys() {
    io.grpc.Context.Key<String>[] keys = (io.grpc.Context.Key<String>[]) new io.grpc.Context.Key<?>[DEPTH];
    for (int i = 0; i < DEPTH; i++) {
      keys[i] = io.grpc.Context.key("k" + i);
    }
    return keys;
  }

  @Setup
  public void setUp() {
    Context jc = Context.background();
    io.grpc.Context grpc = io.grpc.Context.ROOT;
    for (int i = 0; i < DEPTH; i++) {
      jc = jc.withValue(jcKeys[i], "v" + i);
      grpc = grpc.withValue(grpcKeys[i], "v" + i);
    }
    jcCtx = jc;
    grpcCtx = grpc;
    kxCtx = CoroutineValues.chain(kxKeys);
    if (!"v0".equals(jcCtx.value(jcKeys[0])) || !"v0".equals(grpcKeys[0].get(grpcCtx))
        || !"v0".equals(kxCtx.get(kxKeys[0]).getValue())) {
      throw new AssertionError("lookup broken");
    }
  }

  @Benchmark
  public String depth8_jcontext() {
    return jcCtx.value(jcKeys[0]);
  }

  @Benchmark
  public String depth8_grpc() {
    return grpcKeys[0].get(grpcCtx);
  }

  @Benchmark
  public Object depth8_kotlinxCoroutineContext() {
    return kxCtx.get(kxKeys[0]);
  }

  @Benchmark
  public String depth1_jcontext() {
    return jcCtx.value(jcKeys[DEPTH - 1]);
  }

  @Benchmark
  public String depth1_grpc() {
    return grpcKeys[DEPTH - 1].get(grpcCtx);
  }

  @Benchmark
  public Object depth1_kotlinxCoroutineContext() {
    return kxCtx.get(kxKeys[DEPTH - 1]);
  }

  @Benchmark
  public Context bind8_jcontext() {
    Context c = Context.background();
    for (int i = 0; i < DEPTH; i++) {
      c = c.withValue(jcKeys[i], "v");
    }
    return c;
  }

  @Benchmark
  public io.grpc.Context bind8_grpc() {
    io.grpc.Context c = io.grpc.Context.ROOT;
    for (int i = 0; i < DEPTH; i++) {
      c = c.withValue(grpcKeys[i], "v");
    }
    return c;
  }
}
