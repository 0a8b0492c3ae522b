package io.jcontext;

import io.jcontext.internal.Flight;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MutableCallSite;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Where and when a cancellable context was created: the record that the diagnostics keep for a
 * context (see {@link Diagnostics}). Immutable.
 *
 * <p><b>The gate.</b> Every cancellable context asks {@link #off} once, when it is handed out
 * ({@code CancelCtx.exposed()}, the {@code ChildContext} constructor). While no diagnostic is on
 * the answer is a constant the JIT compiles in: {@code off()} invokes a {@link MutableCallSite}
 * whose target returns a constant, and the compiled code depends on that target, so the gate
 * costs no instruction at all (a volatile read of {@link #mode} there cost 0.3 ns of a 9.5 ns
 * derive + cancel). Changing the mode re-targets the site and calls
 * {@link MutableCallSite#syncAll}, which deoptimises the code compiled against the old target and
 * makes every thread see the new one: a context created after {@link #setMode} returns (in
 * happens-before order) is seen by the diagnostics, as with a volatile flag. Nothing else of the
 * diagnostics runs at creation while off, and nothing at all on isDone, cancel or derive paths. An Origin is
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
   * only through {@link #setMode} (by {@link Diagnostics}, under its lock); read by the slow paths
   * once the gate is open.
   */
  static volatile int mode = Diagnostics.initialMode();

  /** Its target returns {@code mode == 0}; re-targeted only by {@link #setMode}. */
  private static final MutableCallSite OFF_SITE =
      new MutableCallSite(MethodHandles.constant(boolean.class, mode == 0));
  /** Invokes OFF_SITE's current target; a constant to the JIT, so a call of it folds. */
  private static final MethodHandle OFF = OFF_SITE.dynamicInvoker();

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
   * The record for a new context: null unless a diagnostic wants this context's origin, or a
   * flight recording records {@code io.jcontext.ContextCancelled} (whose {@code lived} field needs
   * the creation time; no site then). Called only behind the gate ({@link #off} false), so it
   * reads {@link #mode} for which of them asks.
   */
  static Origin capture(Clock clock) {
    int m = mode;
    return m == 0 ? null : stamp(clock, m);
  }

  /** True while {@link #capture} would return null; compiled, a constant (see the class comment). */
  static boolean off() {
    try {
      return (boolean) OFF.invokeExact();
    } catch (Throwable e) {
      throw new AssertionError(e); // a constant method handle does not throw
    }
  }

  /**
   * Sets {@link #mode} and the gate to match; the caller serialises calls (Diagnostics' lock).
   * When it returns, every thread's next {@link #off} answers for {@code m}.
   */
  static void setMode(int m) {
    mode = m;
    if ((m == 0) != off()) {
      OFF_SITE.setTarget(MethodHandles.constant(boolean.class, m == 0));
      MutableCallSite.syncAll(new MutableCallSite[] {OFF_SITE});
    }
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
