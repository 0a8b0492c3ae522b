package io.jcontext.http;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * The header that carries a request's deadline budget over HTTP: {@value #NAME}, the whole
 * milliseconds that remained of the caller's deadline when the request left, as a plain decimal
 * number ({@code Request-Budget-Ms: 1500}).
 *
 * <p>Why a duration and this name: HTTP has no standard deadline header (gRPC has
 * {@code grpc-timeout}, also a duration). A duration, unlike a wall-clock instant, does not
 * depend on the two hosts' clocks agreeing; the time the request spends in transit is not
 * counted, which a caller covers with its reserve. Milliseconds are what HTTP stacks and proxies
 * time in. The name says what it is without a vendor prefix.
 *
 * <p>Reading is lenient and never throws: surrounding spaces are allowed; an empty, non-numeric,
 * signed (also {@code +}), fractional or negative value is <b>ignored</b> (the request is
 * treated as having no budget, so the hop's default applies); a value larger than
 * {@link #MAX} (including one too large for a {@code long}) is <b>clamped</b> to {@code MAX};
 * {@code 0} means no time is left. Writing rounds down, so a budget never grows on the way.
 */
public final class BudgetHeader {
  /** The header name. */
  public static final String NAME = "Request-Budget-Ms";

  /** The largest budget read from the header: one day. Larger values are clamped to it. */
  public static final Duration MAX = Duration.ofDays(1);

  private static final long MAX_MILLIS = MAX.toMillis();

  private BudgetHeader() {}

  /**
   * Returns the header value for {@code budget}: its whole milliseconds, rounded down, at least
   * 0 and at most {@link #MAX}.
   */
  public static String format(Duration budget) {
    long ms;
    if (budget.isNegative()) {
      ms = 0;
    } else if (budget.compareTo(MAX) >= 0) {
      ms = MAX_MILLIS;
    } else {
      ms = budget.toMillis();
    }
    return Long.toString(ms);
  }

  /**
   * Returns the budget in {@code value}, or {@code null} if it is absent or malformed (see the
   * class comment). Never throws.
   */
  public static @Nullable Duration parse(@Nullable String value) {
    if (value == null) {
      return null;
    }
    String v = value.strip();
    if (v.isEmpty()) {
      return null;
    }
    long ms = 0;
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c < '0' || c > '9') {
        return null;
      }
      if (ms <= MAX_MILLIS) { // past MAX the value only clamps: stop accumulating, never overflow
        ms = ms * 10 + (c - '0');
      }
    }
    return ms >= MAX_MILLIS ? MAX : Duration.ofMillis(ms);
  }
}
