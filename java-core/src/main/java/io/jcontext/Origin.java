package io.jcontext;

import io.jcontext.internal.Flight;
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
 * The one condition outside {@code mode} is the flight recorder's: while a recording enables
 * {@code io.jcontext.ContextCancelled}, contexts get a timestamp-only Origin (its {@code lived}
 * field), which the diagnostics ignore (they act on the {@code mode} bits).
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

  /**
   * The gate: returns null unless a diagnostic wants this context's origin, or a flight recording
   * records {@code io.jcontext.ContextCancelled} (whose {@code lived} field needs the creation
   * time; no site then). Off, that is one static read, and one test of the event's enabled state
   * that the JIT folds to a field read (a constant while no recording ever ran).
   */
  static Origin capture(Clock clock) {
    int m = mode;
    if (m != 0) {
      return stamp(clock, m);
    }
    return Flight.AVAILABLE && ContextCancelledEvent.enabled() ? new Origin(clock.nanoTime(), null) : null;
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
