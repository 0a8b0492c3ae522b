package io.jcontext.samples.deadlines;

import io.jcontext.CancellableContext;
import io.jcontext.Context;
import io.jcontext.samples.Sample;
import io.jcontext.testing.VirtualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Seed 004, task 16: a context that must be done by a wall-clock instant ("by 17:00 UTC"), for
 * schedulers and end-of-window jobs.
 *
 * <p>{@link Context#withDeadline(Instant)} already is that; naming it at the call site says why
 * (compare {@code withTimeout(Duration.between(now, endOfWindow))}). It inherits the library's
 * guarantees: an instant already past gives a context that is done at once with
 * {@link io.jcontext.DeadlineExceededException} (and schedules no timer); a parent with an earlier
 * deadline wins. {@link #withMinimumBudget} refuses to start work that cannot finish.
 *
 * <p>The deadline is read on the context's clock, which follows the system clock's wall time
 * from start-up without jumping when it is adjusted; with a {@link VirtualClock} the test decides
 * what time it is.
 */
public final class WallClockDeadline implements Sample {

  /** Returns a child of {@code parent} that is done at {@code endOfWindow} at the latest. */
  public static CancellableContext withDeadlineAt(Context parent, Instant endOfWindow) {
    return parent.withDeadline(Objects.requireNonNull(endOfWindow, "endOfWindow"));
  }

  /** Thrown when less than the minimum budget remains before the deadline. */
  public static final class InsufficientBudgetException extends Exception {
    private static final long serialVersionUID = 1L;

    InsufficientBudgetException(String message) {
      super(message);
    }
  }

  /**
   * Like {@link #withDeadlineAt}, but refuses (creating nothing) if less than {@code minBudget}
   * remains until {@code endOfWindow} on the parent's clock.
   */
  public static CancellableContext withMinimumBudget(Context parent, Instant endOfWindow, Duration minBudget)
      throws InsufficientBudgetException {
    long now = parent.clock().nanoTime();
    Instant nowInstant = Instant.ofEpochSecond(0, now);
    Duration remaining = Duration.between(nowInstant, endOfWindow);
    if (remaining.compareTo(minBudget) < 0) {
      throw new InsufficientBudgetException("only " + remaining + " until " + endOfWindow
          + ", need at least " + minBudget);
    }
    return withDeadlineAt(parent, endOfWindow);
  }

  @Override
  public String id() {
    return "004-16";
  }

  @Override
  public String title() {
    return "deadline at a wall-clock instant";
  }

  @Override
  public String run() throws Exception {
    VirtualClock clock = new VirtualClock(Instant.parse("2026-05-29T16:59:59Z"));
    Instant five = Instant.parse("2026-05-29T17:00:00Z");
    CancellableContext job = withDeadlineAt(clock.background(), five);
    clock.advance(Duration.ofMillis(999));
    boolean liveBefore = !job.isDone();
    clock.advance(Duration.ofMillis(1));
    CancellableContext past = withDeadlineAt(clock.background(), five.minusSeconds(3600));
    try (CancellableContext parent = clock.background().withTimeout(Duration.ofMillis(100));
         CancellableContext child = withDeadlineAt(parent, clock.now().plusSeconds(3600))) {
      String refused;
      try {
        withMinimumBudget(clock.background(), five.plusSeconds(10), Duration.ofMinutes(1));
        refused = "not refused";
      } catch (InsufficientBudgetException e) {
        refused = "refused (" + e.getMessage().substring(0, e.getMessage().indexOf(" until")) + ")";
      }
      if (!liveBefore || job.err() == null || !job.err().isTimeout() || !past.isDone()
          || !child.deadline().equals(parent.deadline())) {
        throw new IllegalStateException("wall-clock deadline misbehaved");
      }
      return "17:00Z job: live at 16:59:59.999, " + job.err().getClass().getSimpleName()
          + " at 17:00; an hour-old deadline is done at once; child of a 100 ms parent keeps "
          + "the parent's deadline; 10 s left with 1 min needed: " + refused;
    }
  }
}
