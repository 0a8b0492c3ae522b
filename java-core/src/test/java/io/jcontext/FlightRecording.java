package io.jcontext;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;

/**
 * Records the library's flight recorder events around a body, to a file, and reads them back:
 * deterministic (no streaming thread, no flush interval), so a test asserts on exactly the
 * events its body caused.
 */
public final class FlightRecording {
  public static final String CANCELLED = "io.jcontext.ContextCancelled";
  public static final String DEADLINE = "io.jcontext.DeadlineFired";
  public static final String LOCK_WAIT = "io.jcontext.LockWait";

  @FunctionalInterface
  public interface Body {
    void run() throws Exception;
  }

  private FlightRecording() {}

  /**
   * Runs {@code body} under a recording that enables {@code enabled} (no threshold) and
   * disables the library's other events, and returns the library's events.
   */
  public static List<RecordedEvent> record(Body body, String... enabled) throws Exception {
    return record(body, true, enabled);
  }

  /** Same, under the events' default settings: nothing enabled or disabled explicitly. */
  public static List<RecordedEvent> recordWithDefaults(Body body) throws Exception {
    return record(body, false);
  }

  private static List<RecordedEvent> record(Body body, boolean explicit, String... enabled) throws Exception {
    Path file = Files.createTempFile("jcontext-test", ".jfr");
    try (Recording r = new Recording()) {
      if (explicit) {
        for (String name : List.of(CANCELLED, DEADLINE, LOCK_WAIT)) {
          r.disable(name);
        }
        for (String name : enabled) {
          r.enable(name).withoutThreshold().withStackTrace();
        }
      }
      r.start();
      body.run();
      r.stop();
      r.dump(file);
      List<RecordedEvent> events = new ArrayList<>();
      for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
        String name = e.getEventType().getName();
        if (name.startsWith("io.jcontext.")) {
          events.add(e);
        }
      }
      return events;
    } finally {
      delete(file);
    }
  }

  /** The events named {@code name} among {@code events}. */
  public static List<RecordedEvent> named(List<RecordedEvent> events, String name) {
    List<RecordedEvent> out = new ArrayList<>();
    for (RecordedEvent e : events) {
      if (e.getEventType().getName().equals(name)) {
        out.add(e);
      }
    }
    return out;
  }

  /** Whether a frame of {@code e}'s stack trace is in method {@code method}. */
  public static boolean stackHas(RecordedEvent e, String method) {
    return e.getStackTrace() != null && e.getStackTrace().getFrames().stream()
        .anyMatch(f -> f.getMethod().getName().equals(method));
  }

  private static void delete(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException ignored) {
      // a temp file left behind is harmless
    }
  }
}
