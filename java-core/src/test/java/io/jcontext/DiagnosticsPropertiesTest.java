package io.jcontext;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The diagnostics' system properties, read once when the library initialises: each case runs
 * {@link DiagnosticsPropertiesMain} in a fresh JVM with the properties on its command line and
 * checks the settings it prints and the warnings the JDK's default {@code System.Logger} backend
 * (java.util.logging, to standard error) writes. A malformed value is ignored with a warning
 * naming the property, never fails the library's initialisation; with no listener installed a
 * report goes to that logger.
 */
class DiagnosticsPropertiesTest {
  private static final class Run {
    final Map<String, String> out = new LinkedHashMap<>();
    String err = "";
  }

  private static String location(Class<?> c) throws URISyntaxException {
    return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
  }

  private static Run run(String... argsAndProperties) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xshare:auto");
    cmd.add("-cp");
    cmd.add(location(Diagnostics.class) + File.pathSeparator + location(DiagnosticsPropertiesMain.class));
    List<String> mainArgs = new ArrayList<>();
    for (String a : argsAndProperties) {
      (a.startsWith("-D") ? cmd : mainArgs).add(a);
    }
    cmd.add(DiagnosticsPropertiesMain.class.getName());
    cmd.addAll(mainArgs);
    Path errFile = Files.createTempFile("diag-props", ".err");
    try {
      Process p = new ProcessBuilder(cmd).redirectError(errFile.toFile()).start();
      String stdout = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(p.waitFor(TestSupport.LIVENESS.toMillis(), TimeUnit.MILLISECONDS), "child JVM hangs");
      Run r = new Run();
      r.err = Files.readString(errFile);
      assertEquals(0, p.exitValue(), () -> "child JVM failed: " + r.err + stdout);
      for (String line : stdout.split("\\R")) {
        int eq = line.indexOf('=');
        if (eq > 0) {
          r.out.put(line.substring(0, eq), line.substring(eq + 1));
        }
      }
      return r;
    } finally {
      Files.deleteIfExists(errFile);
    }
  }

  @Test
  void withoutPropertiesEverythingIsOff() throws Exception {
    Run r = run();
    assertEquals("false", r.out.get("tracking"));
    assertEquals("false", r.out.get("lostCancel"));
    assertEquals("1", r.out.get("sampling"));
    assertEquals("PT1M", r.out.get("threshold"));
    assertEquals("PT0S", r.out.get("period"), "no periodic check while tracking is off");
    assertEquals("", r.err);
  }

  @Test
  void wellFormedPropertiesAreTaken() throws Exception {
    Run r = run("-Djcontext.diagnostics=true", "-Djcontext.diagnostics.lostCancel=true",
        "-Djcontext.diagnostics.sampling= 10 ", "-Djcontext.diagnostics.leakThreshold=PT30S");
    assertEquals("true", r.out.get("tracking"));
    assertEquals("true", r.out.get("lostCancel"));
    assertEquals("10", r.out.get("sampling"), "surrounding blanks are trimmed");
    assertEquals("PT30S", r.out.get("threshold"));
    assertEquals("PT15S", r.out.get("period"), "half the threshold by default");
    assertEquals("", r.err);

    r = run("-Djcontext.diagnostics=true", "-Djcontext.diagnostics.leakThreshold=2500",
        "-Djcontext.diagnostics.leakCheckPeriod=0");
    assertEquals("PT2.5S", r.out.get("threshold"), "a plain number is milliseconds");
    assertEquals("PT0S", r.out.get("period"), "0 turns the periodic check off");
  }

  @Test
  void malformedValuesAreIgnoredWithAWarningNamingTheProperty() throws Exception {
    for (String bad : Arrays.asList("0", "-3", "ten", "", "99999999999")) {
      Run r = run("-Djcontext.diagnostics.sampling=" + bad);
      assertEquals("1", r.out.get("sampling"), bad);
      assertTrue(r.err.contains("WARNING: jcontext: ignoring -Djcontext.diagnostics.sampling=" + bad + " (malformed); using 1"), r.err);
    }
    for (String bad : Arrays.asList("0", "PT0S", "-PT5S", "5 seconds", "99999999999999999999")) {
      Run r = run("-Djcontext.diagnostics.leakThreshold=" + bad);
      assertEquals("PT1M", r.out.get("threshold"), bad);
      assertTrue(r.err.contains("ignoring -Djcontext.diagnostics.leakThreshold=" + bad + " (malformed)"), r.err);
    }
    Run r = run("-Djcontext.diagnostics=true", "-Djcontext.diagnostics.leakCheckPeriod=-1");
    assertEquals("PT30S", r.out.get("period"), "the default: half the threshold");
    assertTrue(r.err.contains("ignoring -Djcontext.diagnostics.leakCheckPeriod=-1 (malformed)"), r.err);
  }

  @Test
  void durationsBeyondTheNanosecondRangeSaturate() throws Exception {
    Run r = run("-Djcontext.diagnostics=true", "-Djcontext.diagnostics.leakThreshold=PT3000000H");
    assertEquals(java.time.Duration.ofNanos(Long.MAX_VALUE).toString(), r.out.get("threshold"));
    assertEquals(java.time.Duration.ofNanos(Long.MAX_VALUE / 2).toString(), r.out.get("period"));
    assertEquals("", r.err);
  }

  @Test
  void reportGoesToTheSystemLoggerWhenNoListenerIsInstalled() throws Exception {
    Run r = run("leak", "-Djcontext.diagnostics=true", "-Djcontext.diagnostics.leakCheckPeriod=0");
    assertEquals("1", r.out.get("reports"));
    assertTrue(r.err.contains("WARNING: "), r.err);
    assertTrue(r.err.contains("leakSite"), "the report names the creation site: " + r.err);
  }
}
