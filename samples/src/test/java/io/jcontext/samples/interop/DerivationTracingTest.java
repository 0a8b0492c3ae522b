package io.jcontext.samples.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcontext.CancellableContext;
import io.jcontext.Context;
import io.jcontext.DeadlineExceededException;
import io.jcontext.testing.VirtualClock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class DerivationTracingTest {

  @Test
  void traceNamesEachLayerNewestFirst() {
    VirtualClock clock = new VirtualClock();
    List<TracingContexts.Step> steps = DerivationTracing.serverFlow(clock.background(), TracingContexts::steps);
    assertEquals(List.of("withValue(tenant)", "withTimeout(PT2S)", "withValue(user)", "wrap"),
        steps.stream().map(TracingContexts.Step::note).toList());
    String prefix = DerivationTracing.class.getName() + ".";
    assertTrue(steps.get(0).frames().get(0).startsWith(prefix + "tenantLayer("), steps.get(0).frames().get(0));
    assertTrue(steps.get(1).frames().get(0).startsWith(prefix + "deadlineLayer("));
    assertTrue(steps.get(2).frames().get(0).startsWith(prefix + "authLayer("));
    assertTrue(steps.get(3).frames().get(0).startsWith(prefix + "serverFlow("));
    assertTrue(steps.get(1).frames().get(1).startsWith(prefix + "serverFlow("), "callers are kept too");
    assertEquals(VirtualClock.DEFAULT_START, steps.get(0).when());
  }

  @Test
  void tracedContextsBehaveLikeTheRealOnes() {
    VirtualClock clock = new VirtualClock();
    Context traced = TracingContexts.wrap(clock.background()).withValue(DerivationTracing.USER, "alice");
    CancellableContext timed = traced.withTimeout(Duration.ofSeconds(2));
    CancellableContext child = timed.withCancel();
    assertEquals("alice", child.value(DerivationTracing.USER));
    assertEquals(timed.deadline(), child.deadline());
    clock.advance(Duration.ofSeconds(2));
    assertInstanceOf(DeadlineExceededException.class, child.err(), "deadline reaches through the wrappers");
    CancellableContext other = traced.withCancel();
    other.cancel();
    assertTrue(other.isDone());
    assertEquals(5, TracingContexts.steps(other.withoutCancel().withCancel()).size());
    assertTrue(TracingContexts.trace(child).startsWith("=== depth 0: withCancel at "));
    assertEquals("(not a traced context)", TracingContexts.trace(Context.background()));
  }

  @Test
  void tourStop() {
    assertTrue(new DerivationTracing().run().startsWith("withValue(tenant) @ DerivationTracing.tenantLayer"));
  }
}
