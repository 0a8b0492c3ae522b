package io.jcontext;

import io.jcontext.diagnostics.DerivationTrace;
import io.jcontext.diagnostics.DiagnosticReport;
import io.jcontext.diagnostics.LiveContexts;
import io.jcontext.diagnostics.ReportListener;
import io.jcontext.internal.DiagnosticsAccess;
import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The engine behind {@link io.jcontext.diagnostics.ContextDiagnostics}.
 *
 * <pre>
 * Implementation overview
 *
 * Gate. {@link Origin#off} (a constant to the JIT while off, in CancelCtx.exposed() and the
 * ChildContext constructor) lets nothing below run for a new context while no diagnostic is on.
 * Otherwise created() stamps its Origin (into ORIGINS), tracks it while tracking is on, and
 * hands out a watched handle while lost-cancel detection is on.
 *
 * Registry (tracking). TRACKED holds one {@link Tracked} per context created while tracking is
 * on: a weak reference to the context plus its Origin. The context's parent link is the tree
 * itself (CancelCtx.parent), so dumps find descendants by walking up from each entry; the
 * registry needs no structure of its own beyond a concurrent set. Entries leave when their
 * context is reclaimed (TRACKED_QUEUE, polled at each insertion) or found done (sweep(), run when
 * the set has doubled since the last sweep: amortised O(1) per insertion; and every dump/check).
 *
 * Lost cancel. WATCHES holds one {@link CancelHandle.Watch} per handle handed out: a weak
 * reference to the handle and a strong one to its context. Cancelling through the handle removes
 * the watch; otherwise, when the collector clears it, the daemon thread (or check()) takes it
 * from LOST_QUEUE, and if the context is still live and before its deadline, that is the report.
 * WATCHES.remove() decides, so each watch is reported at most once.
 *
 * Reports go to LISTENERS, or to the System.Logger when there is none. LONG_LIVED groups already
 * reported are remembered in REPORTED (by creation site and kind) until tracking is turned off.
 *
 * Invariants: Origin.mode has bit TRACKING iff tracking is on, bit LOST_CANCEL iff lost-cancel
 * detection is on, bit FLIGHT iff (as of the last start or stop of a recording) a flight
 * recording enables io.jcontext.ContextCancelled; it and the daemon thread are changed only under
 * LOCK. A context's Origin is in ORIGINS iff it was created while mode was non-zero (until
 * tracking is switched off, which clears the map, or the context is collected). The daemon thread runs
 * iff lost-cancel detection is on or (tracking is on and the check period is positive).
 * </pre>
 */
final class Diagnostics extends DiagnosticsAccess {
  static final String PROPERTY = "jcontext.diagnostics";
  static final String LOST_CANCEL_PROPERTY = "jcontext.diagnostics.lostCancel";
  static final String SAMPLING_PROPERTY = "jcontext.diagnostics.sampling";
  static final String THRESHOLD_PROPERTY = "jcontext.diagnostics.leakThreshold";
  static final String PERIOD_PROPERTY = "jcontext.diagnostics.leakCheckPeriod";

  private static final int MIN_SWEEP = 1024;
  /** How long the daemon keeps gathering reclaimed handles after the first, to report them together. */
  private static final long BATCH_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
  private static final Object LOCK = new Object();

  /** One in N sampled contexts get a creation stack. Always at least 1. */
  static volatile int samplingRate = 1;
  private static volatile long thresholdNanos = TimeUnit.MINUTES.toNanos(1);
  private static volatile long periodNanos;

  private static final Set<Tracked> TRACKED = ConcurrentHashMap.newKeySet();
  /**
   * The origins of the contexts stamped at creation (cancellable and value contexts): weak keys,
   * compared by identity (the library's contexts keep Object's equals and hashCode), so an entry
   * keeps nothing alive. Beside the contexts rather than in a field of theirs: a context costs no
   * byte more while the diagnostics are off. Guarded by itself.
   */
  private static final Map<Object, Origin> ORIGINS = new WeakHashMap<>();
  private static final ReferenceQueue<CancelCtx> TRACKED_QUEUE = new ReferenceQueue<>();
  private static volatile int sweepAt = MIN_SWEEP;
  private static final AtomicBoolean SWEEPING = new AtomicBoolean();

  private static final Set<CancelHandle.Watch> WATCHES = ConcurrentHashMap.newKeySet();
  private static final ReferenceQueue<CancelHandle> LOST_QUEUE = new ReferenceQueue<>();

  private static final Set<GroupKey> REPORTED = ConcurrentHashMap.newKeySet();
  private static final Set<GroupKey> REPORTED_LOST = ConcurrentHashMap.newKeySet();
  private static final List<ListenerEntry> LISTENERS = new CopyOnWriteArrayList<>();

  /** The daemon thread, or null; guarded by LOCK. */
  private static Thread worker;

  /** The mode Origin starts with, from the system properties. */
  private static final int INITIAL_MODE;

  static {
    int mode = 0;
    boolean tracking = Boolean.getBoolean(PROPERTY);
    if (tracking) {
      mode |= Origin.TRACKING;
    }
    if (Boolean.getBoolean(LOST_CANCEL_PROPERTY)) {
      mode |= Origin.LOST_CANCEL;
    }
    String s = System.getProperty(SAMPLING_PROPERTY);
    if (s != null) {
      try {
        int n = Integer.parseInt(s.trim());
        if (n <= 0) {
          throw new NumberFormatException("not positive");
        }
        samplingRate = n;
      } catch (NumberFormatException e) {
        badProperty(SAMPLING_PROPERTY, s, "1");
      }
    }
    Duration threshold = duration(THRESHOLD_PROPERTY, false);
    if (threshold != null) {
      thresholdNanos = saturatedNanos(threshold); // PT300000H must not fail the class's initialisation
    }
    Duration period = duration(PERIOD_PROPERTY, true);
    periodNanos = period != null ? saturatedNanos(period) : tracking ? Math.max(1, thresholdNanos / 2) : 0;
    INITIAL_MODE = mode;
    DiagnosticsAccess.install(new Diagnostics());
    synchronized (LOCK) {
      updateWorker(mode);
    }
  }

  private Diagnostics() {}

  static int initialMode() {
    return INITIAL_MODE;
  }

  // ---------------------------------------------------------------------------------------
  // Hooks of the core (called only for contexts that have an Origin)
  // ---------------------------------------------------------------------------------------

  /** A context with an Origin was created (and linked to its parent). */
  /**
   * Records where the value context {@code v} was derived, while tracking is on, for trace():
   * value contexts have no field for it (they are immutable and often many), so their origins
   * sit in a weak identity map that keeps no context alive and is cleared when tracking stops.
   */
  static void valueCreated(ValueCtx v) {
    if ((Origin.mode & Origin.TRACKING) == 0) {
      return;
    }
    Origin o = Origin.capture(Tree.clockOf(v.source));
    if (o != null) {
      stamp(v, o);
    }
  }

  /** Keeps {@code o} as the origin of the new context {@code ctx}. */
  static void stamp(Object ctx, Origin o) {
    synchronized (ORIGINS) {
      ORIGINS.put(ctx, o);
    }
  }

  /** The origin stamped on {@code ctx} at its creation, or null. */
  static Origin originOf(Object ctx) {
    synchronized (ORIGINS) {
      return ORIGINS.get(ctx);
    }
  }

  /**
   * A cancellable context was just created and propagated while a diagnostic (or the flight
   * recorder's cancellation event) was on: stamps its origin, tracks it, and returns what the
   * factory hands out (a watched handle while lost-cancel detection is on and {@code handOut}).
   */
  static CancellableContext created(CancelCtx c, boolean handOut) {
    Origin o = Origin.capture(c.clock);
    if (o == null) {
      return c; // switched off meanwhile
    }
    stamp(c, o);
    if ((Origin.mode & Origin.TRACKING) != 0) {
      track(c, o);
    }
    return handOut && (Origin.mode & Origin.LOST_CANCEL) != 0 ? new CancelHandle(c, o, LOST_QUEUE).watched() : c;
  }

  private static void track(CancelCtx c, Origin o) {
    TRACKED.add(new Tracked(c, o));
    for (int i = 0; i < 16; i++) {
      Reference<?> r = TRACKED_QUEUE.poll();
      if (r == null) {
        break;
      }
      TRACKED.remove(r);
    }
    if (TRACKED.size() > sweepAt) {
      sweep();
    }
  }


  static void watch(CancelHandle.Watch w) {
    WATCHES.add(w);
  }

  static void unwatch(CancelHandle.Watch w) {
    if (WATCHES.remove(w)) {
      w.clear();
    }
  }

  /** A tracked context: weakly, with its origin. */
  static final class Tracked extends WeakReference<CancelCtx> {
    final Origin origin;

    Tracked(CancelCtx c, Origin origin) {
      super(c, TRACKED_QUEUE);
      this.origin = origin;
    }
  }

  private static void sweep() {
    if (!SWEEPING.compareAndSet(false, true)) {
      return;
    }
    try {
      TRACKED.removeIf(t -> {
        CancelCtx c = t.get();
        return c == null || c.isDone();
      });
      sweepAt = Math.max(MIN_SWEEP, 2 * TRACKED.size());
    } finally {
      SWEEPING.set(false);
    }
  }

  /** Number of registry entries; for tests. */
  static int trackedEntries() {
    return TRACKED.size();
  }

  /** Whether the daemon thread runs (or was asked to); for tests. */
  static boolean workerRunning() {
    synchronized (LOCK) {
      return worker != null;
    }
  }

  /** Number of watched handles; for tests. */
  static int watchedHandles() {
    return WATCHES.size();
  }

  // ---------------------------------------------------------------------------------------
  // Switches
  // ---------------------------------------------------------------------------------------

  @Override
  public void setTracking(boolean on) {
    synchronized (LOCK) {
      setMode(Origin.TRACKING, on);
      if (!on) {
        TRACKED.clear();
        REPORTED.clear();
        synchronized (ORIGINS) {
          ORIGINS.clear();
        }
      }
    }
  }

  @Override
  public boolean tracking() {
    return (Origin.mode & Origin.TRACKING) != 0;
  }

  @Override
  public void setLostCancelDetection(boolean on) {
    synchronized (LOCK) {
      setMode(Origin.LOST_CANCEL, on);
      if (!on) {
        for (CancelHandle.Watch w : WATCHES) {
          unwatch(w);
        }
        REPORTED_LOST.clear();
      }
    }
  }

  @Override
  public boolean lostCancelDetection() {
    return (Origin.mode & Origin.LOST_CANCEL) != 0;
  }

  /** Sets the {@link Origin#FLIGHT} bit (by {@link FlightWatch}, when a recording starts or stops). */
  static void setFlightStamping(boolean on) {
    synchronized (LOCK) {
      setMode(Origin.FLIGHT, on);
    }
  }

  private static void setMode(int bit, boolean on) {
    int m = on ? Origin.mode | bit : Origin.mode & ~bit;
    Origin.setMode(m);
    updateWorker(m);
  }

  @Override
  public void setSamplingRate(int oneIn) {
    samplingRate = oneIn;
  }

  @Override
  public int samplingRate() {
    return samplingRate;
  }

  @Override
  public void setLeakThreshold(Duration threshold) {
    thresholdNanos = saturatedNanos(threshold);
  }

  @Override
  public Duration leakThreshold() {
    return Duration.ofNanos(thresholdNanos);
  }

  @Override
  public void setLeakCheckPeriod(Duration period) {
    synchronized (LOCK) {
      periodNanos = saturatedNanos(period);
      updateWorker(Origin.mode);
      Thread w = worker;
      if (w != null) {
        w.interrupt(); // re-reads the period
      }
    }
  }

  @Override
  public Duration leakCheckPeriod() {
    return Duration.ofNanos(periodNanos);
  }

  private static long saturatedNanos(Duration d) {
    try {
      return d.toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }

  // ---------------------------------------------------------------------------------------
  // The daemon thread
  // ---------------------------------------------------------------------------------------

  /** Starts or stops the daemon thread to match {@code mode}; holds LOCK. */
  private static void updateWorker(int mode) {
    boolean needed = (mode & Origin.LOST_CANCEL) != 0 || ((mode & Origin.TRACKING) != 0 && periodNanos > 0);
    if (needed && worker == null) {
      Thread t = new Thread(Diagnostics::work, "jcontext-diagnostics");
      t.setDaemon(true);
      worker = t;
      t.start();
    } else if (!needed && worker != null) {
      Thread t = worker;
      worker = null;
      t.interrupt();
    }
  }

  private static boolean isWorker() {
    synchronized (LOCK) {
      return worker == Thread.currentThread();
    }
  }

  private static void work() {
    long nextCheck = System.nanoTime() + periodNanos;
    while (isWorker()) {
      try {
        long period = periodNanos;
        long waitMillis = 1000;
        if (period > 0 && (Origin.mode & Origin.TRACKING) != 0) {
          waitMillis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(nextCheck - System.nanoTime()));
        }
        Reference<? extends CancelHandle> r = LOST_QUEUE.remove(Math.min(waitMillis, 1000));
        Map<GroupKey, Acc> lost = new HashMap<>();
        drainLost(r, lost);
        if (r != null) { // the collector enqueues a batch over some time: gather it into one report
          long end = System.nanoTime() + BATCH_NANOS;
          while ((r = LOST_QUEUE.remove(20)) != null && System.nanoTime() - end < 0) {
            drainLost(r, lost);
          }
          drainLost(r, lost);
        }
        List<DiagnosticReport> found = new ArrayList<>();
        reportLost(lost, found);
        deliver(found);
        if (period > 0 && (Origin.mode & Origin.TRACKING) != 0 && System.nanoTime() - nextCheck >= 0) {
          nextCheck = System.nanoTime() + period;
          List<DiagnosticReport> leaks = new ArrayList<>();
          findLongLived(leaks);
          deliver(leaks);
        }
      } catch (InterruptedException e) {
        nextCheck = System.nanoTime() + periodNanos; // woken to re-read the switches
      } catch (Throwable t) {
        logger().log(System.Logger.Level.WARNING, "jcontext diagnostics: internal error", t);
      }
    }
  }

  // ---------------------------------------------------------------------------------------
  // Findings
  // ---------------------------------------------------------------------------------------

  @Override
  public List<DiagnosticReport> check() {
    List<DiagnosticReport> found = new ArrayList<>();
    Map<GroupKey, Acc> lost = new HashMap<>();
    drainLost(LOST_QUEUE.poll(), lost);
    reportLost(lost, found);
    findLongLived(found);
    deliver(found);
    return List.copyOf(found);
  }

  /**
   * Processes {@code first} (may be null) and every other reclaimed handle waiting in the queue:
   * the lost ones are grouped by creation stack, and each group is reported the first time only
   * (until detection is switched off), with the number found in this batch.
   */
  private static void drainLost(Reference<? extends CancelHandle> first, Map<GroupKey, Acc> groups) {
    for (Reference<? extends CancelHandle> r = first; r != null; r = LOST_QUEUE.poll()) {
      CancelHandle.Watch w = (CancelHandle.Watch) r;
      if (!WATCHES.remove(w)) {
        continue; // cancelled through the handle, or detection turned off
      }
      CancelCtx c = w.ctx;
      if (c.isDone() || (c.deadline != Nanos.NONE && c.deadline - c.clock.nanoTime() <= 0)) {
        continue; // done (or due: its timer is about to fire): nothing was lost
      }
      Origin o = w.origin;
      GroupKey key = new GroupKey(kindOf(c), o == null || o.site == null ? List.of() : List.of(o.site));
      if (REPORTED_LOST.contains(key)) {
        continue;
      }
      groups.computeIfAbsent(key, k -> new Acc()).add(o == null ? -1 : c.clock.nanoTime() - o.created);
    }
  }

  /** Reports the groups of lost contexts gathered by drainLost, each site the first time only. */
  private static void reportLost(Map<GroupKey, Acc> groups, List<DiagnosticReport> found) {
    groups.forEach((k, a) -> {
      if (!REPORTED_LOST.add(k)) {
        return; // another thread's batch reported it meanwhile
      }
      Duration age = a.oldest < 0 ? null : Duration.ofNanos(a.oldest);
      StringBuilder m = new StringBuilder("jcontext: lost cancel: ");
      m.append(a.count == 1 ? "a " + k.kind + " context" : a.count + " " + k.kind + " contexts")
          .append(" became unreachable without being cancelled");
      if (age != null) {
        m.append(" (age ").append(Report.format(age)).append(a.count == 1 ? ")" : " for the oldest)");
      }
      m.append(". Until the parent ends or the deadline passes, the library keeps such a context's"
          + " registration with its parent and its deadline timer. Cancel every context you create"
          + " (try-with-resources); later losses at this site are not reported again.");
      appendSite(m, k.site);
      found.add(new Report(DiagnosticReport.Kind.LOST_CANCEL, k.kind, k.site, a.count, age, m.toString()));
    });
  }

  private static void findLongLived(List<DiagnosticReport> found) {
    if ((Origin.mode & Origin.TRACKING) == 0) {
      return;
    }
    long threshold = thresholdNanos;
    Map<GroupKey, Acc> groups = new HashMap<>();
    for (Tracked t : TRACKED) {
      CancelCtx c = t.get();
      if (c == null || c.isDone()) {
        TRACKED.remove(t);
        continue;
      }
      Context p = Tree.source(c.parent);
      if (!(p instanceof CancelCtx) || p.isDone()) {
        continue; // under a root, withoutCancel or foreign parent: long-lived by design
      }
      long age = c.clock.nanoTime() - t.origin.created;
      if (age <= threshold) { // live for longer than the threshold
        continue;
      }
      groups.computeIfAbsent(GroupKey.of(c, t.origin), k -> new Acc()).add(age);
    }
    groups.entrySet().stream()
        .sorted((a, b) -> Integer.compare(b.getValue().count, a.getValue().count))
        .forEach(e -> {
          GroupKey k = e.getKey();
          if (!REPORTED.add(k)) {
            return;
          }
          Acc a = e.getValue();
          Duration oldest = Duration.ofNanos(a.oldest);
          StringBuilder m = new StringBuilder("jcontext: ").append(a.count).append(' ').append(k.kind)
              .append(a.count == 1 ? " context has" : " contexts have")
              .append(" stayed live under a live cancellable parent for longer than ")
              .append(Report.format(Duration.ofNanos(threshold))).append(" (oldest: ")
              .append(Report.format(oldest)).append("). Cancel each when its work ends.");
          appendSite(m, k.site);
          found.add(new Report(DiagnosticReport.Kind.LONG_LIVED, k.kind, k.site, a.count, oldest, m.toString()));
        });
  }

  private static void appendSite(StringBuilder m, List<StackTraceElement> site) {
    if (site.isEmpty()) {
      m.append(" Creation site not recorded (one context in ").append(samplingRate)
          .append(" is sampled; set ").append(SAMPLING_PROPERTY).append("=1 and ")
          .append(PROPERTY).append("=true to record all).");
    } else {
      m.append(" Created at:");
      for (StackTraceElement e : site) {
        m.append("\n\tat ").append(e);
      }
    }
  }

  /** A group of the detector and of dumps: same kind, same creation stack (empty: not sampled). */
  record GroupKey(String kind, List<StackTraceElement> site) {
    static GroupKey of(CancelCtx c, Origin o) {
      return new GroupKey(kindOf(c), o.site == null ? List.of() : List.of(o.site));
    }
  }

  /** Count and age range of a group. */
  static final class Acc {
    int count;
    long oldest = Long.MIN_VALUE;
    long youngest = Long.MAX_VALUE;

    void add(long age) {
      count++;
      oldest = Math.max(oldest, age);
      youngest = Math.min(youngest, age);
    }
  }

  static String kindOf(CancelCtx c) {
    Class<?> k = c.getClass();
    return k == CancelCtx.class ? "withCancel" : k == TimerCtx.class ? "withDeadline" : k.getName();
  }

  // ---------------------------------------------------------------------------------------
  // Dump and trace
  // ---------------------------------------------------------------------------------------

  @Override
  public LiveContexts dump(Context ctx) {
    Context target = Tree.unwrap(ctx);
    Map<GroupKey, Acc> groups = new HashMap<>();
    int total = 0;
    for (Tracked t : TRACKED) {
      CancelCtx c = t.get();
      if (c == null || c.isDone()) {
        TRACKED.remove(t);
        continue;
      }
      if (!descends(c, target)) {
        continue;
      }
      groups.computeIfAbsent(GroupKey.of(c, t.origin), k -> new Acc()).add(c.clock.nanoTime() - t.origin.created);
      total++;
    }
    List<LiveContexts.Group> list = new ArrayList<>();
    groups.forEach((k, a) -> list.add(new LiveDump.GroupImpl(k.site, k.kind, a.count,
        Duration.ofNanos(a.oldest), Duration.ofNanos(a.youngest))));
    list.sort((a, b) -> a.count() != b.count() ? Integer.compare(b.count(), a.count())
        : b.oldest().compareTo(a.oldest()));
    return new LiveDump(String.valueOf(target), total, List.copyOf(list));
  }

  /** Whether {@code target} is a proper ancestor of {@code c} (by derivation). Iterative. */
  private static boolean descends(CancelCtx c, Context target) {
    for (Context x = c.parent; x != null; x = parentOf(x)) {
      if (x == target) {
        return true;
      }
    }
    return false;
  }

  private static Context parentOf(Context x) {
    if (x instanceof CancelCtx) {
      return ((CancelCtx) x).parent;
    } else if (x instanceof ValueCtx) {
      return ((ValueCtx) x).parent;
    } else if (x instanceof WithoutCancelCtx) {
      return ((WithoutCancelCtx) x).parent;
    } else if (x instanceof CancelHandle) {
      return ((CancelHandle) x).inner;
    }
    return null;
  }

  @Override
  public DerivationTrace trace(Context ctx) {
    List<DerivationTrace.Step> steps = new ArrayList<>();
    Context x = Tree.unwrap(ctx);
    while (x != null) {
      String kind;
      Origin o = null;
      Clock clock = null;
      if (x instanceof CancelCtx) {
        CancelCtx c = (CancelCtx) x;
        kind = kindOf(c);
        o = originOf(c);
        clock = c.clock;
      } else if (x instanceof ValueCtx) {
        ValueCtx v = (ValueCtx) x;
        kind = "withValue(" + v.key.name() + ")";
        o = originOf(v);
        clock = o == null ? null : Tree.clockOf(v.source);
      } else if (x instanceof WithoutCancelCtx) {
        kind = "withoutCancel";
      } else if (x instanceof RootCtx) {
        kind = ((RootCtx) x).name;
      } else {
        kind = x.getClass().getName();
      }
      List<StackTraceElement> site = o == null || o.site == null ? List.of() : List.of(o.site);
      Duration age = o == null ? null : Duration.ofNanos(clock.nanoTime() - o.created);
      steps.add(new Trace.StepImpl(kind, site, age, x.isDone()));
      x = parentOf(x);
    }
    return new Trace(List.copyOf(steps));
  }

  // ---------------------------------------------------------------------------------------
  // Reporting
  // ---------------------------------------------------------------------------------------

  @Override
  public Stop addListener(ReportListener listener) {
    ListenerEntry e = new ListenerEntry(listener);
    LISTENERS.add(e);
    return () -> LISTENERS.remove(e);
  }

  private static final class ListenerEntry {
    final ReportListener listener;
    final AtomicBoolean failed = new AtomicBoolean();

    ListenerEntry(ReportListener listener) {
      this.listener = listener;
    }
  }

  private static void deliver(List<DiagnosticReport> reports) {
    for (DiagnosticReport r : reports) {
      if (LISTENERS.isEmpty()) {
        logger().log(System.Logger.Level.WARNING, r.message());
        continue;
      }
      for (ListenerEntry e : LISTENERS) {
        try {
          e.listener.onReport(r);
        } catch (Throwable t) {
          if (e.failed.compareAndSet(false, true)) {
            try {
              logger().log(System.Logger.Level.WARNING, "jcontext diagnostics: report listener "
                  + e.listener + " threw; its later failures are not logged", t);
            } catch (Throwable ignored) {
              // a failing logger must not break the diagnostics either
            }
          }
        }
      }
    }
  }

  private static System.Logger logger() {
    return LoggerHolder.LOGGER;
  }

  /** Created on first use, so that a program without reports never initialises logging. */
  private static final class LoggerHolder {
    static final System.Logger LOGGER = System.getLogger("io.jcontext");
  }

  private static Duration duration(String property, boolean zeroAllowed) {
    String s = System.getProperty(property);
    if (s == null) {
      return null;
    }
    try {
      String v = s.trim();
      Duration d = v.chars().allMatch(Character::isDigit) && !v.isEmpty()
          ? Duration.ofMillis(Long.parseLong(v)) : Duration.parse(v);
      if (d.isNegative() || (!zeroAllowed && d.isZero())) {
        throw new DateTimeParseException("out of range", v, 0);
      }
      return d;
    } catch (RuntimeException e) {
      badProperty(property, s, "the default");
      return null;
    }
  }

  private static void badProperty(String property, String value, String used) {
    logger().log(System.Logger.Level.WARNING, "jcontext: ignoring -D" + property + "=" + value
        + " (malformed); using " + used);
  }
}
