package io.jcontext.samples;

import io.jcontext.Stop;
import io.jcontext.diagnostics.ContextDiagnostics;
import io.jcontext.diagnostics.DiagnosticReport;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Turns the library's context diagnostics on for a block of a sample, as a user would with
 * {@code -Djcontext.diagnostics=true}, and puts every switch back when closed. The reports found
 * meanwhile are kept in {@link #reports()} (a listener is installed, so they are not logged).
 *
 * <p>The switches are process-wide: one session at a time (the tour and the tests run samples one
 * after another).
 */
public final class Diagnosing implements AutoCloseable {
  private final boolean tracking = ContextDiagnostics.isTracking();
  private final boolean lostCancel = ContextDiagnostics.isLostCancelDetection();
  private final int sampling = ContextDiagnostics.samplingRate();
  private final Duration threshold = ContextDiagnostics.leakThreshold();
  private final Duration period = ContextDiagnostics.leakCheckPeriod();
  private final List<DiagnosticReport> reports = new CopyOnWriteArrayList<>();
  private final Stop listener;

  private Diagnosing(Duration leakThreshold) {
    ContextDiagnostics.setLeakCheckPeriod(Duration.ZERO); // the sample calls check() itself
    ContextDiagnostics.setLeakThreshold(leakThreshold);
    ContextDiagnostics.setSamplingRate(1); // every creation site: a debugging session
    ContextDiagnostics.setTracking(true);
    listener = ContextDiagnostics.addListener(reports::add);
  }

  /** Tracking on, every creation stack recorded, leaks reported past {@code leakThreshold}. */
  public static Diagnosing on(Duration leakThreshold) {
    return new Diagnosing(leakThreshold);
  }

  /** The reports delivered since this session began. */
  public List<DiagnosticReport> reports() {
    return reports;
  }

  @Override
  public void close() {
    listener.stop();
    ContextDiagnostics.setTracking(false); // forgets what was tracked and reported
    ContextDiagnostics.setTracking(tracking);
    ContextDiagnostics.setLostCancelDetection(lostCancel);
    ContextDiagnostics.setSamplingRate(sampling);
    ContextDiagnostics.setLeakThreshold(threshold);
    ContextDiagnostics.setLeakCheckPeriod(period);
  }

  /** The first frame of {@code site} as {@code Class.method(File.java:line)}, or "(no site)". */
  public static String top(List<StackTraceElement> site) {
    if (site.isEmpty()) {
      return "(no site)";
    }
    StackTraceElement f = site.get(0);
    String cls = f.getClassName().substring(f.getClassName().lastIndexOf('.') + 1);
    return cls + "." + f.getMethodName() + "(" + f.getFileName() + ":" + f.getLineNumber() + ")";
  }
}
