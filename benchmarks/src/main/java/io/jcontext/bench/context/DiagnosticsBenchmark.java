package io.jcontext.bench.context;

import io.jcontext.CancellableContext;
import io.jcontext.Context;
import io.jcontext.diagnostics.ContextDiagnostics;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of the context diagnostics on the per-request shapes of {@link DeriveBenchmark} and
 * {@link TimeoutBenchmark}: {@code off} (the default; must equal those benchmarks), {@code tracking}
 * (registry, creation stack sampled 1 in 100) and {@code tracking+lostCancel} (plus a watched
 * handle per context). Compare the modes within one run.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(2)
public class DiagnosticsBenchmark {
  @Param({"off", "tracking", "tracking+lostCancel"})
  public String mode;

  private CancellableContext live;

  @Setup
  public void setUp() {
    ContextDiagnostics.setSamplingRate(100);
    ContextDiagnostics.setTracking(mode.startsWith("tracking"));
    ContextDiagnostics.setLostCancelDetection(mode.endsWith("lostCancel"));
    live = Context.background().withCancel();
  }

  @TearDown
  public void tearDown() {
    live.cancel();
    ContextDiagnostics.setTracking(false);
    ContextDiagnostics.setLostCancelDetection(false);
  }

  @Benchmark
  public Object deriveCancel() {
    CancellableContext c = live.withCancel();
    c.cancel();
    return c;
  }

  @Benchmark
  public Object timeoutCancel() {
    CancellableContext c = live.withTimeout(Duration.ofSeconds(30));
    c.cancel();
    return c;
  }
}
