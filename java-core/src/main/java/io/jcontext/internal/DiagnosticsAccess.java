package io.jcontext.internal;

import io.jcontext.Context;
import io.jcontext.Stop;
import io.jcontext.diagnostics.DerivationTrace;
import io.jcontext.diagnostics.DiagnosticReport;
import io.jcontext.diagnostics.LiveContexts;
import io.jcontext.diagnostics.ReportListener;
import java.time.Duration;
import java.util.List;

/**
 * The library's bridge from {@code io.jcontext.diagnostics} to the diagnostics engine of the core
 * package. Not an API: public only so that the library's packages can reach it. The engine
 * installs itself when its class initialises; {@link #get()} makes sure it has.
 */
public abstract class DiagnosticsAccess {
  private static volatile DiagnosticsAccess engine;

  /** Engine only: installs the engine. */
  protected DiagnosticsAccess() {}

  /** Engine only: called once, from the engine's class initialiser. */
  public static void install(DiagnosticsAccess e) {
    engine = e;
  }

  /** Returns the engine, initialising it if needed. */
  public static DiagnosticsAccess get() {
    DiagnosticsAccess e = engine;
    if (e == null) {
      try {
        Class.forName("io.jcontext.Diagnostics", true, DiagnosticsAccess.class.getClassLoader());
      } catch (ClassNotFoundException x) {
        throw new IllegalStateException("internal error: diagnostics engine missing", x);
      }
      e = engine;
    }
    return e;
  }

  public abstract void setTracking(boolean on);

  public abstract boolean tracking();

  public abstract void setLostCancelDetection(boolean on);

  public abstract boolean lostCancelDetection();

  public abstract void setSamplingRate(int oneIn);

  public abstract int samplingRate();

  public abstract void setLeakThreshold(Duration threshold);

  public abstract Duration leakThreshold();

  public abstract void setLeakCheckPeriod(Duration period);

  public abstract Duration leakCheckPeriod();

  public abstract LiveContexts dump(Context ctx);

  public abstract DerivationTrace trace(Context ctx);

  public abstract List<DiagnosticReport> check();

  public abstract Stop addListener(ReportListener listener);
}
