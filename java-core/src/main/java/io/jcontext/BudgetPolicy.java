package io.jcontext;

import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * How one hop treats the deadline budget that arrives with a request or call (the gRPC and HTTP
 * integration modules take one): {@link #trust() trust} it,
 * {@link #clampTo(Duration) clamp} it to a maximum, or {@link #ignore() ignore} it. A budget is a
 * duration (what remains of the caller's deadline when the request left it), never a wall-clock
 * instant, so clock skew between hosts does not matter.
 *
 * <p>A request without a budget gets the policy's {@linkplain #withDefault(Duration) default}
 * ({@code null}, no deadline, unless set). An ignoring policy always gives the default. A
 * clamping policy caps whatever budget results, the default included, so no request runs longer
 * than the maximum at this hop. A budget of zero or less means the caller has no time left: the
 * request's context starts past its deadline.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class BudgetPolicy {
  private enum Mode { TRUST, CLAMP, IGNORE }

  private static final BudgetPolicy TRUST = new BudgetPolicy(Mode.TRUST, null, null);
  private static final BudgetPolicy IGNORE = new BudgetPolicy(Mode.IGNORE, null, null);

  private final Mode mode;
  private final @Nullable Duration max; // CLAMP only
  private final @Nullable Duration fallback; // null: no deadline when the request brings none

  private BudgetPolicy(Mode mode, @Nullable Duration max, @Nullable Duration fallback) {
    this.mode = mode;
    this.max = max;
    this.fallback = fallback;
  }

  /** Takes the incoming budget as it is. */
  public static BudgetPolicy trust() {
    return TRUST;
  }

  /**
   * Takes the incoming budget but never more than {@code max}.
   *
   * @throws IllegalArgumentException if {@code max} is zero or negative
   */
  public static BudgetPolicy clampTo(Duration max) {
    Objects.requireNonNull(max, "max");
    if (max.isZero() || max.isNegative()) {
      throw new IllegalArgumentException("max must be positive: " + max);
    }
    return new BudgetPolicy(Mode.CLAMP, max, null);
  }

  /** Disregards the incoming budget: every request gets the default. */
  public static BudgetPolicy ignore() {
    return IGNORE;
  }

  /**
   * Returns this policy with {@code budget} for requests that bring none ({@code null}: no deadline).
   *
   * @throws IllegalArgumentException if {@code budget} is zero or negative
   */
  public BudgetPolicy withDefault(@Nullable Duration budget) {
    if (budget != null && (budget.isZero() || budget.isNegative())) {
      throw new IllegalArgumentException("default budget must be positive: " + budget);
    }
    return new BudgetPolicy(mode, max, budget);
  }

  /**
   * Returns the budget this hop grants a request that arrived with {@code incoming} ({@code null}
   * when it brought none), or {@code null} for no deadline.
   */
  public @Nullable Duration budget(@Nullable Duration incoming) {
    @Nullable Duration b = mode == Mode.IGNORE || incoming == null ? fallback : incoming;
    if (mode == Mode.CLAMP && (b == null || b.compareTo(max) > 0)) {
      b = max;
    }
    return b;
  }

  /** Returns whether the incoming budget bounds the request's context (trust and clamp do). */
  public boolean honoursIncoming() {
    return mode != Mode.IGNORE;
  }

  @Override
  public String toString() {
    String s = switch (mode) {
      case TRUST -> "trust";
      case CLAMP -> "clampTo(" + max + ")";
      case IGNORE -> "ignore";
    };
    return fallback == null ? s : s + ".withDefault(" + fallback + ")";
  }
}
