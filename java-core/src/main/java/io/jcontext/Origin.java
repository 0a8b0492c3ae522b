package io.jcontext;

import io.jcontext.internal.Flight;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Where and when a cancellable context was created: the record that the diagnostics keep for a
 * context (see {@link Diagnostics}). Immutable.
 *
 * <p><b>The gate.</b> Every cancellable context is created through {@link #capture}, called once
 * by the {@link CancelCtx} constructor. It reads one static field ({@link #mode}); while no
 * diagnostic is on that read is the whole cost and nothing is stored, so nothing else of the
 * diagnostics runs at creation, and nothing at all on isDone, cancel or derive paths. An Origin is
 * kept beside its context, in a weak identity map of {@link Diagnostics}, not in a field: the
 * contexts are as small with the diagnostics as without. A feature that needs creation times adds its condition to {@code mode} (a bit) and
 * receives an Origin with a timestamp; the stack is recorded only for the diagnostics' sampling.
 * The flight recorder has a bit too ({@link #FLIGHT}, kept by {@link FlightWatch}): while a
 * recording enables {@code io.jcontext.ContextCancelled}, contexts get a timestamp-only Origin for
 * its {@code lived} field, which the diagnostics' registry ignores (it acts on its own bits).
 */
final class Origin {
  /** Bit of {@link #mode}: the tracking registry (dumps, the long-lived detector) is on. */
  static final int TRACKING = 1;
  /** Bit of {@link #mode}: lost-cancel detection is on. */
  static final int LOST_CANCEL = 2;
  /**
   * Bit of {@link #mode}: a flight recording enables {@code io.jcontext.ContextCancelled}, whose
   * {@code lived} field needs the creation time (a timestamp only; see {@link FlightWatch}).
   */
  static final int FLIGHT = 4;

  /**
   * Which features want an Origin for each new context; 0 (the default) when none does. Written
   * only by {@link Diagnostics} (under its lock); read once per cancellable context created.
   */
  static volatile int mode = Diagnostics.initialMode();

  static {
    if (Flight.AVAILABLE) {
      FlightWatch.install(); // keeps the FLIGHT bit
    }
  }

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
    return m == 0 ? null : stamp(clock, m);
  }

  /** True while {@link #capture} would return null: the whole cost of the gate while off. */
  static boolean off() {
    return mode == 0;
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
