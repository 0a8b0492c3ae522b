package io.jcontext;

import io.jcontext.diagnostics.ContextDiagnostics;
import io.jcontext.testing.VirtualClock;
import java.time.Duration;

/**
 * Run in a fresh JVM by {@link DiagnosticsPropertiesTest}: prints the diagnostics' settings as
 * the system properties left them, one {@code name=value} line each; with the argument
 * {@code leak}, also plants a group of long-lived contexts on a virtual clock and lets
 * {@link ContextDiagnostics#check()} report it with no listener installed (so to the
 * {@code System.Logger}), printing how many reports there were.
 */
final class DiagnosticsPropertiesMain {
  private DiagnosticsPropertiesMain() {}

  public static void main(String[] args) {
    System.out.println("tracking=" + ContextDiagnostics.isTracking());
    System.out.println("lostCancel=" + ContextDiagnostics.isLostCancelDetection());
    System.out.println("sampling=" + ContextDiagnostics.samplingRate());
    System.out.println("threshold=" + ContextDiagnostics.leakThreshold());
    System.out.println("period=" + ContextDiagnostics.leakCheckPeriod());
    if (args.length > 0 && args[0].equals("leak")) {
      VirtualClock clock = new VirtualClock();
      CancellableContext parent = clock.background().withCancel();
      CancellableContext[] kept = new CancellableContext[3];
      for (int i = 0; i < kept.length; i++) {
        kept[i] = leakSite(parent);
      }
      clock.advance(ContextDiagnostics.leakThreshold().plus(Duration.ofSeconds(1)));
      System.out.println("reports=" + ContextDiagnostics.check().size());
      parent.cancel();
    }
  }

  private static CancellableContext leakSite(Context parent) {
    return parent.withCancel();
  }
}
