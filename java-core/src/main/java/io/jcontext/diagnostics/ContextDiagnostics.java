package io.jcontext.diagnostics;

import io.jcontext.Context;
import io.jcontext.Stop;
import io.jcontext.internal.DiagnosticsAccess;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Run-time diagnostics of context trees: where contexts were created, which are still live, which
 * stay live too long, and which were dropped without being cancelled. All off by default.
 *
 * <p><b>Switches.</b> Each can be set by a system property (read once, when the library's first
 * cancellable context is created) or changed at any time by the methods below:
 * <table>
 * <caption>System properties</caption>
 * <tr><th>property</th><th>default</th><th>method</th></tr>
 * <tr><td>{@code jcontext.diagnostics}</td><td>{@code false}</td><td>{@link #setTracking}</td></tr>
 * <tr><td>{@code jcontext.diagnostics.lostCancel}</td><td>{@code false}</td><td>{@link #setLostCancelDetection}</td></tr>
 * <tr><td>{@code jcontext.diagnostics.sampling}</td><td>{@code 1} (every context)</td><td>{@link #setSamplingRate}</td></tr>
 * <tr><td>{@code jcontext.diagnostics.leakThreshold}</td><td>{@code PT1M}</td><td>{@link #setLeakThreshold}</td></tr>
 * <tr><td>{@code jcontext.diagnostics.leakCheckPeriod}</td><td>half the threshold when tracking is on by property, else none</td><td>{@link #setLeakCheckPeriod}</td></tr>
 * </table>
 * Durations are ISO-8601 ({@code PT30S}) or a number of milliseconds. A malformed value is logged
 * and the default used.
 *
 * <p><b>Tracking</b> records every cancellable context created while it is on ({@code withCancel},
 * {@code withDeadline}, {@code withTimeout} and the contexts of integrations such as the Kotlin
 * bridge): its creation time and, for one in {@link #setSamplingRate N} of them, the stack that
 * created it. The registry refers to each context weakly, so it keeps nothing alive; entries of
 * contexts that are done or reclaimed are dropped as the registry grows. Contexts created while
 * tracking was off are not in it. {@link #dump} and {@link #check} read it.
 *
 * <p><b>Lost-cancel detection</b> hands out, for every {@code withCancel}/{@code withDeadline}/
 * {@code withTimeout} created while it is on, a handle that behaves exactly as the context
 * (same values, deadline, cancellation, children; its children are children of the context
 * itself, so they do not keep the handle reachable). When the garbage collector finds the handle
 * unreachable while the context is still live (never cancelled, deadline not passed, parent not
 * done), a {@link DiagnosticReport.Kind#LOST_CANCEL} report names its creation site when it was
 * sampled. Each creation site (creation stack) is reported once, with the number of handles
 * reclaimed together, until detection is switched off. The context itself keeps working: its
 * timer still fires, its callbacks still run.
 * As in Go, a context is lost if its creator drops it before it is done, even if its parent
 * would have ended it later: a child left to end with its parent is reported when its handle
 * becomes unreachable first. False negatives: a handle that stays reachable is never reported,
 * e.g. when a callback, a field or a thread-local captures it; a report comes only after a
 * collection that reclaims the handle, so perhaps long after the fact, or never in a program
 * that stops first.
 *
 * <p><b>Cost.</b> Off: creating a cancellable or value context reads one static field, and no
 * context is larger for the diagnostics (creation records are kept beside the contexts, in a weak
 * identity map, only while one is on); nothing else runs on any path (isDone, cancel, deriving,
 * values). On: tracking costs a synchronized weak-map entry, a weak reference and a registry
 * insertion per context, plus a stack walk for each sampled one (tens of microseconds:
 * sample 1 in 100 or more outside a debugging session); lost-cancel detection costs a handle and
 * a weak reference per context, and a registry removal when the handle is cancelled. Figures are
 * in the benchmarks module.
 *
 * <p><b>Reports</b> go to every installed {@link ReportListener}; while none is installed, to the
 * {@code System.Logger} named {@code "io.jcontext"} at level {@code WARNING}. Lost-cancel reports
 * and periodic leak checks run on one daemon thread, {@code jcontext-diagnostics}, which runs
 * only while lost-cancel detection or periodic checks are on.
 *
 * <p>All methods are thread-safe.
 */
public final class ContextDiagnostics {
  private ContextDiagnostics() {}

  /** Turns tracking on or off for contexts created from now on; off also forgets the tracked ones. */
  public static void setTracking(boolean on) {
    engine().setTracking(on);
  }

  /** Whether tracking is on. */
  public static boolean isTracking() {
    return engine().tracking();
  }

  /**
   * Turns lost-cancel detection on or off for contexts created from now on. Off also forgets the
   * handles handed out so far (they keep working; they are no longer watched).
   */
  public static void setLostCancelDetection(boolean on) {
    engine().setLostCancelDetection(on);
  }

  /** Whether lost-cancel detection is on. */
  public static boolean isLostCancelDetection() {
    return engine().lostCancelDetection();
  }

  /**
   * Records the creation stack of one in {@code oneIn} contexts created while tracking or
   * lost-cancel detection is on, chosen at random; 1 records every one.
   *
   * @throws IllegalArgumentException if {@code oneIn <= 0} (the rate is then unchanged)
   */
  public static void setSamplingRate(int oneIn) {
    if (oneIn <= 0) {
      throw new IllegalArgumentException("sampling rate must be at least 1 (one in N contexts), got " + oneIn);
    }
    engine().setSamplingRate(oneIn);
  }

  /** The current sampling rate N: one in N contexts has its creation stack recorded. */
  public static int samplingRate() {
    return engine().samplingRate();
  }

  /**
   * Sets how long a tracked context may stay live under a live cancellable parent before
   * {@link #check()} reports it.
   *
   * @throws NullPointerException if {@code threshold} is null
   * @throws IllegalArgumentException if {@code threshold} is zero or negative (unchanged then)
   */
  public static void setLeakThreshold(Duration threshold) {
    Objects.requireNonNull(threshold, "threshold");
    if (threshold.isZero() || threshold.isNegative()) {
      throw new IllegalArgumentException("leak threshold must be positive, got " + threshold);
    }
    engine().setLeakThreshold(threshold);
  }

  /** The leak threshold. */
  public static Duration leakThreshold() {
    return engine().leakThreshold();
  }

  /**
   * Runs {@link #check()} every {@code period} of real time on the {@code jcontext-diagnostics}
   * daemon thread while tracking is on; {@link Duration#ZERO} stops the periodic checks.
   *
   * @throws NullPointerException if {@code period} is null
   * @throws IllegalArgumentException if {@code period} is negative (unchanged then)
   */
  public static void setLeakCheckPeriod(Duration period) {
    Objects.requireNonNull(period, "period");
    if (period.isNegative()) {
      throw new IllegalArgumentException("leak check period must not be negative, got " + period);
    }
    engine().setLeakCheckPeriod(period);
  }

  /** The period of the automatic leak checks; zero when there are none. */
  public static Duration leakCheckPeriod() {
    return engine().leakCheckPeriod();
  }

  /**
   * Returns the live tracked descendants of {@code ctx} (contexts derived from it, directly or
   * not, created while tracking was on and not yet done), grouped by creation site. Reads the
   * registry without stopping anyone: contexts created or cancelled meanwhile may or may not
   * appear. O(tracked contexts × depth).
   *
   * @throws NullPointerException if {@code ctx} is null
   */
  public static LiveContexts dump(Context ctx) {
    Objects.requireNonNull(ctx, "ctx");
    return engine().dump(ctx);
  }

  /**
   * Returns how {@code ctx} was derived, step by step up to its root. Every context has its kind;
   * a cancellable or value context created while tracking was on also has its age, and its
   * creation site when it was sampled (value contexts' origins are kept in a weak map, cleared
   * when tracking is switched off).
   *
   * @throws NullPointerException if {@code ctx} is null
   */
  public static DerivationTrace trace(Context ctx) {
    Objects.requireNonNull(ctx, "ctx");
    return engine().trace(ctx);
  }

  /**
   * Looks for leaks now and returns what it found that was not reported before: the handles
   * reclaimed while their context was live (lost cancel), and the groups of tracked contexts
   * (by creation site) live for longer than the {@link #setLeakThreshold threshold}, measured on
   * each context's clock, under a parent that is a live cancellable context (children of a root
   * or of {@code withoutCancel} are long-lived by design and never reported). Each group is
   * reported once, the first time it is found. Every report is also delivered as described
   * above, on the calling thread.
   */
  public static List<DiagnosticReport> check() {
    return engine().check();
  }

  /**
   * Installs {@code listener}; reports then go to the listeners instead of the System.Logger.
   * The returned {@link Stop} removes it (true the first time).
   *
   * @throws NullPointerException if {@code listener} is null
   */
  public static Stop addListener(ReportListener listener) {
    Objects.requireNonNull(listener, "listener");
    return engine().addListener(listener);
  }

  private static DiagnosticsAccess engine() {
    return DiagnosticsAccess.get();
  }
}
