package io.jcontext.samples.deadlines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcontext.diagnostics.DiagnosticReport;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class SoakProbeTest {
  /** One virtual minute: short in tests; the probe takes any Config. */
  private static final SoakProbe.Config MINUTE = new SoakProbe.Config(Duration.ofMinutes(1),
      Duration.ofMillis(100), Duration.ofSeconds(15), Duration.ofMinutes(10));

  @Test
  void leakyHandlerGrowsWithEveryRequestAndTheLeakCheckNamesItsLine() throws Exception {
    SoakProbe.Report r = SoakProbe.soakVirtual(true, MINUTE);
    assertEquals(List.of(0, 150, 300, 450, 600), r.samples(), "linear growth: one live context per request");
    assertEquals(1, r.leaks().size(), r.leaks().toString());
    DiagnosticReport leak = r.leaks().get(0);
    assertEquals(DiagnosticReport.Kind.LONG_LIVED, leak.kind());
    assertEquals(450, leak.count(), "live for longer than the 15 s threshold: the first 45 s of requests");
    StackTraceElement line = leak.site().get(0);
    assertEquals(SoakProbe.class.getName(), line.getClassName());
    assertEquals("handleLeaky", line.getMethodName(), "the exact line: the withTimeout without cancel");
  }

  @Test
  void fixedHandlerStaysAtZeroAndTheCheckFindsNothing() throws Exception {
    SoakProbe.Report r = SoakProbe.soakVirtual(false, MINUTE);
    assertEquals(5, r.samples().size());
    assertEquals(0, r.growth());
    assertEquals(0, r.last());
    assertTrue(r.leaks().isEmpty(), r.leaks().toString());
  }

  @Test
  void leakedContextsAreReleasedOnlyWhenTheirTimeoutFires() throws Exception {
    // Timeout shorter than the soak: the leak plateaus at timeout / interval instead of growing.
    SoakProbe.Config shortTimeout = new SoakProbe.Config(Duration.ofMinutes(1), Duration.ofMillis(100),
        Duration.ofSeconds(15), Duration.ofSeconds(10));
    SoakProbe.Report r = SoakProbe.soakVirtual(true, shortTimeout);
    assertTrue(r.samples().subList(1, 5).stream().allMatch(n -> n >= 99 && n <= 100), r.samples().toString());
    assertTrue(r.leaks().isEmpty(), "none outlives the 15 s threshold: bounded, not reported " + r.leaks());
  }

  @Test
  void tourStop() throws Exception {
    String line = new SoakProbe().run();
    assertTrue(line.contains("SoakProbe.handleLeaky(SoakProbe.java:"), line);
    assertTrue(line.contains("fixed [0, 0, 0, 0, 0, 0] (growth 0), no finding"), line);
  }
}
