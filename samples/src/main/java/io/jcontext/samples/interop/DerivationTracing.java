package io.jcontext.samples.interop;

import io.jcontext.CancellableContext;
import io.jcontext.Context;
import io.jcontext.Key;
import io.jcontext.diagnostics.ContextDiagnostics;
import io.jcontext.diagnostics.DerivationTrace;
import io.jcontext.samples.Diagnosing;
import io.jcontext.samples.Sample;
import io.jcontext.testing.VirtualClock;
import java.time.Duration;
import java.util.function.Function;

/**
 * Seed 004, task 20: three middleware layers derive the request context; the handler asks the
 * library where each derivation in its chain came from ({@link ContextDiagnostics#trace}), which
 * is what to read when a deadline, a value or a cancellation turns up where nobody expected it.
 * The creation sites are recorded while the diagnostics are on ({@code -Djcontext.diagnostics=true},
 * or {@link ContextDiagnostics#setTracking} as here); the kinds of the steps are always known.
 */
public final class DerivationTracing implements Sample {

  /** The user key set by the auth layer. */
  public static final Key<String> USER = Key.of("user", String.class);
  /** The tenant key set by the tenant layer. */
  public static final Key<String> TENANT = Key.of("tenant", String.class);

  static Context authLayer(Context ctx) {
    return ctx.withValue(USER, "alice");
  }

  static CancellableContext deadlineLayer(Context ctx) {
    return ctx.withTimeout(Duration.ofSeconds(2));
  }

  static Context tenantLayer(Context ctx) {
    return ctx.withValue(TENANT, "acme");
  }

  /** Runs the three layers from {@code root} and hands the handler's context to {@code handler}. */
  public static <T> T serverFlow(Context root, Function<Context, T> handler) {
    Context afterAuth = authLayer(root);
    try (CancellableContext afterDeadline = deadlineLayer(afterAuth)) {
      return handler.apply(tenantLayer(afterDeadline));
    }
  }

  /** The handler's trace, newest step first, with creation sites recorded for the whole flow. */
  public static DerivationTrace traced(Context root) {
    try (Diagnosing session = Diagnosing.on(Duration.ofMinutes(1))) {
      return serverFlow(root, ContextDiagnostics::trace);
    }
  }

  @Override
  public String id() {
    return "004-20";
  }

  @Override
  public String title() {
    return "derivation tracing";
  }

  @Override
  public String run() {
    VirtualClock clock = new VirtualClock();
    DerivationTrace trace = traced(clock.background());
    StringBuilder b = new StringBuilder();
    for (DerivationTrace.Step s : trace.steps()) {
      b.append(b.length() == 0 ? "" : " <- ").append(s.kind());
      if (!s.site().isEmpty()) {
        b.append(" @ ").append(Diagnosing.top(s.site()));
      }
    }
    if (trace.steps().size() != 4 || trace.steps().stream().limit(3).anyMatch(s -> s.site().isEmpty())) {
      throw new IllegalStateException("expected 4 steps, 3 with a site: " + trace);
    }
    return b.toString();
  }
}
