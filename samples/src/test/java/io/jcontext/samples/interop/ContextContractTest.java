package io.jcontext.samples.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcontext.CancellableContext;
import io.jcontext.Context;
import io.jcontext.ContextCancelledException;
import io.jcontext.DeadlineExceededException;
import io.jcontext.Key;
import io.jcontext.samples.Go;
import io.jcontext.testing.VirtualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Seed 004, task 4: the contract, one assertion per statement of {@link ContextContract}'s doc. */
class ContextContractTest {
  private static final Key<String> KEY = Key.of("k", String.class);

  @Test
  void rootHasNoDeadlineNoErrNoValueAndDoneNeverCompletes() {
    ContextContract.Snapshot s = ContextContract.snapshot(Context.background(), KEY);
    assertNull(s.deadline());
    assertFalse(s.isDone());
    assertFalse(s.doneStageCompleted());
    assertNull(s.err());
    assertNull(s.cause());
    assertNull(s.value());
  }

  @Test
  void liveContextWithDeadline() {
    VirtualClock clock = new VirtualClock();
    try (CancellableContext ctx = clock.background().withValue(KEY, "v").withTimeout(Duration.ofSeconds(1))) {
      ContextContract.Snapshot s = ContextContract.snapshot(ctx, KEY);
      assertEquals(VirtualClock.DEFAULT_START.plusSeconds(1), s.deadline());
      assertFalse(s.isDone());
      assertFalse(s.doneStageCompleted());
      assertNull(s.err());
      assertEquals("v", s.value());
    }
  }

  @Test
  void cancelKeepsDeadlineSetsErrCompletesDone() {
    VirtualClock clock = new VirtualClock();
    CancellableContext ctx = clock.background().withTimeout(Duration.ofSeconds(1));
    Instant deadline = ctx.deadline();
    var doneStage = ctx.done();
    ctx.cancel();
    ContextContract.Snapshot s = ContextContract.snapshot(ctx, KEY);
    assertEquals(deadline, s.deadline(), "cancel does not change the deadline");
    assertTrue(s.isDone());
    assertTrue(s.doneStageCompleted());
    assertInstanceOf(ContextCancelledException.class, s.err());
    assertSame(doneStage, ctx.done(), "done() is the same instance forever");
    assertSame(s.err(), ctx.err(), "err never changes once set");
    clock.advance(Duration.ofSeconds(2));
    assertInstanceOf(ContextCancelledException.class, ctx.err(), "a later deadline does not overwrite it");
  }

  @Test
  void deadlineGivesDeadlineExceeded() {
    VirtualClock clock = new VirtualClock();
    CancellableContext ctx = clock.background().withTimeout(Duration.ofSeconds(1));
    clock.advance(Duration.ofSeconds(1));
    assertInstanceOf(DeadlineExceededException.class, ctx.err());
    assertTrue(ctx.err().isTimeout());
    assertSame(ctx.err(), ctx.cause(), "no cause given: cause() is err()");
  }

  @Test
  void doneIsReadOnly() {
    CancellableContext ctx = Context.background().withCancel();
    var stage = ctx.done();
    assertFalse(stage instanceof java.util.concurrent.CompletableFuture, "nothing to complete or cancel on it");
    ctx.done().toCompletableFuture().complete(null); // a copy: completing it changes nothing
    stage.thenRun(() -> {}).toCompletableFuture().cancel(true); // so is a dependent
    assertFalse(ctx.isDone());
    assertFalse(stage.toCompletableFuture().isDone());
    ctx.cancel();
    assertTrue(stage.toCompletableFuture().isDone());
  }

  @Test
  void errIsNonNullExactlyWhenDoneFromManyThreads() throws Exception {
    CancellableContext ctx = Context.background().withCancel();
    List<Go<Integer>> readers = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      readers.add(Go.start("reader", () -> {
        int violations = 0;
        for (int i = 0; i < 100_000; i++) {
          boolean errSet = ctx.err() != null;
          if (errSet && !ctx.isDone()) {
            violations++;
          }
        }
        return violations;
      }));
    }
    ctx.cancel();
    for (Go<Integer> r : readers) {
      assertEquals(0, r.join(Duration.ofSeconds(30)));
    }
  }

  @Test
  void tourStop() {
    assertTrue(new ContextContract().run().contains("expired{err=DeadlineExceededException}"));
  }
}
