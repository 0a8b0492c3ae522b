package io.jcontext.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TourTest {

  private static Sample sample(String id, String outcome, RuntimeException failure) {
    return new Sample() {
      @Override
      public String id() {
        return id;
      }

      @Override
      public String title() {
        return "title of " + id;
      }

      @Override
      public String run() {
        if (failure != null) {
          throw failure;
        }
        return outcome;
      }
    };
  }

  @Test
  void printsOneLinePerSampleAndCountsFailures() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    int failed = Tour.run(List.of(
        sample("a", "fine", null),
        sample("b", null, new IllegalStateException("broken", new RuntimeException("root"))),
        sample("c", "also fine", null)), List.of(), out);
    String[] lines = bytes.toString(StandardCharsets.UTF_8).split("\n");
    assertEquals(1, failed);
    assertEquals(4, lines.length);
    assertTrue(lines[0].startsWith("ok") && lines[0].contains("fine") && lines[0].matches(".*\\[\\d+ ms]$"), lines[0]);
    assertTrue(lines[1].startsWith("FAIL") && lines[1].contains("broken") && lines[1].contains("root"), lines[1]);
    assertTrue(lines[3].startsWith("tour: 3 samples, 1 failed"), lines[3]);
  }

  @Test
  void filtersByIdPrefix() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int failed = Tour.run(List.of(sample("004-01", "x", null), sample("004-02", null, new IllegalStateException()),
        sample("001", "y", null)), List.of("004-01", "001"), new PrintStream(bytes, true, StandardCharsets.UTF_8));
    assertEquals(0, failed);
    assertTrue(bytes.toString(StandardCharsets.UTF_8).contains("tour: 2 samples, 0 failed"));
  }

  @Test
  void everySeedScenarioIsInTheTourOnceInOrder() {
    List<Sample> all = Samples.all();
    Set<String> ids = new HashSet<>();
    for (Sample s : all) {
      assertTrue(ids.add(s.id()), "duplicate id " + s.id());
    }
    for (String expected : List.of("000", "001", "002-counter", "002-timer", "002-deadlock", "002-synctest", "003",
        "004-01", "004-02", "004-03", "004-04", "004-05", "004-06", "004-11", "004-15", "004-07", "004-08", "004-09", "004-10",
        "004-12", "004-13", "004-14", "004-16", "004-17", "004-18", "004-19", "004-20", "prop")) {
      assertTrue(ids.contains(expected), "missing " + expected);
    }
    for (int i = 1; i < all.size(); i++) {
      assertTrue(seed(all.get(i - 1)).compareTo(seed(all.get(i))) <= 0, "out of seed order: " + all.get(i).id());
    }
  }

  private static String seed(Sample s) {
    return s.id().equals("prop") ? "999" : s.id().substring(0, 3);
  }
}
