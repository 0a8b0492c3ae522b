package io.jcontext.samples;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/**
 * Runs every sample in order and prints one line each: status, seed/task id, title, outcome and
 * elapsed time. Ends with an exception (a non-zero exit under {@code exec:java}, exit status 1
 * when run with {@code java}) if any sample failed.
 *
 * <pre>
 * mvn -B -q -ntp -Ptour -pl samples -am process-classes
 * </pre>
 *
 * <p>Arguments, if any, filter the samples: only those whose id starts with one of them run
 * ({@code 004-13 001}).
 */
public final class Tour {

  private Tour() {}

  /** Runs the tour; see the class comment. */
  public static void main(String[] args) {
    List<Sample> samples = Samples.all();
    int failed = run(samples, List.of(args), System.out);
    if (failed > 0) {
      throw new IllegalStateException(failed + " of " + samples.size() + " samples failed");
    }
  }

  /**
   * Runs {@code samples} whose id starts with one of {@code filters} (all if empty), printing a
   * line each to {@code out}; returns how many failed.
   */
  public static int run(List<Sample> samples, List<String> filters, PrintStream out) {
    int failed = 0;
    int ran = 0;
    long start = System.nanoTime();
    for (Sample sample : samples) {
      if (!filters.isEmpty() && filters.stream().noneMatch(f -> sample.id().startsWith(f))) {
        continue;
      }
      ran++;
      long t0 = System.nanoTime();
      String status;
      String outcome;
      try {
        outcome = sample.run();
        status = "ok  ";
      } catch (Throwable t) {
        failed++;
        status = "FAIL";
        outcome = describe(t);
        if (t instanceof InterruptedException) {
          Thread.currentThread().interrupt();
        }
      }
      long ms = (System.nanoTime() - t0) / 1_000_000;
      out.println(String.format(Locale.ROOT, "%s %-7s %-44s %s  [%d ms]",
          status, sample.id(), sample.title(), outcome, ms));
      out.flush();
    }
    long total = (System.nanoTime() - start) / 1_000_000;
    out.println(String.format(Locale.ROOT, "tour: %d samples, %d failed, %d ms", ran, failed, total));
    return failed;
  }

  private static String describe(Throwable t) {
    StringBuilder b = new StringBuilder(t.toString());
    for (Throwable c = t.getCause(); c != null && c != t; c = c.getCause()) {
      b.append(" <- ").append(c);
      if (c.getCause() == c) {
        break;
      }
    }
    return b.toString().replace('\n', ' ');
  }
}
