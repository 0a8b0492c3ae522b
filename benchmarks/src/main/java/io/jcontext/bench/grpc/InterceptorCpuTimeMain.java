package io.jcontext.bench.grpc;

import io.jcontext.bench.CpuTime;

/**
 * {@link InterceptorBenchmark}'s two shapes in thread CPU time (best of 15 rounds of 20 000
 * calls), immune to descheduling on a loaded machine, then in wall time with the two shapes in
 * alternating rounds. With direct executors the in-process call
 * runs on the calling thread, so its CPU time is the call's cost.
 *
 * <pre>java -cp benchmarks.jar io.jcontext.bench.grpc.InterceptorCpuTimeMain</pre>
 */
public final class InterceptorCpuTimeMain {
  private static final int OPS = 20_000;

  private InterceptorCpuTimeMain() {}

  public static void main(String[] args) throws Exception {
    InterceptorBenchmark b = new InterceptorBenchmark();
    b.setUp();
    try {
      double plain = 0;
      double jc = 0;
      for (int pass = 0; pass < 2; pass++) { // the second pass is reported: both shapes warm
        plain = CpuTime.bestNsPerOp(OPS, () -> {
          for (int i = 0; i < OPS; i++) {
            b.unary_plain();
          }
        });
        jc = CpuTime.bestNsPerOp(OPS, () -> {
          for (int i = 0; i < OPS; i++) {
            b.unary_jcontext();
          }
        });
      }
      System.out.printf("unary_plain     %8.0f ns/op (thread CPU, best of 15 x %d)%n", plain, OPS);
      System.out.printf("unary_jcontext  %8.0f ns/op%n", jc);
      System.out.printf("ratio           %8.3fx%n", jc / plain);
      // Wall time too, rounds alternating between the shapes, best of 15 each: catches work that
      // moved off the calling thread, and load hits both shapes alike.
      double wallPlain = Double.MAX_VALUE;
      double wallJc = Double.MAX_VALUE;
      for (int r = 0; r < 15; r++) {
        long t0 = System.nanoTime();
        for (int i = 0; i < OPS; i++) {
          b.unary_plain();
        }
        long t1 = System.nanoTime();
        for (int i = 0; i < OPS; i++) {
          b.unary_jcontext();
        }
        long t2 = System.nanoTime();
        wallPlain = Math.min(wallPlain, (t1 - t0) / (double) OPS);
        wallJc = Math.min(wallJc, (t2 - t1) / (double) OPS);
      }
      System.out.printf("wall: plain %8.0f ns/op, jcontext %8.0f ns/op, ratio %.3fx (alternating rounds, best of 15)%n",
          wallPlain, wallJc, wallJc / wallPlain);
    } finally {
      b.tearDown();
    }
  }
}
