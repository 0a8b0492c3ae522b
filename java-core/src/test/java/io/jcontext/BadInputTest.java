package io.jcontext;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcontext.testing.VirtualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Bad input gets a clear error and leaves state intact; extreme durations and instants never wrap. */
class BadInputTest {
  /** The latest deadline a clock can represent (nanoseconds since the epoch in a long, minus one). */
  private static final Instant LATEST = Instant.ofEpochSecond(0, Long.MAX_VALUE - 1);

  private static int registrations(Context c) {
    return ((CancelCtx) Tree.unwrap(c)).registrations();
  }

  private static void assertNpe(String message, Executable e) {
    assertEquals(message, assertThrows(NullPointerException.class, e).getMessage());
  }

  @Test
  void nullArguments() {
    VirtualClock clock = new VirtualClock();
    CancellableContext ctx = clock.background().withCancel();
    Context value = ctx.withValue(Key.of("k"), "v");
    CancellableContext foreignChild = new OtherContext(ctx).withCancel(); // registers on ctx through onDone
    for (Context c : List.of(Context.background(), clock.background(), ctx, value, ctx.withoutCancel(),
        foreignChild)) {
      assertNpe("deadline", () -> c.withDeadline(null));
      assertNpe("deadline", () -> c.withDeadline(null, new Exception()));
      assertNpe("timeout", () -> c.withTimeout(null));
      assertNpe("timeout", () -> c.withTimeout(null, new Exception()));
      assertNpe("key", () -> c.withValue(null, "v"));
      assertNpe("key", () -> c.value(null));
      assertNpe("callback", () -> c.onDone(null));
      assertNpe("action", () -> c.afterFunc(null));
      assertNpe("executor", () -> c.afterFunc(() -> { }, null));
      assertNpe("timeout", () -> c.awaitDone(null));
    }
    assertNpe("clock", () -> Context.background(null));
    assertNpe("name", () -> Key.of(null));
    assertNpe("name", () -> Key.of(null, String.class));
    assertNpe("type", () -> Key.of("k", null));
    assertThrows(NullPointerException.class, () -> new VirtualClock(null));
    assertEquals(1, registrations(ctx), "no failed call registered anything (1 = foreignChild)");
    foreignChild.cancel();
    assertEquals(0, registrations(ctx));
    assertEquals(0, clock.pendingTimers(), "no failed call scheduled anything");
    assertFalse(ctx.isDone());
    ctx.cancel();
  }

  @Test
  void cancelWithNullCauseIsPlainCancel() {
    CancellableContext c = Context.background().withCancel();
    assertTrue(c.cancel(null));
    assertInstanceOf(ContextCancelledException.class, c.err());
    assertNull(c.err().getCause());
    assertSame(c.err(), c.cause());
  }

  @Test
  void zeroAndNegativeTimeouts() {
    VirtualClock clock = new VirtualClock();
    CancellableContext parent = clock.background().withCancel();
    for (Duration d : List.of(Duration.ZERO, Duration.ofNanos(-1), Duration.ofDays(-1),
        Duration.ofSeconds(Long.MIN_VALUE), Duration.ofSeconds(-9_223_372_036L, 1))) {
      CancellableContext c = parent.withTimeout(d);
      assertTrue(c.isDone(), d + ": already past its deadline");
      assertInstanceOf(DeadlineExceededException.class, c.err(), d.toString());
      assertFalse(c.cancel(), "its cancel does nothing");
      assertTrue(c.remaining().isNegative() || c.remaining().isZero(), d + ": remaining " + c.remaining());
    }
    for (Instant i : List.of(clock.now(), clock.now().minusNanos(1), Instant.EPOCH, Instant.MIN,
        Instant.ofEpochSecond(-9_223_372_037L))) {
      CancellableContext c = parent.withDeadline(i);
      assertTrue(c.isDone(), i + ": already past");
      assertInstanceOf(DeadlineExceededException.class, c.err(), i.toString());
    }
    assertEquals(0, clock.pendingTimers(), "no timer for an expired deadline");
    assertEquals(0, registrations(parent), "expired children unregister at once");
    assertFalse(parent.isDone());
  }

  @Test
  void hugeTimeoutsAreClampedNotWrapped() {
    VirtualClock clock = new VirtualClock();
    CancellableContext parent = clock.background().withCancel();
    for (Duration d : List.of(Duration.ofSeconds(Long.MAX_VALUE, 999_999_999), Duration.ofSeconds(Long.MAX_VALUE),
        Duration.ofDays(1_000_000), Duration.ofSeconds(9_223_372_036L))) {
      CancellableContext c = parent.withTimeout(d);
      assertFalse(c.isDone(), d + ": overflow made it expire");
      assertEquals(LATEST, c.deadline(), d + ": clamped to the latest representable deadline");
      assertFalse(c.remaining().isNegative(), d + ": remaining " + c.remaining());
      c.cancel();
    }
    for (Instant i : List.of(Instant.MAX, Instant.ofEpochSecond(Long.MAX_VALUE / 1_000_000_000L + 1), LATEST)) {
      CancellableContext c = parent.withDeadline(i);
      assertFalse(c.isDone(), i.toString());
      assertEquals(LATEST, c.deadline(), i.toString());
      c.cancel();
    }
    // A huge timeout under a parent with a real deadline keeps the parent's.
    CancellableContext timed = parent.withTimeout(Duration.ofSeconds(1));
    CancellableContext c = timed.withTimeout(Duration.ofSeconds(Long.MAX_VALUE));
    assertEquals(timed.deadline(), c.deadline());
    // A relative timeout from a late clock does not wrap either.
    VirtualClock late = new VirtualClock(Instant.parse("2262-01-01T00:00:00Z"));
    CancellableContext fromLate = late.background().withTimeout(Duration.ofDays(365 * 10));
    assertFalse(fromLate.isDone());
    assertEquals(LATEST, fromLate.deadline());
    fromLate.cancel();
    timed.cancel();
    assertEquals(0, clock.pendingTimers());
    assertEquals(0, registrations(parent));
  }

  @Test
  void hugeSleepsAndWaitsDoNotWrap() throws Exception {
    VirtualClock clock = new VirtualClock();
    CancellableContext ctx = clock.background().withCancel();
    java.util.concurrent.CompletableFuture<Throwable> sleeper = TestSupport.async("sleeper", () -> {
      try {
        Context.sleep(ctx, Duration.ofSeconds(Long.MAX_VALUE));
        return null;
      } catch (ContextException e) {
        return e;
      }
    });
    assertTrue(clock.awaitPendingTimers(1, TestSupport.LIVENESS));
    assertEquals(LATEST, clock.nextDeadline(), "the sleep's timer is clamped, not wrapped into the past");
    clock.advance(Duration.ofDays(365));
    assertFalse(sleeper.isDone());
    ctx.cancel();
    assertSame(ctx.err(), TestSupport.join(sleeper));
    assertEquals(0, clock.pendingTimers());
  }

  @Test
  void typedKeyRejectsWrongValueType() {
    Key<String> name = Key.of("name", String.class);
    Context bg = Context.background();
    @SuppressWarnings({"unchecked", "rawtypes"})
    Key<Object> raw = (Key) name;
    ClassCastException e = assertThrows(ClassCastException.class, () -> bg.withValue(raw, 42));
    assertTrue(e.getMessage().contains("name") && e.getMessage().contains("java.lang.Integer"), e.getMessage());
    assertEquals("ok", bg.withValue(name, "ok").value(name));
    assertNull(bg.withValue(name, null).value(name), "null is always allowed");
    // An untyped key accepts anything.
    Key<Object> any = Key.of("any");
    assertEquals(42, bg.withValue(any, 42).value(any));
    assertEquals("name", name.name());
    assertEquals("name", name.toString());
  }

  @Test
  void virtualClockRejectsGoingBack() {
    VirtualClock clock = new VirtualClock();
    assertThrows(IllegalArgumentException.class, () -> clock.advance(Duration.ofNanos(-1)));
    assertThrows(IllegalArgumentException.class, () -> clock.advanceTo(clock.now().minusNanos(1)));
    assertEquals(VirtualClock.DEFAULT_START, clock.now());
    assertFalse(clock.advanceToNext(), "nothing pending: time stays");
    assertEquals(VirtualClock.DEFAULT_START, clock.now());
  }

  /** A foreign context that returns null where it must not: a clear error at derivation, nothing half-built. */
  private static Context brokenForeign(Clock clock) {
    return new Context() {
      @Override public Instant deadline() { return null; }
      @Override public ContextException err() { return null; }
      @Override public <T> T value(Key<T> key) { return null; }
      @Override public boolean isDone() { return false; }
      @Override public java.util.concurrent.CompletionStage<Void> done() { return new java.util.concurrent.CompletableFuture<>(); }
      @Override public Stop onDone(Runnable callback) { return null; }
      @Override public Clock clock() { return clock; }
    };
  }

  @Test
  void foreignContextReturningNulls() {
    NullPointerException e = assertThrows(NullPointerException.class, brokenForeign(null)::withCancel);
    assertTrue(e.getMessage().contains("clock() returned null"), e.getMessage());
    Context noStop = brokenForeign(Clock.system());
    e = assertThrows(NullPointerException.class, noStop::withCancel);
    assertTrue(e.getMessage().contains("returned null"), e.getMessage());
    e = assertThrows(NullPointerException.class, () -> noStop.afterFunc(() -> { }));
    assertTrue(e.getMessage().contains("returned null"), e.getMessage());
  }
}
