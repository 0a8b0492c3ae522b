package io.jcontext.diagnostics;

/**
 * Receives the reports of the context diagnostics; installed with
 * {@link ContextDiagnostics#addListener}.
 *
 * <p>Runs on the thread that found the report: the diagnostics daemon thread
 * ({@code jcontext-diagnostics}) or a thread calling {@link ContextDiagnostics#check()}; possibly
 * on several threads at once, so an implementation must be thread-safe, and should be quick. An
 * exception it throws is caught: it is logged once (per listener) to the {@code System.Logger}
 * {@code "io.jcontext"} and the other listeners still receive the report.
 */
@FunctionalInterface
public interface ReportListener {

  /** Called once per report. */
  void onReport(DiagnosticReport report);
}
