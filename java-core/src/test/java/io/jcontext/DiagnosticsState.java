package io.jcontext;

import io.jcontext.diagnostics.ContextDiagnostics;
import io.jcontext.diagnostics.DiagnosticReport;
import io.jcontext.diagnostics.ReportListener;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Saves the switches of the diagnostics before a test and restores them after it (the suite may
 * run with them forced on by system properties), and collects the reports of the test.
 */
final class DiagnosticsState implements ReportListener {
  private final boolean tracking = ContextDiagnostics.isTracking();
  private final boolean lostCancel = ContextDiagnostics.isLostCancelDetection();
  private final int sampling = ContextDiagnostics.samplingRate();
  private final Duration threshold = ContextDiagnostics.leakThreshold();
  private final Duration period = ContextDiagnostics.leakCheckPeriod();
  private final Stop listening;
  /** Every report delivered while this state was current. */
  final List<DiagnosticReport> reports = new CopyOnWriteArrayList<>();

  /** Starts from a clean state: everything off, sampling every context, no periodic checks. */
  DiagnosticsState() {
    ContextDiagnostics.setTracking(false);
    ContextDiagnostics.setLostCancelDetection(false);
    ContextDiagnostics.setSamplingRate(1);
    ContextDiagnostics.setLeakCheckPeriod(Duration.ZERO);
    ContextDiagnostics.setLeakThreshold(Duration.ofMinutes(1));
    listening = ContextDiagnostics.addListener(this);
  }

  @Override
  public void onReport(DiagnosticReport report) {
    reports.add(report);
  }

  List<DiagnosticReport> reportsFrom(String method) {
    return reports.stream()
        .filter(r -> !r.site().isEmpty() && r.site().get(0).getMethodName().equals(method))
        .toList();
  }

  void restore() {
    listening.stop();
    ContextDiagnostics.setTracking(false); // forgets this test's registry and reported groups
    ContextDiagnostics.setLostCancelDetection(false);
    ContextDiagnostics.setTracking(tracking);
    ContextDiagnostics.setLostCancelDetection(lostCancel);
    ContextDiagnostics.setSamplingRate(sampling);
    ContextDiagnostics.setLeakThreshold(threshold);
    ContextDiagnostics.setLeakCheckPeriod(period);
  }
}
