package io.jcontext;

import static io.jcontext.TestSupport.LIVENESS;
import static io.jcontext.TestSupport.async;
import static io.jcontext.TestSupport.join;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcontext.testing.VirtualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * What the Java API adds to Go's semantics: try-with-resources, the {@code done()} stage,
 * {@code onDone} callbacks, throwing callbacks and misbehaving foreign parents.
 */
class ContextJavaTest {

  private static int registrations(Context c) {
    return ((CancelCtx) Tree.unwrap(c)).registrations();
  }

  @Test
  void tryWithResourcesCancels() {
    VirtualClock clock = new VirtualClock();
    CancellableContext parent = clock.background().withCancel();
    CancellableContext escaped;
    CancellableContext escapedTimer;
    try (CancellableContext ctx = parent.withCancel();
        CancellableContext timed = parent.withTimeout(Duration.ofSeconds(5))) {
      escaped = ctx;
      escapedTimer = timed;
      assertFalse(ctx.isDone());
      assertEquals(0, registrations(parent), "detached children: the parent holds neither");
      assertEquals(1, clock.pendingTimers());
    }
    assertInstanceOf(ContextCancelledException.class, escaped.err());
    assertInstanceOf(ContextCancelledException.class, escapedTimer.err());
    assertEquals(0, registrations(parent), "close() unregisters from the parent");
    assertEquals(0, clock.pendingTimers(), "close() stops the timer");
    assertFalse(parent.isDone());
    escaped.close(); // closing twice is harmless
    parent.cancel();
  }

  @Test
  void cancelReportsWhetherItCancelled() {
    CancellableContext c = Context.background().withCancel();
    assertTrue(c.cancel());
    assertFalse(c.cancel());
    assertFalse(c.cancel(new Exception("late")));
    assertSame(c.err(), c.cause(), "a late cause is not recorded");
    assertNull(c.err().getCause());
  }

  @Test
  void errIsSharedStatelessException() {
    CancellableContext p = Context.background().withCancel();
    CancellableContext c = p.withCancel();
    Exception cause = new Exception("why");
    p.cancel(cause);
    ContextException err = c.err();
    assertSame(p.err(), err);
    assertSame(cause, err.getCause());
    assertEquals(0, err.getStackTrace().length);
    assertThrows(IllegalStateException.class, () -> err.initCause(new Exception()), "the cause is frozen");
    ContextException thrown = assertThrows(ContextException.class, c::throwIfDone);
    assertSame(err, thrown);
    Context.background().throwIfDone(); // live: returns
  }

  @Test
  void doneIdentity() {
    CancellableContext c = Context.background().withCancel();
    CompletionStage<Void> d = c.done();
    assertSame(d, c.done());
    Context v = c.withValue(Key.of("k"), "v");
    assertSame(d, v.done(), "a value context shares its source's stage");
    assertFalse(d.toCompletableFuture().isDone());
    c.cancel();
    assertSame(d, c.done());
    assertTrue(d.toCompletableFuture().isDone());

    // Cancelled before anyone asked: a completed stage, stable from then on.
    CancellableContext early = Context.background().withCancel();
    early.cancel();
    CompletionStage<Void> e = early.done();
    assertTrue(e.toCompletableFuture().isDone());
    assertSame(e, early.done());
  }

  @Test
  void doneCompletesDependents() throws Exception {
    CancellableContext c = Context.background().withCancel();
    AtomicInteger ran = new AtomicInteger();
    CompletableFuture<Void> dep = c.done().thenRun(ran::incrementAndGet).toCompletableFuture();
    assertEquals(0, ran.get());
    c.cancel();
    assertEquals(1, ran.get(), "dependents run when the stage completes, inside cancel");
    assertTrue(dep.isDone());
    assertTrue(dep.complete(null) || dep.isDone(), "dependents are ordinary futures");
    // Completed concurrently: a thread waiting on the stage wakes.
    CancellableContext c2 = Context.background().withCancel();
    CompletableFuture<Boolean> waiter = async("waiter", () -> {
      c2.done().toCompletableFuture().get(LIVENESS.toMillis(), TimeUnit.MILLISECONDS);
      return c2.isDone();
    });
    c2.cancel();
    assertTrue(join(waiter));
  }

  @Test
  void doneIsReadOnly() {
    CancellableContext c = Context.background().withCancel();
    CompletionStage<Void> d = c.done();
    assertFalse(d instanceof CompletableFuture, "no complete()/cancel()/obtrude*() to call on it");
    // Dependents are ordinary futures: completing or cancelling them does not reach the stage.
    assertTrue(d.thenRun(() -> {}).toCompletableFuture().complete(null));
    assertTrue(d.thenApply(v -> 1).toCompletableFuture().cancel(true));
    assertTrue(d.whenComplete((v, e) -> {}).toCompletableFuture().completeExceptionally(new Exception()));
    assertFalse(c.isDone(), "no write reached the context");
    assertFalse(d.toCompletableFuture().isDone());
    // toCompletableFuture() is a copy: completing it does not complete done().
    CompletableFuture<Void> copy = c.done().toCompletableFuture();
    assertTrue(copy.complete(null));
    assertFalse(d.toCompletableFuture().isDone());
    assertFalse(c.isDone());
    c.cancel();
    CompletableFuture<Void> after = d.toCompletableFuture();
    assertTrue(after.isDone());
    assertFalse(after.isCompletedExceptionally(), "done() completes normally");
  }

  @Test
  void backgroundDoneNeverCompletes() throws Exception {
    VirtualClock clock = new VirtualClock();
    for (Context c : List.of(Context.background(), Context.todo(), clock.background(),
        Context.background().withValue(Key.of("k"), "v"), Context.background().withCancel().withoutCancel())) {
      CompletionStage<Void> d = c.done();
      assertSame(d, c.done());
      assertSame(Context.background().done(), d, "one shared never-completing stage");
      AtomicInteger ran = new AtomicInteger();
      CompletionStage<Void> dep = d.thenRun(ran::incrementAndGet);
      assertFalse(dep.toCompletableFuture().isDone());
      assertFalse(d.toCompletableFuture().isDone());
      d.toCompletableFuture().complete(null); // a fresh future: completing it changes nothing
      assertFalse(d.toCompletableFuture().isDone());
      assertEquals(0, ran.get());
      // "Either" combinations complete with the other stage.
      CompletableFuture<Void> other = new CompletableFuture<>();
      CompletableFuture<Void> either = d.runAfterEither(other, ran::incrementAndGet).toCompletableFuture();
      other.complete(null);
      assertTrue(either.isDone());
      assertEquals(1, ran.get());
    }
    assertTrue(Context.background().withCancel().withoutCancel().done() instanceof NeverStage);
  }

  @Test
  void onDoneRunsSynchronouslyInRegistrationOrder() {
    CancellableContext c = Context.background().withCancel();
    List<String> order = new ArrayList<>();
    Thread caller = Thread.currentThread();
    c.onDone(() -> order.add("a" + (Thread.currentThread() == caller)));
    CancellableContext child = c.withCancel();
    child.onDone(() -> order.add("child"));
    c.onDone(() -> order.add("b"));
    assertTrue(order.isEmpty());
    c.cancel();
    assertEquals(List.of("atrue", "child", "b"), order, "depth first, registration order, on the cancelling thread");

    // Already done: runs at once on the caller, and stop() says it could not prevent it.
    List<String> late = new ArrayList<>();
    Stop s = c.onDone(() -> late.add("late"));
    assertEquals(List.of("late"), late);
    assertFalse(s.stop());
    // Never-cancellable: nothing runs, the first stop() reports it prevented the run.
    Stop never = Context.background().onDone(() -> late.add("never"));
    assertTrue(never.stop());
    assertFalse(never.stop());
    assertEquals(List.of("late"), late);
  }

  @Test
  void onDoneSeesDoneState() {
    CancellableContext p = Context.background().withCancel();
    CancellableContext c = p.withCancel();
    boolean[] seen = new boolean[2];
    c.onDone(() -> {
      seen[0] = c.isDone() && c.err() != null;
      seen[1] = p.isDone();
    });
    p.cancel();
    assertTrue(seen[0], "err is set before callbacks run");
    assertTrue(seen[1]);
  }

  @Test
  void callbackThatThrows() {
    CancellableContext c = Context.background().withCancel();
    CancellableContext child = c.withCancel();
    AtomicInteger after = new AtomicInteger();
    IllegalStateException boom = new IllegalStateException("boom");
    Error error = new AssertionError("error");
    child.done(); // the child attaches to c here: before c's throwing callback
    c.onDone(() -> {
      throw boom;
    });
    child.onDone(() -> {
      throw error;
    });
    c.onDone(after::incrementAndGet);
    child.onDone(after::incrementAndGet);
    try (TestSupport.Uncaught uncaught = new TestSupport.Uncaught()) {
      assertTrue(c.cancel(), "cancellation completes");
      // The child attached before the throwing callback of c: depth first, registration order.
      assertEquals(List.of(error, boom), uncaught.seen, "each throwable reaches the thread's handler");
    }
    assertEquals(2, after.get(), "the other callbacks still run");
    assertTrue(child.isDone());
    assertEquals(0, registrations(c));

    // A throwing callback on an already-done context: reported, not thrown at the caller.
    try (TestSupport.Uncaught uncaught = new TestSupport.Uncaught()) {
      assertFalse(c.onDone(() -> {
        throw boom;
      }).stop());
      assertEquals(List.of(boom), uncaught.seen);
    }

    // A handler that itself throws does not break the cancellation either.
    Thread t = Thread.currentThread();
    Thread.UncaughtExceptionHandler previous = t.getUncaughtExceptionHandler();
    t.setUncaughtExceptionHandler((th, e) -> {
      throw new RuntimeException("bad handler");
    });
    try {
      CancellableContext c2 = Context.background().withCancel();
      c2.onDone(() -> {
        throw boom;
      });
      c2.onDone(after::incrementAndGet);
      assertTrue(c2.cancel());
      assertEquals(3, after.get());
    } finally {
      t.setUncaughtExceptionHandler(previous);
    }
  }

  /** A timer callback that throws on the VirtualClock: cancellation of the timed context is unaffected. */
  @Test
  void callbackThatThrowsOnDeadline() {
    VirtualClock clock = new VirtualClock();
    CancellableContext c = clock.background().withTimeout(Duration.ofSeconds(1));
    AtomicInteger after = new AtomicInteger();
    c.onDone(() -> {
      throw new IllegalStateException("boom");
    });
    c.onDone(after::incrementAndGet);
    try (TestSupport.Uncaught uncaught = new TestSupport.Uncaught()) {
      clock.advance(Duration.ofSeconds(1)); // the timer runs on this thread
      assertEquals(1, uncaught.seen.size());
    }
    assertTrue(c.err().isTimeout());
    assertEquals(1, after.get());
  }

  /** A foreign parent that breaks the contract (done, but err() null): the child is still cancelled, with a clear cause. */
  @Test
  void foreignParentWithNullErr() throws Exception {
    ForeignContext foreign = new ForeignContext().misbehave();
    CancellableContext child = foreign.withCancel();
    CancellableContext grandchild = child.withCancel();
    CompletableFuture<Boolean> waiter = async("waiter", () -> grandchild.awaitDone(LIVENESS));
    foreign.fire(new ContextCancelledException());
    assertTrue(join(waiter), "no hang");
    assertInstanceOf(ContextCancelledException.class, child.err());
    Throwable cause = child.cause();
    assertInstanceOf(IllegalStateException.class, cause);
    assertTrue(cause.getMessage().contains(ForeignContext.class.getName()), cause.getMessage());
    assertTrue(cause.getMessage().contains("err() returned null"), cause.getMessage());
    assertSame(child.err(), grandchild.err());

    // The same when the foreign parent already looks done at construction.
    CancellableContext late = foreign.withCancel();
    assertInstanceOf(IllegalStateException.class, late.cause());
    assertEquals(0, foreign.registrations());
  }

  /** A foreign parent whose err has a different cause than its cause(): the child reports the parent's cause(). */
  @Test
  void foreignParentCause() {
    CancellableContext inner = Context.background().withCancel();
    Exception cause = new Exception("inner cause");
    CancellableContext child = new OtherContext(inner).withCancel();
    inner.cancel(cause);
    assertSame(inner.err(), child.err());
    assertSame(cause, child.cause());

    VirtualClock clock = new VirtualClock();
    CancellableContext timed = clock.background().withTimeout(Duration.ofSeconds(1), cause);
    CancellableContext child2 = new OtherContext(timed).withCancel();
    clock.advance(Duration.ofSeconds(1));
    assertInstanceOf(DeadlineExceededException.class, child2.err());
    assertSame(cause, child2.cause());
  }

  @Test
  void errAndIsDoneAgree() throws Exception {
    for (int i = 0; i < 500; i++) {
      CancellableContext c = Context.background().withCancel();
      CancellableContext child = c.withValue(Key.of("k"), 1).withCancel();
      CompletableFuture<Void> f = async("cancel", () -> {
        c.cancel();
        return null;
      });
      while (true) {
        boolean done = child.isDone();
        ContextException err = child.err();
        if (done) {
          assertTrue(err != null, "isDone() true but err() null");
          break;
        }
        if (err != null) {
          assertTrue(child.isDone(), "err() set but isDone() false");
          break;
        }
        Thread.onSpinWait();
      }
      join(f);
    }
  }

  @Test
  void deadlineAndRemaining() {
    VirtualClock clock = new VirtualClock();
    Context bg = clock.background();
    assertNull(bg.deadline());
    assertNull(bg.remaining());
    CancellableContext c = bg.withTimeout(Duration.ofSeconds(5));
    assertEquals(VirtualClock.DEFAULT_START.plusSeconds(5), c.deadline());
    assertEquals(Duration.ofSeconds(5), c.remaining());
    Context v = c.withValue(Key.of("k"), "v");
    assertEquals(c.deadline(), v.deadline());
    clock.advance(Duration.ofSeconds(2));
    assertEquals(Duration.ofSeconds(3), c.remaining());
    assertEquals(Duration.ofSeconds(3), v.remaining());
    // A later child deadline is capped by the parent's; an earlier one is kept.
    assertEquals(c.deadline(), c.withTimeout(Duration.ofHours(1)).deadline());
    CancellableContext earlier = c.withTimeout(Duration.ofSeconds(1));
    assertEquals(clock.now().plusSeconds(1), earlier.deadline());
    assertInstanceOf(TimerCtx.class, Tree.unwrap(earlier));
    // Equal deadline: not earlier, so it gets its own timer (as in Go).
    assertInstanceOf(TimerCtx.class, Tree.unwrap(c.withDeadline(c.deadline())));
    CancellableContext plain = c.withCancel();
    assertEquals(c.deadline(), plain.deadline(), "withCancel reports the inherited deadline");
    // Every kind of context (several override the default remaining()) reads its deadline's distance.
    for (Context k : java.util.List.of(bg, c, v, plain, earlier, plain.withValue(Key.of("k2"), "w"),
        c.withoutCancel(), bg.withValue(Key.of("k3"), "x"))) {
      assertEquals(k.deadline() == null ? null : Duration.between(clock.now(), k.deadline()), k.remaining(),
          k.toString());
    }
    clock.advance(Duration.ofSeconds(3));
    assertEquals(Duration.ZERO, c.remaining());
    clock.advance(Duration.ofSeconds(1));
    assertEquals(Duration.ofSeconds(-1), c.remaining(), "negative once passed");
    assertTrue(plain.err().isTimeout());
  }

  @Test
  void clockIsInherited() {
    VirtualClock clock = new VirtualClock();
    Context bg = clock.background();
    assertSame(clock, bg.clock());
    assertSame(bg, clock.background());
    CancellableContext c = bg.withCancel();
    assertSame(clock, c.clock());
    assertSame(clock, c.withValue(Key.of("k"), "v").clock());
    assertSame(clock, c.withoutCancel().clock());
    assertSame(clock, c.withTimeout(Duration.ofSeconds(1)).clock());
    assertSame(clock, new OtherContext(c).withCancel().clock());
    assertSame(Clock.system(), Context.background().withCancel().clock());
    assertSame(Context.background(), Context.background(Clock.system()));
    c.cancel();
  }

  @Test
  void oneExceptionPerCancellationWhicheverContextIsAskedFirst() throws Exception {
    CancellableContext parent = Context.background().withCancel();
    Context child = parent.withValue(Key.of("k"), "v").withCancel().withCancel();
    parent.cancel();
    ContextException fromChild = child.err(); // the grandchild asks first
    assertSame(fromChild, parent.err());
    assertSame(fromChild, child.cause(), "no cause given: cause is err itself");
    assertSame(fromChild, parent.err(), "stable on every call");
    Thread[] readers = new Thread[4];
    ContextException[] seen = new ContextException[readers.length];
    CancellableContext racy = Context.background().withCancel();
    Context racyChild = racy.withCancel();
    racy.cancel(new IllegalStateException("why"));
    for (int i = 0; i < readers.length; i++) {
      int n = i;
      readers[i] = new Thread(() -> seen[n] = (n % 2 == 0 ? racy : racyChild).err());
      readers[i].start();
    }
    for (Thread t : readers) {
      t.join();
    }
    for (ContextException e : seen) {
      assertSame(seen[0], e, "threads racing to read err() must see one instance");
    }
    assertEquals("why", racyChild.cause().getMessage());
  }
}
