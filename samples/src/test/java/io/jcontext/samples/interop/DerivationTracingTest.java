package io.jcontext.samples.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcontext.Context;
import io.jcontext.diagnostics.ContextDiagnostics;
import io.jcontext.diagnostics.DerivationTrace;
import io.jcontext.testing.VirtualClock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class DerivationTracingTest {

  @Test
  void traceNamesEachLayerNewestFirst() {
    VirtualClock clock = new VirtualClock();
    DerivationTrace trace = DerivationTracing.traced(clock.background());
    List<DerivationTrace.Step> steps = trace.steps();
    assertEquals(List.of("withValue(tenant)", "withDeadline", "withValue(user)", "background"),
        steps.stream().map(DerivationTrace.Step::kind).toList(), trace.toString());
    String layers = DerivationTracing.class.getName();
    assertEquals(layers + ".tenantLayer", frame(steps.get(0), 0));
    assertEquals(layers + ".deadlineLayer", frame(steps.get(1), 0));
    assertEquals(layers + ".authLayer", frame(steps.get(2), 0));
    assertEquals(layers + ".serverFlow", frame(steps.get(1), 1), "callers are kept too");
    assertTrue(steps.get(3).site().isEmpty(), "a root has no creation site");
    assertEquals(Duration.ZERO, steps.get(1).age(), "nothing aged on the virtual clock");
    assertFalse(steps.get(1).done(), "traced inside the handler, while the deadline context was live");
  }

  private static String frame(DerivationTrace.Step step, int i) {
    StackTraceElement f = step.site().get(i);
    return f.getClassName() + "." + f.getMethodName();
  }

  @Test
  void withoutDiagnosticsTheKindsAreStillKnown() {
    DerivationTrace trace = DerivationTracing.serverFlow(Context.background(), ContextDiagnostics::trace);
    assertEquals(4, trace.steps().size());
    assertTrue(trace.steps().stream().allMatch(s -> s.site().isEmpty()), trace.toString());
    assertEquals("withDeadline", trace.steps().get(1).kind());
  }

  @Test
  void tourStop() {
    String line = new DerivationTracing().run();
    assertTrue(line.startsWith("withValue(tenant) @ DerivationTracing.tenantLayer(DerivationTracing.java:"), line);
  }
}
