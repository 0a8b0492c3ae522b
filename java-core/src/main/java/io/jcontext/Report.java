package io.jcontext;

import io.jcontext.diagnostics.DiagnosticReport;
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

  /** Renders a duration compactly: {@code 1m30s}, {@code 2.5s}, {@code 12ms}. */
  static String format(Duration d) {
    String s = d.toString(); // PT1M30.5S
    return s.startsWith("PT") ? s.substring(2).toLowerCase(java.util.Locale.ROOT) : s;
  }
}
