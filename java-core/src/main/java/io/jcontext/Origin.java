package io.jcontext;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Where and when a cancellable context was created: the record that the diagnostics keep for a
 * context (see {@link Diagnostics}). Immutable.
 *
 * <p><b>The gate.</b> Every cancellable context is created through {@link #capture}, called once
 * by the {@link CancelCtx} constructor. It reads one static field ({@link #mode}); while no
 * diagnostic is on that read is the whole cost, and the context's {@code origin} stays null, so
 * nothing else of the diagnostics runs at creation, and nothing at all on isDone, cancel or
 * derive paths. A feature that needs creation times adds its condition to {@code mode} (a bit) and
 * receives an Origin with a timestamp; the stack is recorded only for the diagnostics' sampling.
 */
final class Origin {
  /** Bit of {@link #mode}: the tracking registry (dumps, the long-lived detector) is on. */
  static final int TRACKING = 1;
  /** Bit of {@link #mode}: lost-cancel detection is on. */
  static final int LOST_CANCEL = 2;

  /**
   * Which features want an Origin for each new context; 0 (the default) when none does. Written
   * only by {@link Diagnostics} (under its lock); read once per cancellable context created.
   */
  static volatile int mode = Diagnostics.initialMode();

  /** Creation time on the context's clock, in nanos ({@code System.nanoTime()} based for the system clock). */
  final long created;
  /** The stack of the code that created the context, library frames skipped; null if not sampled. */
  final StackTraceElement[] site;

  private Origin(long created, StackTraceElement[] site) {
    this.created = created;
    this.site = site;
  }

  /** The gate: returns null (one static read) unless a diagnostic wants this context's origin. */
  static Origin capture(Clock clock) {
    int m = mode;
    return m == 0 ? null : stamp(clock, m);
  }

  private static Origin stamp(Clock clock, int m) {
    StackTraceElement[] site = null;
    if ((m & (TRACKING | LOST_CANCEL)) != 0) {
      int n = Diagnostics.samplingRate;
      if (n == 1 || ThreadLocalRandom.current().nextInt(n) == 0) {
        site = Sites.capture();
      }
    }
    return new Origin(clock.nanoTime(), site);
  }
}
