package io.jcontext.bench.http;

import java.util.Arrays;

/**
 * {@link HttpHelperBenchmark}'s three GETs in wall time, in rounds that alternate between them
 * (the order rotating each round), so that a machine's load drifting over minutes hits them
 * alike; JMH runs them one after another. Prints, per GET, the median and the best of the round
 * means, and the median over rounds of each round's difference to {@code get_plain}: a paired
 * figure that a loaded machine disturbs far less than the difference of two JMH scores.
 *
 * <pre>java -Dsun.net.httpserver.nodelay=true -cp benchmarks.jar io.jcontext.bench.http.HttpHelperAlternatingMain [rounds] [calls]</pre>
 */
public final class HttpHelperAlternatingMain {
  private HttpHelperAlternatingMain() {}

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 40;
    int calls = args.length > 1 ? Integer.parseInt(args[1]) : 200;
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.err.println("without -Dsun.net.httpserver.nodelay=true every GET meets Nagle's 40 ms");
    }
    HttpHelperBenchmark b = new HttpHelperBenchmark();
    b.setUp();
    String[] names = {"get_plain", "get_plain_sameHeaders", "get_jcontext"};
    double[][] mean = new double[names.length][rounds];
    try {
      for (int i = 0; i < 3000; i++) { // warm-up of every path
        b.get_plain();
        b.get_plain_sameHeaders();
        b.get_jcontext();
      }
      for (int r = 0; r < rounds; r++) {
        for (int k = 0; k < names.length; k++) {
          int shape = (r + k) % names.length;
          long t0 = System.nanoTime();
          for (int i = 0; i < calls; i++) {
            switch (shape) {
              case 0: b.get_plain(); break;
              case 1: b.get_plain_sameHeaders(); break;
              default: b.get_jcontext();
            }
          }
          mean[shape][r] = (System.nanoTime() - t0) / 1e3 / calls;
        }
      }
    } finally {
      b.tearDown();
    }
    System.out.printf("%d rounds x %d calls, %s%n", rounds, calls, Runtime.version());
    for (int s = 0; s < names.length; s++) {
      double[] diff = new double[rounds];
      for (int r = 0; r < rounds; r++) {
        diff[r] = mean[s][r] - mean[0][r];
      }
      System.out.printf("%-22s median %8.1f us  best %8.1f us  paired difference to get_plain: median %+7.1f us%n",
          names[s], median(mean[s]), Arrays.stream(mean[s]).min().orElse(Double.NaN), median(diff));
    }
    double[] helper = new double[rounds];
    for (int r = 0; r < rounds; r++) {
      helper[r] = mean[2][r] - mean[1][r];
    }
    System.out.printf("get_jcontext - get_plain_sameHeaders, paired: median %+7.1f us%n", median(helper));
    System.exit(0);
  }

  static double median(double[] xs) {
    double[] s = xs.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }
}
