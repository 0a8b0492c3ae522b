package io.jcontext.samples.deadlines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class SoakProbeTest {
  /** One virtual minute: short in tests; the probe takes any Config. */
  private static final SoakProbe.Config MINUTE = new SoakProbe.Config(Duration.ofMinutes(1),
      Duration.ofMillis(100), Duration.ofSeconds(15), Duration.ofMinutes(10));

  @Test
  void leakyHandlerGrowsWithEveryRequest() throws Exception {
    SoakProbe.Report r = SoakProbe.soakVirtual(true, MINUTE);
    assertEquals(List.of(0, 150, 300, 450, 600), r.samples(), "linear growth: one retained context per request");
  }

  @Test
  void fixedHandlerStaysBounded() throws Exception {
    SoakProbe.Report r = SoakProbe.soakVirtual(false, MINUTE);
    assertEquals(5, r.samples().size());
    assertEquals(0, r.growth());
    assertEquals(0, r.last());
  }

  @Test
  void leakedContextsAreReleasedOnlyWhenTheirTimeoutFires() throws Exception {
    // Timeout shorter than the soak: the leak plateaus at timeout / interval instead of growing.
    SoakProbe.Config shortTimeout = new SoakProbe.Config(Duration.ofMinutes(1), Duration.ofMillis(100),
        Duration.ofSeconds(15), Duration.ofSeconds(10));
    SoakProbe.Report r = SoakProbe.soakVirtual(true, shortTimeout);
    assertTrue(r.samples().subList(1, 5).stream().allMatch(n -> n >= 99 && n <= 100), r.samples().toString());
  }

  @Test
  void tourStop() throws Exception {
    assertTrue(new SoakProbe().run().contains("fixed [0, 0, 0, 0, 0, 0] (growth 0)"));
  }
}
