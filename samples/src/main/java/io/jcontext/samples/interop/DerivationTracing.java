package io.jcontext.samples.interop;

import io.jcontext.CancellableContext;
import io.jcontext.Context;
import io.jcontext.Key;
import io.jcontext.samples.Sample;
import io.jcontext.testing.VirtualClock;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;

/**
 * Seed 004, task 20, demonstrated: three middleware layers derive a traced request context; the
 * handler dumps where each derivation came from ({@link TracingContexts}).
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
    Context base = TracingContexts.wrap(root);
    Context afterAuth = authLayer(base);
    try (CancellableContext afterDeadline = deadlineLayer(afterAuth)) {
      return handler.apply(tenantLayer(afterDeadline));
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
    List<TracingContexts.Step> steps = serverFlow(clock.background(), TracingContexts::steps);
    StringBuilder b = new StringBuilder();
    for (TracingContexts.Step s : steps) {
      String top = s.frames().get(0);
      String method = top.substring(0, top.indexOf('('));
      b.append(b.length() == 0 ? "" : " <- ").append(s.note()).append(" @ ")
          .append(method.substring(method.lastIndexOf('.', method.lastIndexOf('.') - 1) + 1));
    }
    if (steps.size() != 4) {
      throw new IllegalStateException("expected 4 steps: " + steps);
    }
    return b.toString();
  }
}
