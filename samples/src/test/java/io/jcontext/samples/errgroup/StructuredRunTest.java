package io.jcontext.samples.errgroup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcontext.CancellableContext;
import io.jcontext.Context;
import io.jcontext.ContextCancelledException;
import io.jcontext.samples.Go;
import io.jcontext.sync.Group;
import io.jcontext.testing.VirtualClock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The four guarantees of seed 004 task 11, on virtual time. */
class StructuredRunTest {
  private static final Duration LIVENESS = Duration.ofSeconds(10);

  @Test
  void sameContextFirstErrorCancelsAndRunWaitsForAll() throws Exception {
    VirtualClock clock = new VirtualClock();
    Context parent = clock.background().withValue(StructuredRun.TRACE, "t");
    List<Context> seen = new CopyOnWriteArrayList<>();
    List<Context> captured = new CopyOnWriteArrayList<>();
    AtomicInteger returned = new AtomicInteger();
    IllegalStateException boom = new IllegalStateException("A failed");
    Go<Void> run = Go.run("run", () -> Group.run(parent,
        ctx -> {
          seen.add(ctx);
          Context.sleep(ctx, Duration.ofMillis(10));
          returned.incrementAndGet();
          throw boom;
        },
        ctx -> {
          seen.add(ctx);
          captured.add(ctx); // (3) a context captured by a task...
          try {
            Context.sleep(ctx, Duration.ofSeconds(1));
          } finally {
            returned.incrementAndGet();
          }
        }));
    assertTrue(clock.awaitPendingTimers(2, LIVENESS));
    clock.advance(Duration.ofMillis(10));
    ExecutionException e = assertInstanceOf(ExecutionException.class, run.failure(LIVENESS));
    assertSame(boom, e.getCause());                          // (2) the first error, after 10 ms only
    assertEquals(2, returned.get(), "(3) run returned only after both tasks returned");
    assertSame(seen.get(0), seen.get(1), "(1) both tasks got the same context");
    assertEquals("t", seen.get(0).value(StructuredRun.TRACE));
    assertTrue(captured.get(0).isDone(), "(3) ...is done once run returns");
    assertSame(boom, captured.get(0).cause());
  }

  @Test
  void doneOnEntryStartsNothing() {
    CancellableContext ctx = Context.background().withCancel();
    ctx.cancel();
    AtomicInteger started = new AtomicInteger();
    ContextCancelledException e = assertThrows(ContextCancelledException.class,
        () -> Group.run(ctx, c -> started.incrementAndGet()));
    assertSame(ctx.err(), e);
    assertEquals(0, started.get(), "(4) no task was invoked");
  }

  @Test
  void noTasksReturnsAtOnceAndSuccessIsQuiet() throws Exception {
    Group.run(Context.background());
    AtomicInteger ran = new AtomicInteger();
    Group.run(Context.background(), c -> ran.incrementAndGet(), c -> ran.incrementAndGet());
    assertEquals(2, ran.get());
  }

  @Test
  void tourStop() throws Exception {
    assertTrue(new StructuredRun().run().contains("pre-cancelled ctx -> ContextCancelledException, nothing started"));
  }
}
