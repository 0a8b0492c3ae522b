package io.jcontext.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Contexts;
import io.grpc.Status;
import io.jcontext.CancellableContext;
import io.jcontext.Context;
import io.jcontext.ContextCancelledException;
import io.jcontext.DeadlineExceededException;
import io.jcontext.Key;
import io.jcontext.testing.VirtualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** {@code io.grpc.Context} ↔ jcontext, both ways, including the races between the two sides. */
class GrpcContextInteropTest {
  static final Key<String> USER = Key.of("user", String.class);

  // ---------------------------------------------------------------- grpc -> jcontext (a view)

  @Test
  void viewIsDoneExactlyWhenGrpcIsCancelledWithOneErr() {
    io.grpc.Context.CancellableContext grpc = io.grpc.Context.ROOT.withCancellation();
    Context view = GrpcContexts.fromGrpc(grpc);
    assertFalse(view.isDone());
    assertNull(view.err());
    assertNull(view.deadline());
    IllegalStateException why = new IllegalStateException("why");
    grpc.cancel(why);
    assertTrue(view.isDone());
    assertInstanceOf(ContextCancelledException.class, view.err());
    assertSame(view.err(), view.err());
    assertSame(why, view.cause());
    assertTrue(view.done().toCompletableFuture().isDone());
  }

  @Test
  void libraryChildrenJoinTheViewWithoutAThread() throws Exception {
    io.grpc.Context.CancellableContext grpc = io.grpc.Context.ROOT.withCancellation();
    Context view = GrpcContexts.fromGrpc(grpc);
    int threads = Thread.activeCount();
    CancellableContext child = view.withCancel();
    Context grandchild = child.withValue(USER, "u").withTimeout(Duration.ofHours(1));
    assertEquals(threads, Thread.activeCount());
    AtomicInteger ran = new AtomicInteger();
    view.onDone(ran::incrementAndGet);
    IllegalStateException why = new IllegalStateException("why");
    grpc.cancel(why);
    // cancellation ran through grpc's listener on this thread: done before cancel returned
    assertTrue(grandchild.isDone());
    assertSame(view.err(), grandchild.err());
    assertSame(why, grandchild.cause());
    assertEquals(1, ran.get());
  }

  @Test
  void grpcDeadlineIsTheViewsDeadlineAndATimeoutIsDeadlineExceeded() {
    ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    try {
      io.grpc.Context.CancellableContext grpc = io.grpc.Context.ROOT.withDeadlineAfter(1, TimeUnit.HOURS, scheduler);
      Context view = GrpcContexts.fromGrpc(grpc);
      Duration remaining = view.remaining();
      assertTrue(remaining.compareTo(Duration.ofMinutes(59)) > 0 && remaining.compareTo(Duration.ofHours(1)) <= 0);
      assertSame(view.deadline(), view.deadline());
      grpc.cancel(new TimeoutException("context timed out")); // what grpc's timer does
      assertInstanceOf(DeadlineExceededException.class, view.err());
      assertTrue(view.err().isTimeout());
    } finally {
      scheduler.shutdownNow();
    }
  }

  @Test
  void stoppedRegistrationNeverRuns() {
    io.grpc.Context.CancellableContext grpc = io.grpc.Context.ROOT.withCancellation();
    Context view = GrpcContexts.fromGrpc(grpc);
    AtomicInteger ran = new AtomicInteger();
    var stop = view.onDone(ran::incrementAndGet);
    assertTrue(stop.stop());
    assertFalse(stop.stop());
    grpc.cancel(null);
    assertEquals(0, ran.get());
    // on a done view the callback runs at once and there is nothing to stop
    var late = view.onDone(ran::incrementAndGet);
    assertEquals(1, ran.get());
    assertFalse(late.stop());
  }

  @Test
  void stopRacingCancelRunsTheCallbackXorStops() throws Exception {
    for (int i = 0; i < 1_000; i++) {
      io.grpc.Context.CancellableContext grpc = io.grpc.Context.ROOT.withCancellation();
      Context view = GrpcContexts.fromGrpc(grpc);
      AtomicInteger ran = new AtomicInteger();
      var stop = view.onDone(ran::incrementAndGet);
      CyclicBarrier start = new CyclicBarrier(2);
      AtomicBoolean stopped = new AtomicBoolean();
      Thread canceller = new Thread(() -> {
        await(start);
        grpc.cancel(null);
      });
      canceller.start();
      await(start);
      stopped.set(stop.stop());
      canceller.join();
      assertEquals(stopped.get() ? 0 : 1, ran.get(), "run " + i);
    }
  }

  // ---------------------------------------------------------------- jcontext -> grpc (a follower)

  @Test
  void followerCarriesBudgetValueAndIsCancelledWithTheErrStatus() throws Exception {
    CancellableContext ctx = Context.background().withTimeout(Duration.ofHours(1));
    io.grpc.Context.CancellableContext follower = GrpcContexts.toGrpc(ctx.withValue(USER, "u"), io.grpc.Context.ROOT);
    long remaining = follower.getDeadline().timeRemaining(TimeUnit.MINUTES);
    assertTrue(remaining >= 59 && remaining <= 60, "grpc deadline " + remaining);
    assertEquals("u", follower.call(() -> GrpcContexts.current().value(USER)));
    IllegalStateException why = new IllegalStateException("why");
    ctx.cancel(why);
    assertTrue(follower.isCancelled());
    Status status = Contexts.statusFromCancelled(follower);
    assertEquals(Status.Code.CANCELLED, status.getCode());
    assertSame(ctx.err(), Status.fromThrowable(follower.cancellationCause()).getCause());
    // and back: a view of the follower has the very same err
    assertSame(ctx.err(), GrpcContexts.fromGrpc(follower).err());
    assertEquals("u", GrpcContexts.fromGrpc(follower).value(USER));
  }

  @Test
  void followerOfADeadlineFailsWithDeadlineExceededOnVirtualTime() {
    VirtualClock clock = new VirtualClock();
    CancellableContext ctx = clock.background().withTimeout(Duration.ofSeconds(5));
    io.grpc.Context.CancellableContext follower = GrpcContexts.toGrpc(ctx, io.grpc.Context.ROOT);
    assertNotNull(follower.getDeadline());
    assertFalse(follower.isCancelled());
    clock.advance(Duration.ofSeconds(5));
    assertTrue(follower.isCancelled());
    assertEquals(Status.Code.DEADLINE_EXCEEDED, Contexts.statusFromCancelled(follower).getCode());
    assertInstanceOf(DeadlineExceededException.class, GrpcContexts.fromGrpc(follower).err());
  }

  @Test
  void followerOfADoneContextIsCancelled() {
    CancellableContext ctx = Context.background().withCancel();
    ctx.cancel();
    assertTrue(GrpcContexts.toGrpc(ctx).isCancelled());
  }

  @Test
  void closingTheFollowerRemovesItsRegistration() {
    CountingContext ctx = new CountingContext();
    io.grpc.Context.CancellableContext follower = GrpcContexts.toGrpc(ctx, io.grpc.Context.ROOT);
    assertEquals(1, ctx.registrations());
    follower.close();
    assertEquals(0, ctx.registrations());
    assertFalse(ctx.isDone());
  }

  @Test
  void closeRacingCancelLeavesNoRegistrationAndACancelledFollower() throws Exception {
    for (int i = 0; i < 1_000; i++) {
      CountingContext ctx = new CountingContext();
      io.grpc.Context.CancellableContext follower = GrpcContexts.toGrpc(ctx, io.grpc.Context.ROOT);
      CyclicBarrier start = new CyclicBarrier(2);
      Thread canceller = new Thread(() -> {
        await(start);
        ctx.delegate.cancel();
      });
      canceller.start();
      await(start);
      follower.close();
      canceller.join();
      assertEquals(0, ctx.registrations(), "run " + i);
      assertTrue(follower.isCancelled());
    }
  }

  @Test
  void viewOfGrpcRootIsNeverDone() {
    Context view = GrpcContexts.fromGrpc(io.grpc.Context.ROOT);
    CancellableContext child = view.withCancel();
    assertFalse(child.isDone());
    child.cancel();
    assertFalse(view.isDone());
    assertNull(view.value(USER));
    assertTrue(Instant.now().plusSeconds(1).isAfter(Instant.EPOCH));
  }

  static void await(CyclicBarrier barrier) {
    try {
      barrier.await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
