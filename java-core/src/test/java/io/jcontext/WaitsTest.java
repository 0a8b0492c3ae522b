package io.jcontext;

import static io.jcontext.TestSupport.LIVENESS;
import static io.jcontext.TestSupport.async;
import static io.jcontext.TestSupport.asyncContextFailure;
import static io.jcontext.TestSupport.eventually;
import static io.jcontext.TestSupport.join;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jcontext.testing.VirtualClock;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The blocking helpers: {@code awaitDone}, {@code sleep}, {@code await}, {@code awaitAndCancel};
 * interrupts leave no registration behind; timed waits follow the VirtualClock.
 */
class WaitsTest {

  private static int registrations(Context c) {
    return ((CancelCtx) Tree.unwrap(c)).registrations();
  }

  /** A blocking call under test. */
  private interface Blocking {
    void run() throws Exception;
  }

  /**
   * Runs {@code body} on a thread, waits until it has registered with {@code ctx} (and scheduled
   * {@code timers} timers on {@code clock}, if given), interrupts it, and checks that it threw
   * InterruptedException and left nothing registered.
   */
  private static void assertInterruptible(CancellableContext ctx, VirtualClock clock, int timers, Blocking body)
      throws Exception {
    AtomicReference<Thread> thread = new AtomicReference<>();
    CompletableFuture<Throwable> outcome = async("blocked", () -> {
      thread.set(Thread.currentThread());
      try {
        body.run();
        return null;
      } catch (Throwable t) {
        return t;
      } finally {
        assertFalse(Thread.currentThread().isInterrupted(), "interrupt status is cleared when thrown");
      }
    });
    eventually("the waiter registers", () -> registrations(ctx) == 1);
    if (clock != null) {
      assertTrue(clock.awaitPendingTimers(timers, LIVENESS));
    }
    thread.get().interrupt();
    assertInstanceOf(InterruptedException.class, join(outcome));
    assertEquals(0, registrations(ctx), "the interrupted wait left its registration behind");
    if (clock != null) {
      assertEquals(0, clock.pendingTimers(), "the interrupted wait left its timer behind");
    }
    assertFalse(ctx.isDone());
  }

  @Test
  void awaitDoneInterrupted() throws Exception {
    CancellableContext ctx = Context.background().withCancel();
    assertInterruptible(ctx, null, 0, ctx::awaitDone);
    ctx.cancel();
  }

  @Test
  void timedAwaitDoneInterrupted() throws Exception {
    VirtualClock clock = new VirtualClock();
    CancellableContext ctx = clock.background().withCancel();
    assertInterruptible(ctx, clock, 1, () -> ctx.awaitDone(Duration.ofHours(1)));
    ctx.cancel();
  }

  @Test
  void sleepInterrupted() throws Exception {
    VirtualClock clock = new VirtualClock();
    CancellableContext ctx = clock.background().withCancel();
    assertInterruptible(ctx, clock, 1, () -> Context.sleep(ctx, Duration.ofHours(1)));
    ctx.cancel();
  }

  @Test
  void awaitInterrupted() throws Exception {
    CancellableContext ctx = Context.background().withCancel();
    CompletableFuture<String> never = new CompletableFuture<>();
    assertInterruptible(ctx, null, 0, () -> Context.await(ctx, never));
    assertFalse(never.isDone(), "await does not touch the stage when interrupted");
    assertInterruptible(ctx, null, 0, () -> Context.awaitAndCancel(ctx, never));
    assertFalse(never.isDone());
    ctx.cancel();
  }

  @Test
  void alreadyInterrupted() {
    CancellableContext ctx = Context.background().withCancel();
    VirtualClock clock = new VirtualClock();
    CancellableContext vctx = clock.background().withCancel();
    Blocking[] calls = {
        ctx::awaitDone,
        () -> ctx.awaitDone(Duration.ofSeconds(1)),
        () -> Context.sleep(vctx, Duration.ofSeconds(1)),
        () -> Context.await(ctx, new CompletableFuture<>()),
    };
    for (Blocking call : calls) {
      Thread.currentThread().interrupt();
      assertThrows(InterruptedException.class, call::run);
      assertFalse(Thread.interrupted(), "interrupt status cleared");
      assertEquals(0, registrations(ctx));
      assertEquals(0, registrations(vctx));
      assertEquals(0, clock.pendingTimers());
    }
    ctx.cancel();
  }

  @Test
  void awaitDoneWakesOnCancel() throws Exception {
    CancellableContext parent = Context.background().withCancel();
    Context ctx = parent.withValue(Key.of("k"), "v").withCancel();
    CompletableFuture<Boolean> waiter = async("waiter", () -> {
      ctx.awaitDone();
      return ctx.isDone();
    });
    eventually("waiting", () -> registrations(ctx) == 1);
    parent.cancel();
    assertTrue(join(waiter));
    assertTrue(ctx.awaitDone(Duration.ZERO), "done: returns at once");
    ctx.awaitDone(); // done: returns at once
  }

  @Test
  void timedAwaitDoneOnVirtualClock() throws Exception {
    VirtualClock clock = new VirtualClock();
    CancellableContext ctx = clock.background().withCancel();
    assertFalse(ctx.awaitDone(Duration.ZERO), "zero only polls");
    assertFalse(ctx.awaitDone(Duration.ofSeconds(-1)), "negative only polls");
    assertEquals(0, clock.pendingTimers());

    CompletableFuture<Boolean> timesOut = async("waiter", () -> ctx.awaitDone(Duration.ofSeconds(5)));
    assertTrue(clock.awaitPendingTimers(1, LIVENESS));
    clock.advance(Duration.ofMillis(4_999));
    assertFalse(timesOut.isDone(), "woke before its timeout");
    clock.advance(Duration.ofMillis(1));
    assertFalse(join(timesOut));
    assertEquals(0, registrations(ctx));

    CompletableFuture<Boolean> cancelled = async("waiter", () -> ctx.awaitDone(Duration.ofSeconds(5)));
    assertTrue(clock.awaitPendingTimers(1, LIVENESS));
    eventually("waiting", () -> registrations(ctx) == 1);
    ctx.cancel();
    assertTrue(join(cancelled));
    assertEquals(0, clock.pendingTimers(), "the wait's timer is stopped");

    // A never-cancellable context: a timed wait just times out.
    Context bg = clock.background();
    CompletableFuture<Boolean> never = async("waiter", () -> bg.awaitDone(Duration.ofSeconds(1)));
    assertTrue(clock.awaitPendingTimers(1, LIVENESS));
    clock.advance(Duration.ofSeconds(1));
    assertFalse(join(never));
  }

  @Test
  void sleepOnVirtualClock() throws Exception {
    VirtualClock clock = new VirtualClock();
    CancellableContext ctx = clock.background().withCancel();
    CompletableFuture<Duration> sleeper = async("sleeper", () -> {
      Context.sleep(ctx, Duration.ofSeconds(5));
      return Duration.between(VirtualClock.DEFAULT_START, clock.now());
    });
    assertTrue(clock.awaitPendingTimers(1, LIVENESS));
    clock.advance(Duration.ofMillis(4_999));
    assertFalse(sleeper.isDone(), "woke before the clock reached its time");
    clock.advance(Duration.ofMillis(1));
    assertEquals(Duration.ofSeconds(5), join(sleeper), "woke exactly when the clock got there");
    assertEquals(0, registrations(ctx));

    // Cancelled first: throws the context's err, timer stopped.
    CompletableFuture<Throwable> cut = asyncContextFailure("sleeper", () -> Context.sleep(ctx, Duration.ofSeconds(5)));
    assertTrue(clock.awaitPendingTimers(1, LIVENESS));
    eventually("sleeping", () -> registrations(ctx) == 1);
    ctx.cancel(new Exception("stop"));
    assertSame(ctx.err(), join(cut));
    assertEquals(0, clock.pendingTimers());

    // Already done: throws at once, even for a zero duration.
    assertSame(ctx.err(), assertThrows(ContextException.class, () -> Context.sleep(ctx, Duration.ZERO)));
    // Live context, zero or negative duration: returns at once.
    Context.sleep(clock.background(), Duration.ZERO);
    Context.sleep(clock.background(), Duration.ofSeconds(-5));
    assertEquals(0, clock.pendingTimers());
  }

  @Test
  void sleepUntilDeadline() throws Exception {
    VirtualClock clock = new VirtualClock();
    CancellableContext ctx = clock.background().withTimeout(Duration.ofSeconds(1));
    CompletableFuture<Throwable> sleeper = asyncContextFailure("sleeper", () -> Context.sleep(ctx, Duration.ofSeconds(10)));
    assertTrue(clock.awaitPendingTimers(2, LIVENESS));
    clock.advanceToNext();
    assertInstanceOf(DeadlineExceededException.class, join(sleeper));
    assertEquals(0, clock.pendingTimers());
  }

  @Test
  void awaitReturnsValue() throws Exception {
    CancellableContext ctx = Context.background().withCancel();
    assertEquals("done", Context.await(ctx, CompletableFuture.completedFuture("done")));
    CompletableFuture<String> later = new CompletableFuture<>();
    CompletableFuture<String> waiter = async("waiter", () -> Context.await(ctx, later));
    eventually("waiting", () -> registrations(ctx) == 1);
    later.complete("later");
    assertEquals("later", join(waiter));
    assertEquals(0, registrations(ctx));
    // A minimal stage (no toCompletableFuture) works too.
    assertEquals("min", Context.await(ctx, CompletableFuture.completedFuture("min").minimalCompletionStage()));
    ctx.cancel();
  }

  @Test
  void awaitThrowsExecutionException() {
    CancellableContext ctx = Context.background().withCancel();
    IllegalStateException failure = new IllegalStateException("failed");
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> Context.await(ctx, CompletableFuture.failedFuture(failure)));
    assertSame(failure, e.getCause());
    CompletableFuture<String> cancelledStage = new CompletableFuture<>();
    cancelledStage.cancel(false);
    assertThrows(CancellationException.class, () -> Context.await(ctx, cancelledStage));
    assertFalse(ctx.isDone());
    ctx.cancel();
  }

  @Test
  void awaitThrowsContextErrAndLeavesStage() throws Exception {
    CancellableContext ctx = Context.background().withCancel();
    CompletableFuture<String> stage = new CompletableFuture<>();
    CompletableFuture<Throwable> waiter = asyncContextFailure("waiter", () -> Context.await(ctx, stage));
    eventually("waiting", () -> registrations(ctx) == 1);
    ctx.cancel(new Exception("why"));
    assertSame(ctx.err(), join(waiter));
    assertFalse(stage.isDone(), "await must not cancel a stage it does not own");
    // Already done ctx and incomplete stage: throws at once.
    assertSame(ctx.err(), assertThrows(ContextException.class, () -> Context.await(ctx, stage)));
    assertFalse(stage.isDone());
    // Both complete: the stage's result wins.
    assertEquals("v", Context.await(ctx, CompletableFuture.completedFuture("v")));
  }

  @Test
  void awaitAndCancelCancelsStage() throws Exception {
    CancellableContext ctx = Context.background().withCancel();
    CompletableFuture<String> stage = new CompletableFuture<>();
    CompletableFuture<Throwable> waiter = asyncContextFailure("waiter", () -> Context.awaitAndCancel(ctx, stage));
    eventually("waiting", () -> registrations(ctx) == 1);
    ctx.cancel();
    assertSame(ctx.err(), join(waiter));
    assertTrue(stage.isCancelled(), "awaitAndCancel cancels the stage it owns");

    CompletableFuture<String> other = new CompletableFuture<>();
    assertThrows(ContextException.class, () -> Context.awaitAndCancel(ctx, other));
    assertTrue(other.isCancelled());
    assertEquals("v", Context.awaitAndCancel(ctx, CompletableFuture.completedFuture("v")));
  }

  /**
   * A stage shared by many waiters (a cached lookup, say) must not collect one dependent per
   * {@code await} that ended because its context did: those would stay reachable from the stage
   * (with the waiting thread) for as long as the stage is incomplete.
   */
  @Test
  void awaitLeavesNoDependentOnSharedStage() throws Exception {
    CompletableFuture<String> shared = new CompletableFuture<>();
    for (int i = 0; i < 50; i++) {
      CancellableContext ctx = Context.background().withCancel();
      CompletableFuture<Throwable> waiter = asyncContextFailure("waiter", () -> Context.await(ctx, shared));
      eventually("waiting", () -> registrations(ctx) == 1);
      ctx.cancel();
      assertSame(ctx.err(), join(waiter));
    }
    // Interrupted waits, too.
    CancellableContext ctx = Context.background().withCancel();
    for (int i = 0; i < 50; i++) {
      AtomicReference<Thread> t = new AtomicReference<>();
      CompletableFuture<Throwable> waiter = async("waiter", () -> {
        t.set(Thread.currentThread());
        try {
          Context.await(ctx, shared);
          return null;
        } catch (InterruptedException e) {
          return e;
        }
      });
      eventually("waiting", () -> registrations(ctx) == 1);
      t.get().interrupt();
      assertInstanceOf(InterruptedException.class, join(waiter));
    }
    assertEquals(0, shared.getNumberOfDependents(), "dependents left on the shared stage");
    assertFalse(shared.isDone());
  }

  /** The same when the awaited stage is another context's done(): nothing accumulates on it. */
  @Test
  void awaitOnOtherContextsDoneLeavesNothing() throws Exception {
    CancellableContext longLived = Context.background().withCancel();
    for (int i = 0; i < 50; i++) {
      CancellableContext ctx = Context.background().withCancel();
      CompletableFuture<Throwable> waiter = asyncContextFailure("waiter", () -> Context.awaitAndCancel(ctx, longLived.done()));
      eventually("waiting", () -> registrations(ctx) == 1 && registrations(longLived) == 1);
      ctx.cancel();
      assertSame(ctx.err(), join(waiter));
      assertEquals(0, registrations(longLived), "the wait left a registration on the long-lived context");
    }
    assertFalse(longLived.isDone(), "awaitAndCancel cannot cancel a context through its done()");
    // And it still works as a stage to wait for.
    CancellableContext ctx = Context.background().withCancel();
    CompletableFuture<Void> waiter = async("waiter", () -> Context.await(ctx, longLived.done()));
    eventually("waiting", () -> registrations(ctx) == 1);
    longLived.cancel();
    assertEquals(null, join(waiter));
    ctx.cancel();
  }

  @Test
  void awaitOnDeadline() throws Exception {
    VirtualClock clock = new VirtualClock();
    CancellableContext ctx = clock.background().withTimeout(Duration.ofSeconds(3));
    CompletableFuture<String> stage = new CompletableFuture<>();
    CompletableFuture<Throwable> waiter = asyncContextFailure("waiter", () -> Context.await(ctx, stage));
    eventually("waiting", () -> registrations(ctx) == 1);
    clock.advance(Duration.ofSeconds(3));
    assertInstanceOf(DeadlineExceededException.class, join(waiter));
  }

  /** 10 000 virtual threads blocked in awaitDone() on one context all wake when it is cancelled. */
  @Test
  void virtualThreadsAwaitDone() throws Exception {
    assumeTrue(Runtime.version().feature() >= 21, "virtual threads need JDK 21+");
    assertTrue(TaskExecutors.usesVirtualThreads());
    int n = 10_000;
    CancellableContext ctx = Context.background().withCancel();
    Executor exec = TaskExecutors.perTask();
    CountDownLatch woke = new CountDownLatch(n);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    for (int i = 0; i < n; i++) {
      exec.execute(() -> {
        try {
          ctx.awaitDone();
          if (ctx.isDone()) {
            woke.countDown();
          }
        } catch (Throwable t) {
          failure.set(t);
        }
      });
    }
    eventually("all " + n + " virtual threads wait", () -> registrations(ctx) == n);
    assertEquals(n, woke.getCount());
    ctx.cancel();
    assertTrue(woke.await(60, TimeUnit.SECONDS), woke.getCount() + " virtual threads never woke");
    assertEquals(null, failure.get());
    assertEquals(0, registrations(ctx));
  }

  @Test
  void badArguments() {
    CancellableContext ctx = Context.background().withCancel();
    assertEquals("timeout", assertThrows(NullPointerException.class, () -> ctx.awaitDone(null)).getMessage());
    assertEquals("ctx", assertThrows(NullPointerException.class,
        () -> Context.sleep(null, Duration.ZERO)).getMessage());
    assertEquals("duration", assertThrows(NullPointerException.class, () -> Context.sleep(ctx, null)).getMessage());
    assertEquals("ctx", assertThrows(NullPointerException.class,
        () -> Context.await(null, new CompletableFuture<>())).getMessage());
    assertEquals("stage", assertThrows(NullPointerException.class, () -> Context.await(ctx, null)).getMessage());
    assertEquals("stage", assertThrows(NullPointerException.class,
        () -> Context.awaitAndCancel(ctx, null)).getMessage());
    assertEquals(0, registrations(ctx));
    assertFalse(ctx.isDone());
    ctx.cancel();
  }

  @Test
  void awaitRethrowsTheStagesOwnCancellationOnEveryJdk() throws Exception {
    ContextCancelledException own = new ContextCancelledException(new IllegalStateException("shut down"));
    CompletableFuture<String> cancelledWithContextError = new CompletableFuture<>();
    cancelledWithContextError.completeExceptionally(own);
    CancellationException thrown = assertThrows(CancellationException.class,
        () -> Context.await(Context.background(), cancelledWithContextError));
    assertSame(own, thrown, "JDK 21+ CompletableFuture.get() wraps it; await must not");

    CompletableFuture<String> cancelled = new CompletableFuture<>();
    cancelled.cancel(false);
    assertThrows(CancellationException.class, () -> Context.await(Context.background(), cancelled));

    IllegalArgumentException failure = new IllegalArgumentException("bad");
    CompletableFuture<String> failed = CompletableFuture.failedFuture(failure);
    ExecutionException e = assertThrows(ExecutionException.class, () -> Context.await(Context.background(), failed));
    assertSame(failure, e.getCause());
    assertEquals("v", Context.await(Context.background(), CompletableFuture.completedFuture("v")));
  }
}
