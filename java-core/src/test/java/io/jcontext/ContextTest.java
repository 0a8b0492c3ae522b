package io.jcontext;

import static io.jcontext.TestSupport.LIVENESS;
import static io.jcontext.TestSupport.async;
import static io.jcontext.TestSupport.join;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jcontext.testing.VirtualClock;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Go's {@code context_test.go} and {@code x_test.go}, test by test (method name = Go test name),
 * on the Java API. Deadlines run on a {@link VirtualClock}; real time is used only as a liveness
 * bound ({@link TestSupport#LIVENESS}).
 */
class ContextTest {
  private static final Duration SHORT = Duration.ofMillis(1);
  private static final Duration VERY_LONG = Duration.ofHours(1000);

  private static int registrations(Context c) {
    return ((CancelCtx) Tree.unwrap(c)).registrations();
  }

  private static void assertCancelled(Context c) {
    assertTrue(c.isDone(), () -> c + " should be done");
    assertTrue(c.done().toCompletableFuture().isDone(), () -> c + ".done() should be complete");
    assertInstanceOf(ContextCancelledException.class, c.err(), c::toString);
  }

  private static void assertLive(Context c) {
    assertFalse(c.isDone(), () -> c + " should not be done");
    assertNull(c.err(), c::toString);
    assertNull(c.cause(), c::toString);
    assertFalse(c.done().toCompletableFuture().isDone(), () -> c + ".done() should not be complete");
  }

  @Test
  void background() {
    Context c = Context.background();
    assertNotNull(c);
    assertSame(c, Context.background());
    assertLive(c);
    assertNull(c.deadline());
    assertNull(c.remaining());
    assertNull(c.value(Key.of("k")));
    assertSame(Clock.system(), c.clock());
    assertEquals("background", c.toString());
  }

  @Test
  void todo() {
    Context c = Context.todo();
    assertNotNull(c);
    assertSame(c, Context.todo());
    assertLive(c);
    assertNull(c.deadline());
    assertEquals("todo", c.toString());
  }

  @Test
  void withCancel() {
    CancellableContext c1 = Context.background().withCancel();
    assertEquals("background.withCancel", c1.toString());
    Context o = new OtherContext(c1);
    CancellableContext c2 = o.withCancel();
    List<Context> contexts = List.of(c1, o, c2);
    for (Context c : contexts) {
      assertLive(c);
    }

    assertTrue(c1.cancel()); // propagates synchronously, also through the foreign wrapper
    for (Context c : contexts) {
      assertCancelled(c);
      assertSame(c1.err(), c.err(), "one err instance per cancellation");
      assertSame(c1.err(), c.cause(), "no cause given: cause() is err()");
    }
  }

  @Test
  void parentFinishesChild() {
    // parent -> cancelChild
    // parent -> valueChild -> timerChild
    // parent -> afterFunc registration
    VirtualClock clock = new VirtualClock();
    CancellableContext parent = clock.background().withCancel();
    CancellableContext cancelChild = parent.withCancel();
    Context valueChild = parent.withValue(Key.of("key"), "value");
    CancellableContext timerChild = valueChild.withTimeout(VERY_LONG);
    AtomicInteger afterFuncRuns = new AtomicInteger();
    parent.afterFunc(afterFuncRuns::incrementAndGet, TestSupport.DIRECT);

    for (Context c : List.of(parent, cancelChild, valueChild, timerChild)) {
      assertLive(c);
    }
    assertInstanceOf(TimerCtx.class, Tree.unwrap(timerChild));
    assertEquals(3, registrations(parent), "cancelChild, timerChild (through the value) and the afterFunc");
    assertEquals(1, clock.pendingTimers());

    assertTrue(parent.cancel());

    assertEquals(0, registrations(parent), "cancel must drop every registration");
    assertEquals(0, clock.pendingTimers(), "the child's timer must be stopped");
    assertEquals(1, afterFuncRuns.get());
    for (Context c : List.of(parent, cancelChild, valueChild, timerChild)) {
      assertCancelled(c);
      assertSame(parent.err(), c.err());
    }

    // Deriving from a cancelled parent gives a cancelled context.
    Context precancelledChild = parent.withValue(Key.of("key"), "value");
    assertCancelled(precancelledChild);
    CancellableContext precancelledCancel = parent.withCancel();
    assertCancelled(precancelledCancel);
    assertSame(parent.err(), precancelledCancel.err());
    assertEquals(0, registrations(parent));
  }

  @Test
  void childFinishesFirst() {
    CancellableContext cancellable = Context.background().withCancel();
    try {
      for (Context parent : List.of(Context.background(), cancellable)) {
        CancellableContext child = parent.withCancel();
        assertLive(parent);
        assertLive(child);
        boolean parentIsCancelCtx = Tree.unwrap(parent) instanceof CancelCtx;
        if (parentIsCancelCtx) {
          assertEquals(1, registrations(parent));
        }

        assertTrue(child.cancel());

        if (parentIsCancelCtx) {
          assertEquals(0, registrations(parent), "child's cancel must remove it from its parent");
        }
        assertCancelled(child);
        assertLive(parent);
      }
    } finally {
      cancellable.cancel();
    }
  }

  private static void testDeadline(VirtualClock clock, Context c, Duration dueIn, String name) {
    if (!dueIn.isZero() && !dueIn.isNegative()) {
      clock.advance(dueIn.minusNanos(1));
      assertFalse(c.isDone(), name + ": done 1ns before its deadline");
      clock.advance(Duration.ofNanos(1));
    }
    assertTrue(c.isDone(), name + ": not done at its deadline");
    assertInstanceOf(DeadlineExceededException.class, c.err(), name);
    assertTrue(c.err().isTimeout(), name);
    assertSame(c.err(), c.cause(), name + ": no cause given, cause() is err()");
  }

  @Test
  void deadline() {
    VirtualClock clock = new VirtualClock();
    Context bg = clock.background();

    CancellableContext c = bg.withDeadline(clock.now().plus(SHORT));
    assertTrue(c.toString().startsWith("background.withDeadline("), c.toString());
    assertEquals(clock.now().plus(SHORT), c.deadline());
    testDeadline(clock, c, SHORT, "withDeadline");

    c = bg.withDeadline(clock.now().plus(SHORT));
    testDeadline(clock, new OtherContext(c), SHORT, "withDeadline+otherContext");

    c = bg.withDeadline(clock.now().plus(SHORT));
    CancellableContext c2 = new OtherContext(c).withDeadline(clock.now().plus(VERY_LONG));
    assertEquals(c.deadline(), c2.deadline(), "the earlier deadline of the parent wins");
    testDeadline(clock, c2, SHORT, "withDeadline+otherContext+withDeadline");

    c = bg.withDeadline(clock.now().minus(SHORT));
    testDeadline(clock, c, Duration.ZERO, "withDeadline+inthepast");

    c = bg.withDeadline(clock.now());
    testDeadline(clock, c, Duration.ZERO, "withDeadline+now");
    assertEquals(0, clock.pendingTimers(), "an expired deadline creates no timer");
  }

  @Test
  void timeout() {
    VirtualClock clock = new VirtualClock();
    Context bg = clock.background();

    CancellableContext c = bg.withTimeout(SHORT);
    assertTrue(c.toString().startsWith("background.withDeadline("), c.toString());
    testDeadline(clock, c, SHORT, "withTimeout");

    c = bg.withTimeout(SHORT);
    testDeadline(clock, new OtherContext(c), SHORT, "withTimeout+otherContext");

    c = bg.withTimeout(SHORT);
    CancellableContext c2 = new OtherContext(c).withTimeout(VERY_LONG);
    testDeadline(clock, c2, SHORT, "withTimeout+otherContext+withTimeout");
    assertEquals(0, clock.pendingTimers());
  }

  @Test
  void canceledTimeout() {
    VirtualClock clock = new VirtualClock();
    CancellableContext c = clock.background().withTimeout(Duration.ofSeconds(1));
    Context o = new OtherContext(c);
    CancellableContext c2 = o.withTimeout(VERY_LONG);
    assertTrue(c2.cancel()); // propagates synchronously
    assertCancelled(c2);
    assertSame(c2.err(), c2.cause());
    assertFalse(c.isDone());
    assertEquals(0, registrations(c), "c2 unregistered from c through the wrapper");
    c.cancel();
    assertEquals(0, clock.pendingTimers());
  }

  private static final Key<String> K1 = Key.of("k1");
  private static final Key<String> K2 = Key.of("k2");
  private static final Key<String> K3 = Key.of("k2"); // same name as K2, different key

  private static void checkValues(Context c, String name, String v1, String v2, String v3) {
    assertAll(name,
        () -> assertEquals(v1, c.value(K1), name + ".value(k1)"),
        () -> assertEquals(v2, c.value(K2), name + ".value(k2)"),
        () -> assertEquals(v3, c.value(K3), name + ".value(k3)"));
  }

  @Test
  void values() {
    Context c0 = Context.background();
    checkValues(c0, "c0", null, null, null);

    Context c1 = c0.withValue(K1, "c1k1");
    checkValues(c1, "c1", "c1k1", null, null);
    assertEquals("background.withValue(k1, c1k1)", c1.toString());

    Context c2 = c1.withValue(K2, "c2k2");
    checkValues(c2, "c2", "c1k1", "c2k2", null);

    Context c3 = c2.withValue(K3, "c3k3");
    checkValues(c3, "c3", "c1k1", "c2k2", "c3k3");

    Context c4 = c3.withValue(K1, null); // a null value hides the outer binding
    checkValues(c4, "c4", null, "c2k2", "c3k3");

    Context o0 = new OtherContext(Context.background());
    checkValues(o0, "o0", null, null, null);

    Context o1 = new OtherContext(Context.background().withValue(K1, "c1k1"));
    checkValues(o1, "o1", "c1k1", null, null);

    Context o2 = o1.withValue(K2, "o2k2");
    checkValues(o2, "o2", "c1k1", "o2k2", null);

    Context o3 = new OtherContext(c4);
    checkValues(o3, "o3", null, "c2k2", "c3k3");

    Context o4 = o3.withValue(K3, null);
    checkValues(o4, "o4", null, "c2k2", null);

    // Values are visible through every kind of derived context.
    CancellableContext cc = c3.withCancel();
    checkValues(cc, "c3.withCancel", "c1k1", "c2k2", "c3k3");
    checkValues(cc.withTimeout(VERY_LONG), "c3.withCancel.withTimeout", "c1k1", "c2k2", "c3k3");
    checkValues(c3.withoutCancel(), "c3.withoutCancel", "c1k1", "c2k2", "c3k3");
    cc.cancel();
    checkValues(cc, "c3.withCancel after cancel", "c1k1", "c2k2", "c3k3");
  }

  /**
   * Go's TestAllocs bounds allocations per call. The Java counterpart that matters: the hot read
   * paths ({@code background()}, {@code isDone()}, {@code err()}, value lookup) allocate nothing.
   * Measured with the per-thread allocation counter where the JVM has one.
   */
  @Test
  void allocs() {
    ThreadMXBean bean = ManagementFactory.getThreadMXBean();
    assumeTrue(bean instanceof com.sun.management.ThreadMXBean, "no per-thread allocation counter");
    com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) bean;
    assumeTrue(mx.isThreadAllocatedMemorySupported() && mx.isThreadAllocatedMemoryEnabled());

    Context value = Context.background().withValue(K1, "v").withValue(K2, "w");
    CancellableContext cancel = value.withCancel();
    Context deep = cancel.withValue(K3, "x");
    int n = 100_000;
    Map<String, Runnable> cases = new LinkedHashMap<>();
    cases.put("background()", Context::background);
    cases.put("isDone()", () -> {
      if (deep.isDone()) {
        fail();
      }
    });
    cases.put("err()", () -> {
      if (deep.err() != null) {
        fail();
      }
    });
    cases.put("value(k1) through 4 layers", () -> {
      if (deep.value(K1) == null) {
        fail();
      }
    });
    for (Map.Entry<String, Runnable> e : cases.entrySet()) {
      Runnable r = e.getValue();
      for (int i = 0; i < n; i++) {
        r.run(); // warm up
      }
      long tid = Thread.currentThread().getId();
      long before = mx.getThreadAllocatedBytes(tid);
      for (int i = 0; i < n; i++) {
        r.run();
      }
      long allocated = mx.getThreadAllocatedBytes(tid) - before;
      // One allocation per call would be at least 16 * n bytes; allow measurement noise.
      assertTrue(allocated < 64 * 1024, e.getKey() + " allocated " + allocated + " bytes in " + n + " calls");
    }
    cancel.cancel();
  }

  @Test
  void simultaneousCancels() throws Exception {
    CancellableContext root = Context.background().withCancel();
    List<CancellableContext> all = new ArrayList<>();
    all.add(root);
    List<CancellableContext> queue = new ArrayList<>(all);
    while (!queue.isEmpty() && all.size() < 100) {
      CancellableContext parent = queue.remove(0);
      for (int i = 0; i < 4; i++) {
        CancellableContext c = parent.withCancel();
        all.add(c);
        queue.add(c);
      }
    }
    List<CancellableContext> order = new ArrayList<>(all);
    Collections.shuffle(order, new Random(42));
    CountDownLatch start = new CountDownLatch(1);
    List<CompletableFuture<Boolean>> cancels = new ArrayList<>();
    for (CancellableContext c : order) {
      cancels.add(async("cancel", () -> {
        start.await();
        return c.cancel();
      }));
    }
    start.countDown();
    Collections.shuffle(order, new Random(7));
    for (CancellableContext c : order) {
      assertTrue(c.awaitDone(LIVENESS), "a context was never done: deadlock?");
    }
    for (CompletableFuture<Boolean> f : cancels) {
      join(f); // every cancel returned
    }
    for (CancellableContext c : all) {
      assertCancelled(c);
      assertEquals(0, registrations(c));
    }
  }

  @Test
  void interlockedCancels() throws Exception {
    CancellableContext parent = Context.background().withCancel();
    CancellableContext child = parent.withCancel();
    CompletableFuture<Boolean> f = async("child-canceller", () -> {
      parent.awaitDone();
      return child.cancel();
    });
    parent.cancel();
    assertTrue(child.awaitDone(LIVENESS));
    assertFalse(join(f), "the parent's cancel already cancelled the child");
    assertSame(parent.err(), child.err());
  }

  @Test
  void layersCancel() {
    testLayers(System.nanoTime(), false);
  }

  @Test
  void layersTimeout() {
    testLayers(System.nanoTime(), true);
  }

  private static void testLayers(long seed, boolean testTimeout) {
    Random r = new Random(seed);
    String prefix = "seed=" + seed + ": ";
    VirtualClock clock = new VirtualClock();
    List<Key<Object>> keys = new ArrayList<>();
    List<Object> vals = new ArrayList<>();
    List<CancellableContext> cancels = new ArrayList<>();
    int numTimers = 0;
    Context ctx = clock.background();
    for (int i = 0; i < 30 || numTimers == 0 || cancels.isEmpty() || keys.isEmpty(); i++) {
      switch (r.nextInt(3)) {
        case 0: {
          Key<Object> k = Key.of("v" + i);
          Object v = new Object();
          ctx = ctx.withValue(k, v);
          keys.add(k);
          vals.add(v);
          break;
        }
        case 1: {
          CancellableContext c = ctx.withCancel();
          cancels.add(c);
          ctx = c;
          break;
        }
        default: {
          CancellableContext c = ctx.withTimeout(testTimeout ? SHORT : VERY_LONG);
          cancels.add(c);
          ctx = c;
          numTimers++;
        }
      }
    }
    Context leaf = ctx;
    Runnable checkValues = () -> {
      for (int i = 0; i < keys.size(); i++) {
        assertSame(vals.get(i), leaf.value(keys.get(i)), prefix + "value of " + keys.get(i));
      }
    };
    assertFalse(leaf.isDone(), prefix + "ctx should not be cancelled yet");
    assertTrue(leaf.toString().startsWith("background."), prefix + leaf);
    checkValues.run();
    if (testTimeout) {
      clock.advance(SHORT);
      assertTrue(leaf.isDone(), prefix + "ctx should have timed out");
      assertInstanceOf(DeadlineExceededException.class, leaf.err(), prefix);
      checkValues.run();
    } else {
      cancels.get(r.nextInt(cancels.size())).cancel();
      assertCancelled(leaf);
      checkValues.run();
    }
    for (CancellableContext c : cancels) {
      c.cancel();
    }
    assertEquals(0, clock.pendingTimers(), prefix + "timers left behind");
  }

  @Test
  void cancelRemoves() {
    CancellableContext ctx = Context.background().withCancel();
    assertEquals(0, registrations(ctx), "after creation");
    CancellableContext child = ctx.withCancel();
    assertEquals(0, registrations(ctx), "with a detached withCancel child: it polls ctx");
    child.onDone(() -> {});
    assertEquals(1, registrations(ctx), "with withCancel child that needs telling");
    child.cancel();
    assertEquals(0, registrations(ctx), "after cancelling withCancel child");

    VirtualClock clock = new VirtualClock();
    ctx = clock.background().withCancel();
    assertEquals(0, registrations(ctx), "after creation");
    child = ctx.withTimeout(Duration.ofMinutes(60));
    assertEquals(0, registrations(ctx), "with a detached withTimeout child");
    child.done();
    assertEquals(1, registrations(ctx), "with withTimeout child that needs telling");
    child.cancel();
    assertEquals(0, registrations(ctx), "after cancelling withTimeout child");
    assertEquals(0, clock.pendingTimers(), "timer stopped");

    Stop stop = ctx.afterFunc(() -> fail("stopped afterFunc ran"));
    assertEquals(1, registrations(ctx), "with afterFunc");
    assertTrue(stop.stop());
    assertEquals(0, registrations(ctx), "after stopping afterFunc");

    stop = ctx.onDone(() -> fail("stopped onDone ran"));
    assertEquals(1, registrations(ctx), "with onDone");
    assertTrue(stop.stop());
    assertEquals(0, registrations(ctx), "after stopping onDone");

    // A child through a value context registers with the nearest cancellable ancestor.
    child = ctx.withValue(K1, "v").withCancel();
    child.done();
    assertEquals(1, registrations(ctx));
    child.cancel();
    assertEquals(0, registrations(ctx));
    ctx.cancel();
  }

  @Test
  void withCancelCanceledParent() {
    CancellableContext parent = Context.background().withCancel();
    Exception cause = new Exception("Because!");
    parent.cancel(cause);

    CancellableContext c = parent.withCancel();
    assertCancelled(c);
    assertSame(cause, c.cause());
    assertSame(parent.err(), c.err());
    assertFalse(c.cancel(), "already done at construction");
  }

  @Test
  void withCancelSimultaneouslyCanceledParent() throws Exception {
    for (int i = 0; i < 100; i++) {
      CancellableContext parent = Context.background().withCancel();
      Exception cause = new Exception("Because!");
      CompletableFuture<Boolean> f = async("parent-canceller", () -> parent.cancel(cause));

      CancellableContext c = parent.withCancel();
      assertTrue(c.awaitDone(LIVENESS));
      assertInstanceOf(ContextCancelledException.class, c.err());
      assertSame(cause, c.cause(), "child has wrong cause");
      assertTrue(join(f));
      assertEquals(0, registrations(parent));
    }
  }

  @Test
  void withValueChecksKey() {
    NullPointerException e = assertThrows(NullPointerException.class,
        () -> Context.background().withValue(null, "bar"));
    assertEquals("key", e.getMessage());
    // Go rejects non-comparable keys; Java keys are compared by identity, so any Key is valid,
    // and two keys with the same name are different keys.
    Key<String> a = Key.of("same");
    Key<String> b = Key.of("same");
    Context c = Context.background().withValue(a, "a");
    assertEquals("a", c.value(a));
    assertNull(c.value(b));
  }

  @Test
  void invalidDerivedFail() {
    // The public API cannot be given a null parent (the parent is the receiver); the factories
    // behind it still check, as Go's "cannot create context from nil parent".
    assertEquals("parent", assertThrows(NullPointerException.class, () -> CancelCtx.withCancel(null)).getMessage());
    assertEquals("parent", assertThrows(NullPointerException.class,
        () -> TimerCtx.withDeadline(null, Instant.now(), null)).getMessage());
    assertEquals("parent", assertThrows(NullPointerException.class,
        () -> TimerCtx.withTimeout(null, SHORT, null)).getMessage());
    assertEquals("parent", assertThrows(NullPointerException.class,
        () -> ValueCtx.withValue(null, K1, "v")).getMessage());
    assertEquals("parent", assertThrows(NullPointerException.class, () -> WithoutCancelCtx.of(null)).getMessage());
    assertEquals("ctx", assertThrows(NullPointerException.class,
        () -> AfterFunc.register(null, () -> { }, TestSupport.DIRECT)).getMessage());
  }

  @Test
  void deadlineExceededSupportsTimeout() {
    DeadlineExceededException d = new DeadlineExceededException();
    assertTrue(d.isTimeout());
    assertFalse(new ContextCancelledException().isTimeout());
    assertInstanceOf(java.util.concurrent.CancellationException.class, d);
    assertEquals("context deadline exceeded", d.getMessage());
    assertEquals("context cancelled", new ContextCancelledException().getMessage());
    assertEquals(0, d.getStackTrace().length, "a shared state exception records no stack trace");

    VirtualClock clock = new VirtualClock();
    CancellableContext c = clock.background().withTimeout(SHORT);
    clock.advance(SHORT);
    assertTrue(c.err().isTimeout());
  }

  /** Builds one row of Go's TestCause table. */
  private static DynamicTest causeCase(String name, Supplier<Context> ctx, Class<?> errType,
      Supplier<Throwable> expectedCause) {
    return DynamicTest.dynamicTest(name, () -> {
      Context c = ctx.get();
      if (errType == null) {
        assertNull(c.err(), "err");
        assertNull(c.cause(), "cause");
        return;
      }
      assertInstanceOf(errType, c.err(), "err");
      Throwable want = expectedCause == null ? c.err() : expectedCause.get();
      assertSame(want, c.cause(), "cause");
    });
  }

  @TestFactory
  Stream<DynamicTest> cause() {
    Duration forever = Duration.ofSeconds(1_000_000);
    Exception parentCause = new Exception("parentCause");
    Exception childCause = new Exception("childCause");
    Exception tooSlow = new Exception("tooSlow");
    Exception finishedEarly = new Exception("finishedEarly");
    VirtualClock clock = new VirtualClock();
    Context bg = clock.background();
    Class<?> cancelled = ContextCancelledException.class;
    Class<?> deadline = DeadlineExceededException.class;
    return Stream.of(
        causeCase("Background", Context::background, null, null),
        causeCase("TODO", Context::todo, null, null),
        causeCase("WithCancel", () -> {
          CancellableContext c = bg.withCancel();
          c.cancel();
          return c;
        }, cancelled, null),
        causeCase("WithCancelCause", () -> {
          CancellableContext c = bg.withCancel();
          c.cancel(parentCause);
          return c;
        }, cancelled, () -> parentCause),
        causeCase("WithCancelCause nil", () -> {
          CancellableContext c = bg.withCancel();
          c.cancel(null);
          return c;
        }, cancelled, null),
        causeCase("WithCancelCause: parent cause before child", () -> {
          CancellableContext p = bg.withCancel();
          CancellableContext c = p.withCancel();
          p.cancel(parentCause);
          c.cancel(childCause);
          return c;
        }, cancelled, () -> parentCause),
        causeCase("WithCancelCause: parent cause after child", () -> {
          CancellableContext p = bg.withCancel();
          CancellableContext c = p.withCancel();
          c.cancel(childCause);
          p.cancel(parentCause);
          return c;
        }, cancelled, () -> childCause),
        causeCase("WithCancelCause: parent cause before nil", () -> {
          CancellableContext p = bg.withCancel();
          CancellableContext c = p.withCancel();
          p.cancel(parentCause);
          c.cancel();
          return c;
        }, cancelled, () -> parentCause),
        causeCase("WithCancelCause: parent cause after nil", () -> {
          CancellableContext p = bg.withCancel();
          CancellableContext c = p.withCancel();
          c.cancel();
          p.cancel(parentCause);
          return c;
        }, cancelled, null),
        causeCase("WithCancelCause: child cause after nil", () -> {
          CancellableContext p = bg.withCancel();
          CancellableContext c = p.withCancel();
          p.cancel();
          c.cancel(childCause);
          return c;
        }, cancelled, null),
        causeCase("WithCancelCause: child cause before nil", () -> {
          CancellableContext p = bg.withCancel();
          CancellableContext c = p.withCancel();
          c.cancel(childCause);
          p.cancel();
          return c;
        }, cancelled, () -> childCause),
        causeCase("WithTimeout", () -> {
          CancellableContext c = bg.withTimeout(Duration.ZERO);
          c.cancel();
          return c;
        }, deadline, null),
        causeCase("WithTimeout canceled", () -> {
          CancellableContext c = bg.withTimeout(forever);
          c.cancel();
          return c;
        }, cancelled, null),
        causeCase("WithTimeoutCause", () -> {
          CancellableContext c = bg.withTimeout(Duration.ZERO, tooSlow);
          c.cancel();
          return c;
        }, deadline, () -> tooSlow),
        causeCase("WithTimeoutCause canceled", () -> {
          CancellableContext c = bg.withTimeout(forever, tooSlow);
          c.cancel(); // cancel never records the deadline cause
          return c;
        }, cancelled, null),
        causeCase("WithTimeoutCause fired", () -> {
          CancellableContext c = bg.withTimeout(forever, tooSlow);
          clock.advance(forever);
          return c;
        }, deadline, () -> tooSlow),
        causeCase("WithTimeoutCause stacked", () -> {
          CancellableContext outer = bg.withCancel();
          CancellableContext c = outer.withTimeout(Duration.ZERO, tooSlow);
          outer.cancel(finishedEarly);
          return c;
        }, deadline, () -> tooSlow),
        causeCase("WithTimeoutCause stacked canceled", () -> {
          CancellableContext outer = bg.withCancel();
          CancellableContext c = outer.withTimeout(forever, tooSlow);
          outer.cancel(finishedEarly);
          return c;
        }, cancelled, () -> finishedEarly),
        causeCase("WithTimeoutCause under an earlier parent deadline", () -> {
          CancellableContext outer = bg.withTimeout(Duration.ofSeconds(1), finishedEarly);
          CancellableContext c = outer.withTimeout(forever, tooSlow); // a plain withCancel child
          clock.advance(Duration.ofSeconds(1));
          return c;
        }, deadline, () -> finishedEarly),
        causeCase("WithoutCancel", () -> bg.withoutCancel(), null, null),
        causeCase("WithoutCancel canceled", () -> {
          CancellableContext c = bg.withCancel();
          Context w = c.withoutCancel();
          c.cancel(finishedEarly);
          return w;
        }, null, null),
        causeCase("WithoutCancel timeout", () -> {
          CancellableContext c = bg.withTimeout(Duration.ZERO, tooSlow);
          Context w = c.withoutCancel();
          c.cancel();
          return w;
        }, null, null));
  }

  @Test
  void causeRace() throws Exception {
    for (int i = 0; i < 200; i++) {
      Exception cause = new Exception("TestCauseRace");
      CancellableContext ctx = Context.background().withCancel();
      CompletableFuture<Boolean> f = async("cancel", () -> ctx.cancel(cause));
      long end = System.nanoTime() + LIVENESS.toNanos();
      while (true) {
        // Poll cause() rather than waiting for done, so an unsynchronised cause would show.
        Throwable got = ctx.cause();
        if (got != null) {
          assertSame(cause, got);
          assertInstanceOf(ContextCancelledException.class, ctx.err());
          break;
        }
        assertTrue(System.nanoTime() < end, "cancel never became visible");
        Thread.onSpinWait();
      }
      join(f);
    }
  }

  @Test
  void withoutCancel() {
    VirtualClock clock = new VirtualClock();
    Key<String> key = Key.of("key");
    CancellableContext parent = clock.background().withValue(key, "value").withTimeout(Duration.ofSeconds(1));
    Context ctx = parent.withoutCancel();
    assertNull(ctx.deadline());
    assertNull(ctx.remaining());
    assertNull(ctx.err());
    assertEquals("value", ctx.value(key));
    assertSame(clock, ctx.clock(), "keeps the tree's clock");
    assertSame(Context.background().done(), ctx.done(), "the shared never-completing stage");
    assertEquals("background.withValue(key, value).withDeadline(2000-01-01T00:00:01Z [PT1S]).withoutCancel",
        ctx.toString());

    CancellableContext child = ctx.withCancel();
    assertEquals(0, registrations(parent), "a child of withoutCancel registers nothing upstream");
    assertNull(child.deadline());
    clock.advance(Duration.ofSeconds(1));
    assertTrue(parent.isDone());
    assertLive(ctx);
    assertLive(child);
    assertEquals("value", child.value(key));
    child.cancel();
    assertCancelled(child);
    assertLive(ctx);
  }

  /** Go's customDoneContext: a foreign context whose done signal is its own, values and err from a library context. */
  @Test
  void customContextPropagation() {
    Exception cause = new Exception("TestCustomContextPropagation");
    CancellableContext ctx1 = Context.background().withCancel();
    AtomicInteger fired = new AtomicInteger();
    // A foreign context that reports ctx1's err/cause but fires its own callbacks.
    ForeignContext donec = new ForeignContext();
    Context custom = new Context() {
      @Override public Instant deadline() { return ctx1.deadline(); }
      @Override public ContextException err() { return donec.isDone() ? ctx1.err() : null; }
      @Override public Throwable cause() { return donec.isDone() ? ctx1.cause() : null; }
      @Override public <T> T value(Key<T> key) { return ctx1.value(key); }
      @Override public boolean isDone() { return donec.isDone(); }
      @Override public java.util.concurrent.CompletionStage<Void> done() { return donec.done(); }
      @Override public Stop onDone(Runnable callback) {
        fired.incrementAndGet();
        return donec.onDone(callback);
      }
    };
    CancellableContext ctx3 = custom.withCancel();
    assertEquals(1, fired.get(), "the child joined through onDone");
    assertEquals(1, donec.registrations());

    ctx1.cancel(cause);
    assertFalse(ctx3.isDone(), "the custom parent decides when it is done, not the context it wraps");
    donec.fire(new ContextCancelledException());

    assertCancelled(ctx3);
    assertSame(cause, ctx3.cause(), "child has wrong cause");
    assertEquals(0, donec.registrations());
    ctx3.cancel();
  }

  /** Go's customCauseContext. */
  @Test
  void customContextCause() {
    // Cancelling a custom context: err and cause are its Canceled.
    ForeignContext ccc = new ForeignContext();
    ContextCancelledException cancelled = new ContextCancelledException();
    ccc.fire(cancelled);
    assertSame(cancelled, ccc.err());
    assertSame(cancelled, ccc.cause());

    // A child cancelled with a cause reports it; the custom parent is untouched.
    ccc = new ForeignContext();
    CancellableContext ctx = ccc.withCancel();
    Exception cause = new Exception("TestCustomContextCause");
    assertTrue(ctx.cancel(cause));
    assertInstanceOf(ContextCancelledException.class, ctx.err());
    assertSame(cause, ctx.cause());
    assertNull(ccc.err());
    assertNull(ccc.cause());
    assertEquals(0, ccc.registrations(), "the cancelled child unregistered from the custom parent");

    // Cancelling the custom parent later changes nothing for the child.
    ContextException childErr = ctx.err();
    ccc.fire(cancelled);
    assertSame(childErr, ctx.err());
    assertSame(cause, ctx.cause());
    assertSame(cancelled, ccc.err());
    assertSame(cancelled, ccc.cause());

    // Cancelling the custom parent cancels a live child, with the parent's err.
    ccc = new ForeignContext();
    ctx = ccc.withCancel();
    ccc.fire(cancelled);
    assertSame(cancelled, ctx.err());
    assertSame(cancelled, ctx.cause());
  }

  /**
   * Go's XTestCustomContextGoroutines counts watcher goroutines. Here a foreign parent never costs
   * a thread: 1000 children of one add zero threads, register 1000 callbacks, and are all
   * cancelled synchronously by the foreign parent's callbacks.
   */
  @Test
  void customContextGoroutines() {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    ForeignContext foreign = new ForeignContext();
    Context values = new OtherContext(foreign).withValue(K1, "v");
    // The shared timer thread of Clock.system() starts with the first timer of the JVM: start it now.
    Clock.system().schedule(Clock.system().nanoTime() + VERY_LONG.toNanos(), () -> { }).stop();
    long startedBefore = threads.getTotalStartedThreadCount();
    int activeBefore = Thread.activeCount();
    List<CancellableContext> children = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      Context parent = (i % 3 == 0) ? foreign : (i % 3 == 1) ? new OtherContext(foreign) : values;
      children.add(i % 2 == 0 ? parent.withCancel() : parent.withTimeout(VERY_LONG));
    }
    assertEquals(startedBefore, threads.getTotalStartedThreadCount(), "a foreign parent must not start threads");
    assertTrue(Thread.activeCount() <= activeBefore, "a foreign parent must not start threads");
    assertEquals(1000, foreign.registrations());

    // A child of a library child of the foreign parent registers with the library child, not the foreign one.
    CancellableContext grandchild = children.get(0).withCancel();
    assertEquals(1000, foreign.registrations());

    ContextCancelledException err = new ContextCancelledException(new Exception("foreign"));
    foreign.fire(err);
    for (CancellableContext c : children) {
      assertSame(err, c.err(), "cancelled synchronously by the foreign parent's callback");
    }
    assertSame(err, grandchild.err());
    assertEquals(startedBefore, threads.getTotalStartedThreadCount());
    assertEquals(0, foreign.registrations());

    // Children cancelled first unregister from the foreign parent (TestCustomContextAfterFuncUnregister*).
    ForeignContext f2 = new ForeignContext();
    CancellableContext a = f2.withCancel();
    CancellableContext b = f2.withTimeout(VERY_LONG);
    assertEquals(2, f2.registrations());
    a.cancel();
    b.cancel();
    assertEquals(0, f2.registrations());

    // A foreign parent that is already done: the child is born done, and nothing is left registered.
    CancellableContext late = foreign.withCancel();
    assertSame(err, late.err());
    assertEquals(0, foreign.registrations());
  }

  @Test
  void stringers() {
    VirtualClock clock = new VirtualClock();
    Context bg = clock.background();
    assertEquals("background", Context.background().toString());
    assertEquals("todo", Context.todo().toString());
    assertEquals("background", bg.toString());
    assertEquals("background.withCancel", Context.background().withCancel().toString());
    assertEquals("background.withValue(k1, c1k1)", Context.background().withValue(K1, "c1k1").toString());
    assertEquals("background.withValue(k1, null)", Context.background().withValue(K1, null).toString());
    Key<Object> any = Key.of("any");
    assertEquals("background.withValue(any, 42)", Context.background().withValue(any, 42).toString());
    assertEquals("background.withValue(any, true)", Context.background().withValue(any, true).toString());
    assertEquals("background.withValue(any, RUNNABLE)",
        Context.background().withValue(any, Thread.State.RUNNABLE).toString());
    assertEquals("background.withValue(any, Object)", Context.background().withValue(any, new Object()).toString(),
        "other values print as their class name, never their toString()");
    assertEquals("background.withValue(any, ArrayList)",
        Context.background().withValue(any, new ArrayList<>(List.of("secret"))).toString());

    CancellableContext d = bg.withTimeout(Duration.ofMillis(50));
    assertEquals("background.withDeadline(2000-01-01T00:00:00.050Z [PT0.05S])", d.toString());
    clock.advance(Duration.ofMillis(20));
    assertEquals("background.withDeadline(2000-01-01T00:00:00.050Z [PT0.03S])", d.toString());
    // An earlier parent deadline makes a plain cancellable child.
    assertEquals("background.withDeadline(2000-01-01T00:00:00.050Z [PT0.03S]).withCancel",
        d.withTimeout(VERY_LONG).toString());
    assertEquals("background.withCancel.withoutCancel", Context.background().withCancel().withoutCancel().toString());
    assertEquals("ForeignContext.withCancel", new ForeignContext().withCancel().toString());
    assertEquals("background.withCancel.withValue(k1, v).withCancel",
        Context.background().withCancel().withValue(K1, "v").withCancel().toString());
    d.cancel();
  }

  /** A deep chain: cancellation, lookup and toString are iterative, so no stack overflow. */
  @Test
  void deepChain() {
    CancellableContext root = Context.background().withCancel();
    Context c = root;
    for (int i = 0; i < 100_000; i++) {
      c = (i % 2 == 0) ? c.withCancel() : c.withValue(K2, "v" + i);
    }
    Context leaf = c.withValue(K3, "leaf");
    assertNull(leaf.value(K1)); // walks the whole chain
    assertTrue(leaf.toString().startsWith("background.withCancel.withCancel.withValue(k2, v1)"));
    root.cancel();
    assertTrue(leaf.isDone());
    assertSame(root.err(), leaf.err());
  }

  @Test
  void cancelIsIdempotent() throws Exception {
    CancellableContext c = Context.background().withCancel();
    List<CompletableFuture<Boolean>> fs = new ArrayList<>();
    CountDownLatch go = new CountDownLatch(1);
    for (int i = 0; i < 8; i++) {
      Exception cause = new Exception("c" + i);
      fs.add(async("cancel" + i, () -> {
        go.await(LIVENESS.toMillis(), TimeUnit.MILLISECONDS);
        return c.cancel(cause);
      }));
    }
    go.countDown();
    int winners = 0;
    for (CompletableFuture<Boolean> f : fs) {
      winners += join(f) ? 1 : 0;
    }
    assertEquals(1, winners, "exactly one cancel wins");
    ContextException err = c.err();
    Throwable cause = c.cause();
    assertFalse(c.cancel(new Exception("late")));
    assertSame(err, c.err(), "err never changes");
    assertSame(cause, c.cause(), "cause is not overwritten");
  }
}
