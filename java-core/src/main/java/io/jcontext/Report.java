package io.jcontext;

import io.jcontext.diagnostics.DiagnosticReport;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** The immutable {@link DiagnosticReport} of the diagnostics engine. */
final class Report implements DiagnosticReport {
  private final Kind kind;
  private final String contextKind;
  private final List<StackTraceElement> site;
  private final int count;
  private final @Nullable Duration oldestAge;
  private final String message;

  Report(Kind kind, String contextKind, List<StackTraceElement> site, int count,
      @Nullable Duration oldestAge, String message) {
    this.kind = kind;
    this.contextKind = contextKind;
    this.site = site;
    this.count = count;
    this.oldestAge = oldestAge;
    this.message = message;
  }

  @Override
  public Kind kind() {
    return kind;
  }

  @Override
  public String contextKind() {
    return contextKind;
  }

  @Override
  public List<StackTraceElement> site() {
    return site;
  }

  @Override
  public int count() {
    return count;
  }

  @Override
  public @Nullable Duration oldestAge() {
    return oldestAge;
  }

  @Override
  public String message() {
    return message;
  }

  @Override
  public String toString() {
    return kind + ": " + message;
  }

  /** Renders a duration compactly: {@code 1h2m}, {@code 2m30s}, {@code 3.059s}, {@code 12.5ms}, {@code 0s}. */
  static String format(Duration d) {
    if (d.isNegative()) {
      return "-" + format(d.negated());
    }
    if (d.compareTo(Duration.ofMinutes(1)) >= 0) {
      long s = d.getSeconds();
      StringBuilder sb = new StringBuilder();
      if (s >= 3600) {
        sb.append(s / 3600).append('h');
      }
      if (s % 3600 >= 60) {
        sb.append(s % 3600 / 60).append('m');
      }
      if (s % 60 != 0) {
        sb.append(s % 60).append('s');
      }
      return sb.toString();
    }
    long n = d.toNanos();
    if (n == 0) {
      return "0s";
    }
    int shift = n >= 1_000_000_000L ? 9 : n >= 1_000_000L ? 6 : n >= 1_000L ? 3 : 0;
    String unit = shift == 9 ? "s" : shift == 6 ? "ms" : shift == 3 ? "\u00b5s" : "ns";
    return new BigDecimal(n).movePointLeft(shift).setScale(3, RoundingMode.HALF_UP).stripTrailingZeros()
        .toPlainString() + unit;
  }
}
