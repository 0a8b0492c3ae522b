package io.jcontext;

import static io.jcontext.FlightRecording.CANCELLED;
import static io.jcontext.FlightRecording.DEADLINE;
import static io.jcontext.FlightRecording.LOCK_WAIT;
import static io.jcontext.FlightRecording.named;
import static io.jcontext.FlightRecording.record;
import static io.jcontext.FlightRecording.stackHas;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcontext.internal.Flight;
import io.jcontext.testing.VirtualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import jdk.jfr.consumer.RecordedEvent;
import org.junit.jupiter.api.Test;

/** The context events: io.jcontext.ContextCancelled and io.jcontext.DeadlineFired. */
class FlightEventsTest {
  static final Key<String> REQUEST = Key.of("request", String.class);

  @Test
  void flightRecorderIsAvailableOnThisJdk() {
    assertTrue(Flight.AVAILABLE, "jdk.jfr is in every JDK image the tests run on");
  }

  @Test
  void explicitCancelRecordsDepthSubtreeCauseAndWhoCancelled() throws Exception {
    List<RecordedEvent> events = record(() -> {
      try (CancellableContext top = Context.background().withValue(REQUEST, "r-1").withCancel()) {
        CancellableContext a = top.withCancel();
        CancellableContext b = a.withCancel();
        b.onDone(() -> { }); // attaches b, and a above it: two registered descendants of top
        top.withCancel(); // detached: not counted
        cancelWithCause(top);
      }
    }, CANCELLED);
    List<RecordedEvent> cancelled = named(events, CANCELLED);
    assertEquals(1, cancelled.size(), "one event where the cancellation starts, none below: " + cancelled);
    RecordedEvent e = cancelled.get(0);
    assertEquals("cancel", e.getString("reason"));
    assertEquals(2, e.getInt("depth"), "withValue, withCancel");
    assertEquals(2, e.getInt("subtreeSize"));
    assertFalse(e.getBoolean("timeout"));
    assertEquals(IllegalStateException.class.getName(), e.getClass("causeClass").getName());
    assertEquals("shutting down", e.getString("causeMessage"));
    assertEquals("background.withValue(request, r-1).withCancel", e.getString("context"));
    assertTrue(stackHas(e, "cancelWithCause"), "the stack is the cancelling thread's");
  }

  private static void cancelWithCause(CancellableContext c) {
    c.cancel(new IllegalStateException("shutting down"));
  }

  @Test
  void aCancelWithoutCauseRecordsGosCauseTheErrItself() throws Exception {
    List<RecordedEvent> cancelled = named(record(() -> Context.background().withCancel().cancel(), CANCELLED), CANCELLED);
    assertEquals(1, cancelled.size());
    assertEquals(ContextCancelledException.class.getName(), cancelled.get(0).getClass("causeClass").getName());
    assertEquals(1, cancelled.get(0).getInt("depth"));
    assertEquals(0, cancelled.get(0).getInt("subtreeSize"));
  }

  @Test
  void aLosingCancelAndADescendantThatPollsRecordNothing() throws Exception {
    List<RecordedEvent> events = record(() -> {
      CancellableContext parent = Context.background().withCancel();
      CancellableContext child = parent.withCancel(); // detached: sees the parent's cancellation by polling
      parent.cancel();
      assertTrue(child.isDone()); // adopts the parent's err: not a cancellation of its own
      assertFalse(parent.cancel()); // lost
      assertFalse(child.cancel());
    }, CANCELLED);
    assertEquals(1, named(events, CANCELLED).size(), events.toString());
  }

  @Test
  void deadlineRecordsBothEventsOnTheVirtualClock() throws Exception {
    VirtualClock clock = new VirtualClock();
    List<RecordedEvent> events = record(() -> {
      CancellableContext c = clock.background().withTimeout(Duration.ofSeconds(5));
      clock.advance(Duration.ofSeconds(4));
      assertFalse(c.isDone());
      clock.advance(Duration.ofSeconds(2));
      assertTrue(c.isDone());
      c.cancel(); // lost: nothing more
    }, CANCELLED, DEADLINE);
    List<RecordedEvent> cancelled = named(events, CANCELLED);
    List<RecordedEvent> fired = named(events, DEADLINE);
    assertEquals(1, cancelled.size(), events.toString());
    assertEquals(1, fired.size(), events.toString());
    assertEquals("deadline", cancelled.get(0).getString("reason"));
    assertTrue(cancelled.get(0).getBoolean("timeout"));
    assertEquals(DeadlineExceededException.class.getName(), cancelled.get(0).getClass("causeClass").getName());
    RecordedEvent d = fired.get(0);
    assertEquals(VirtualClock.DEFAULT_START.plusSeconds(5), d.getInstant("deadline"));
    assertTrue(d.getBoolean("virtualClock"));
    assertTrue(d.getDuration("lateness").compareTo(Duration.ofSeconds(1)) <= 0, "fired by the advance past it: " + d);
    assertEquals(1, d.getInt("depth"));
  }

  @Test
  void aDeadlineThatNeverFiresRecordsNoDeadlineEvent() throws Exception {
    VirtualClock clock = new VirtualClock();
    List<RecordedEvent> events = record(() -> {
      CancellableContext parent = clock.background().withCancel();
      CancellableContext c = parent.withTimeout(Duration.ofSeconds(5));
      c.cancel(); // before the deadline
      CancellableContext d = parent.withTimeout(Duration.ofSeconds(5));
      parent.cancel(); // the parent ends d first
      clock.advance(Duration.ofSeconds(10));
      assertTrue(d.isDone());
    }, CANCELLED, DEADLINE);
    assertTrue(named(events, DEADLINE).isEmpty(), events.toString());
    assertEquals(2, named(events, CANCELLED).size(), "c and parent: " + events);
  }

  @Test
  void aPassedDeadlineAtCreationIsADeadlineCancellation() throws Exception {
    VirtualClock clock = new VirtualClock();
    List<RecordedEvent> cancelled = named(record(
        () -> clock.background().withDeadline(Instant.EPOCH), CANCELLED), CANCELLED);
    assertEquals(1, cancelled.size());
    assertEquals("deadline", cancelled.get(0).getString("reason"));
  }

  @Test
  void aForeignParentThatEndsRecordsParentAsReason() throws Exception {
    ForeignContext foreign = new ForeignContext();
    List<RecordedEvent> cancelled = named(record(() -> {
      CancellableContext c = foreign.withCancel();
      foreign.fire(new ContextCancelledException(new IllegalStateException("upstream")));
      assertTrue(c.isDone());
    }, CANCELLED), CANCELLED);
    assertEquals(1, cancelled.size());
    assertEquals("parent", cancelled.get(0).getString("reason"));
    assertEquals("upstream", cancelled.get(0).getString("causeMessage"));
  }

  @Test
  void nothingIsRecordedWhenTheEventsAreNotEnabled() throws Exception {
    VirtualClock clock = new VirtualClock();
    List<RecordedEvent> events = record(() -> {
      clock.background().withTimeout(Duration.ofSeconds(1));
      clock.advance(Duration.ofSeconds(2));
      Context.background().withCancel().cancel();
    }, LOCK_WAIT); // a recording, but not of these
    assertTrue(named(events, CANCELLED).isEmpty() && named(events, DEADLINE).isEmpty(), events.toString());
  }

  @Test
  void defaultSettingsRecordFiredDeadlinesButNotEveryCancellation() throws Exception {
    VirtualClock clock = new VirtualClock();
    List<RecordedEvent> events = FlightRecording.recordWithDefaults(() -> {
      clock.background().withTimeout(Duration.ofSeconds(1));
      clock.advance(Duration.ofSeconds(2));
      Context.background().withCancel().cancel();
    });
    assertTrue(named(events, CANCELLED).isEmpty(), "off unless enabled: " + events);
    assertEquals(1, named(events, DEADLINE).size(), events.toString());
  }

  @Test
  void livedIsMissingForAContextCreatedWithoutDiagnostics() throws Exception {
    CancellableContext early = Context.background().withCancel(); // made before any recording
    List<RecordedEvent> cancelled = named(record(early::cancel, CANCELLED), CANCELLED);
    assertEquals(1, cancelled.size());
    assertEquals(Long.MIN_VALUE, cancelled.get(0).getLong("lived"), "unknown: " + cancelled.get(0));
  }

  @Test
  void livedIsTheAgeOnTheContextsClockWhenCreatedDuringTheRecording() throws Exception {
    VirtualClock clock = new VirtualClock();
    List<RecordedEvent> cancelled = named(record(() -> {
      CancellableContext c = clock.background().withCancel();
      clock.advance(Duration.ofSeconds(3));
      c.cancel();
    }, CANCELLED), CANCELLED);
    assertEquals(1, cancelled.size());
    assertEquals(Duration.ofSeconds(3), cancelled.get(0).getDuration("lived"));
  }

  @Test
  void livedIsKnownWhenDiagnosticsStampedTheContext() throws Exception {
    VirtualClock clock = new VirtualClock();
    boolean before = io.jcontext.diagnostics.ContextDiagnostics.isTracking();
    io.jcontext.diagnostics.ContextDiagnostics.setTracking(true);
    try {
      CancellableContext c = clock.background().withCancel().withCancel(); // stamped by the diagnostics, before any recording
      clock.advance(Duration.ofMillis(1500));
      List<RecordedEvent> cancelled = named(record(c::cancel, CANCELLED), CANCELLED);
      assertEquals(Duration.ofMillis(1500), cancelled.get(0).getDuration("lived"));
    } finally {
      io.jcontext.diagnostics.ContextDiagnostics.setTracking(before);
    }
  }

  @Test
  void manyCancellationsOnManyThreadsEachRecordOnce() throws Exception {
    int threads = 4;
    int each = 500;
    List<RecordedEvent> cancelled = named(record(() -> {
      CancellableContext parent = Context.background().withCancel();
      List<Thread> ts = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        Thread th = new Thread(() -> {
          for (int i = 0; i < each; i++) {
            CancellableContext c = parent.withCancel();
            c.onDone(() -> { });
            c.cancel();
          }
        });
        ts.add(th);
        th.start();
      }
      for (Thread th : ts) {
        th.join(TestSupport.LIVENESS.toMillis());
      }
      parent.cancel();
    }, CANCELLED), CANCELLED);
    assertEquals(threads * each + 1, cancelled.size());
    List<RecordedEvent> parents = new ArrayList<>();
    for (RecordedEvent e : cancelled) {
      if (e.getInt("depth") == 1) {
        parents.add(e);
      }
    }
    assertEquals(1, parents.size());
    assertEquals(0, parents.get(0).getInt("subtreeSize"), "every child left the parent's list when it was cancelled");
  }
}
