package io.jcontext.samples.cancel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcontext.CancellableContext;
import io.jcontext.ContextCancelledException;
import io.jcontext.DeadlineExceededException;
import io.jcontext.samples.Go;
import io.jcontext.testing.VirtualClock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

class CauseWorkerTest {
  private static final Duration LIVENESS = Duration.ofSeconds(10);
  private final VirtualClock clock = new VirtualClock();
  private final List<String> log = new CopyOnWriteArrayList<>();

  /** Starts the worker with a 500 ms budget and lets 3 iterations pass. */
  private Go<CauseWorker.Stopped> start(io.jcontext.Context parent, CompletableFuture<Void> quit) throws Exception {
    Go<CauseWorker.Stopped> w = Go.start("worker", () -> CauseWorker.run(parent, quit, Duration.ofMillis(500), log::add));
    for (int i = 0; i < 3; i++) {
      assertTrue(clock.awaitPendingTimers(2, LIVENESS)); // budget + one iteration
      clock.advance(Duration.ofMillis(10));
    }
    assertTrue(clock.awaitPendingTimers(2, LIVENESS));
    return w;
  }

  @Test
  void quitGivesUserQuitCause() throws Exception {
    CompletableFuture<Void> quit = new CompletableFuture<>();
    Go<CauseWorker.Stopped> w = start(clock.background(), quit);
    quit.complete(null);
    CauseWorker.Stopped s = w.join(LIVENESS);
    assertInstanceOf(ContextCancelledException.class, s.err());
    assertSame(CauseWorker.USER_QUIT, s.cause());
    assertEquals(3, s.iterations());
    assertEquals(List.of("worker stopped after 3 iterations: err=ContextCancelledException(context cancelled) "
        + "cause=UserQuitException(user pressed quit)"), log);
    assertEquals(0, clock.pendingTimers(), "budget timer released");
  }

  @Test
  void budgetGivesDeadlineExceededWithTimeoutCause() throws Exception {
    Go<CauseWorker.Stopped> w = Go.start("worker",
        () -> CauseWorker.run(clock.background(), new CompletableFuture<>(), Duration.ofMillis(45), log::add));
    while (!w.isFinished()) {
      if (clock.awaitPendingTimers(2, Duration.ofMillis(100))) {
        clock.advanceToNext();
      }
    }
    CauseWorker.Stopped s = w.join(LIVENESS);
    assertInstanceOf(DeadlineExceededException.class, s.err());
    TimeoutException cause = assertInstanceOf(TimeoutException.class, s.cause());
    assertEquals("worker budget of 45 ms exceeded", cause.getMessage());
    assertEquals(4, s.iterations(), "iterations at 10, 20, 30, 40 ms; stopped at 45 ms");
    assertTrue(log.get(0).contains("cause=TimeoutException(worker budget of 45 ms exceeded)"));
  }

  @Test
  void parentCancellationHandsDownTheParentsCause() throws Exception {
    CancellableContext parent = clock.background().withCancel();
    Go<CauseWorker.Stopped> w = start(parent, new CompletableFuture<>());
    IllegalStateException shutdown = new IllegalStateException("server shutting down");
    parent.cancel(shutdown);
    CauseWorker.Stopped s = w.join(LIVENESS);
    assertInstanceOf(ContextCancelledException.class, s.err());
    assertSame(shutdown, s.cause());
  }

  @Test
  void threeCausesAreDistinctInTheLog() throws Exception {
    assertTrue(new CauseWorker().run().matches("quit -> UserQuit.*budget -> DeadlineExceeded.*Timeout.*parent -> Shutdown.*"));
  }

  @Test
  void completesWhenNothingStopsIt() throws Exception {
    Go<CauseWorker.Stopped> w = Go.start("worker",
        () -> CauseWorker.run(clock.background(), new CompletableFuture<>(), Duration.ofSeconds(5), log::add));
    for (int i = 0; i < 100; i++) {
      assertTrue(clock.awaitPendingTimers(2, LIVENESS));
      clock.advance(Duration.ofMillis(10));
    }
    assertNull(w.join(LIVENESS));
    assertNotEquals(null, log);
    assertTrue(log.isEmpty());
  }
}
