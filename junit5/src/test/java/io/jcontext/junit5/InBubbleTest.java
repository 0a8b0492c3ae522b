package io.jcontext.junit5;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcontext.CancellableContext;
import io.jcontext.Context;
import io.jcontext.DeadlineExceededException;
import io.jcontext.testing.Bubble;
import io.jcontext.testing.BubbleDeadlockException;
import io.jcontext.testing.BubbleStallException;
import io.jcontext.testing.VirtualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;
import org.junit.platform.engine.discovery.DiscoverySelectors;

class InBubbleTest {

  @Test
  @InBubble
  void injectsTheBubbleItsClockAndItsRoot(Bubble bubble, VirtualClock clock, Context root) throws Exception {
    assertSame(bubble, Bubble.current());
    assertSame(bubble.clock(), clock);
    assertSame(bubble.context(), root);
    assertEquals(VirtualClock.DEFAULT_START, clock.now());
    try (CancellableContext c = root.withTimeout(Duration.ofSeconds(5))) {
      Context.sleep(root, Duration.ofSeconds(5).minusNanos(1));
      bubble.await();
      assertNull(c.err());
      Context.sleep(root, Duration.ofNanos(1));
      bubble.await();
      assertInstanceOf(DeadlineExceededException.class, c.err());
    }
  }

  @Test
  @InBubble(start = "2030-01-01T00:00:00Z")
  void startsWhereAsked(VirtualClock clock) {
    assertEquals(Instant.parse("2030-01-01T00:00:00Z"), clock.now());
  }

  @Test
  void failsTestsThatDeadlockLeakOrStall() {
    TestExecutionSummary s = run(Cases.class);
    assertEquals(1, s.getTestsSucceededCount(), "only the clean case passes");
    List<String> failures = new ArrayList<>();
    for (TestExecutionSummary.Failure f : s.getFailures()) {
      failures.add(f.getTestIdentifier().getDisplayName() + " -> " + f.getException().getClass().getSimpleName()
          + ": " + f.getException().getMessage());
    }
    failures.sort(null);
    assertEquals(5, failures.size(), String.join("\n", failures));
    assertTrue(failures.get(0).startsWith("deadlock(Bubble) -> " + BubbleDeadlockException.class.getSimpleName()
        + ": deadlock: every bubble thread is blocked"), failures.get(0));
    assertTrue(failures.get(2).startsWith("leftTimer(Context) -> AssertionError: 1 timer(s) still pending"),
        failures.get(2));
    assertTrue(failures.get(1).startsWith("leftThread(Bubble) -> " + BubbleDeadlockException.class.getSimpleName()
        + ": the body returned, but 1 bubble thread(s) would outlive it"), failures.get(1));
    assertTrue(failures.get(3).startsWith("stalled(Bubble) -> " + BubbleStallException.class.getSimpleName()),
        failures.get(3));
    assertTrue(failures.get(4).startsWith("throwing() -> IllegalStateException: boom"), failures.get(4));
  }

  /** Set while the launcher runs {@link Cases}, which are skipped when a build selects them. */
  static volatile boolean launching;

  static boolean launching() {
    return launching;
  }

  private static TestExecutionSummary run(Class<?> c) {
    LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
        .selectors(DiscoverySelectors.selectClass(c)).build();
    Launcher launcher = LauncherFactory.create();
    SummaryGeneratingListener listener = new SummaryGeneratingListener();
    launching = true;
    try {
      launcher.execute(request, listener);
    } finally {
      launching = false;
    }
    return listener.getSummary();
  }

  /** Run by failsTestsThatDeadlockLeakOrStall through the launcher, not by the build. */
  @InBubble(stallTimeoutMillis = 1_000)
  @EnabledIf("io.jcontext.junit5.InBubbleTest#launching")
  static class Cases {
    static final CountDownLatch NEVER = new CountDownLatch(1);

    @Test
    void clean(Context root) throws Exception {
      try (CancellableContext c = root.withTimeout(Duration.ofSeconds(1))) {
        c.awaitDone();
      }
    }

    @Test
    void deadlock(Bubble b) throws Exception {
      b.context().awaitDone();
    }

    @Test
    void leftThread(Bubble b) {
      b.executor().execute(() -> {
        try {
          b.context().awaitDone();
        } catch (InterruptedException e) {
          // stopped by the bubble
        }
      });
    }

    @Test
    void leftTimer(Context root) {
      root.withTimeout(Duration.ofSeconds(1)); // never cancelled
    }

    @Test
    void stalled(Bubble b) throws Exception {
      b.executor().execute(() -> {
        try {
          NEVER.await();
        } catch (InterruptedException e) {
          // stopped by the bubble
        }
      });
      b.await();
    }

    @Test
    void throwing() {
      throw new IllegalStateException("boom");
    }
  }
}
