package io.jcontext.samples.errgroup;

import io.jcontext.CancellableContext;
import io.jcontext.Context;
import io.jcontext.ContextException;
import io.jcontext.Key;
import io.jcontext.samples.Sample;
import io.jcontext.sync.Group;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Seed 004, task 11: structured concurrency, {@link Group#run(Context, io.jcontext.sync.ContextTask...)}.
 * (1) Every task gets the same derived context (same values); (2) the first failure cancels the
 * others; (3) {@code run} returns only when every task has returned, and the derived context is
 * done by then, so nothing a task captured outlives the call; (4) a context already done on
 * entry starts nothing and throws its err. No tasks: returns at once.
 */
public final class StructuredRun implements Sample {

  /** A value every task must see. */
  public static final Key<String> TRACE = Key.of("trace", String.class);

  @Override
  public String id() {
    return "004-11";
  }

  @Override
  public String title() {
    return "structured run(ctx, tasks...)";
  }

  @Override
  public String run() throws Exception {
    Context parent = Context.background().withValue(TRACE, "t-11");
    List<Context> seen = new CopyOnWriteArrayList<>();
    AtomicInteger returned = new AtomicInteger();
    long t0 = System.nanoTime();
    Throwable failure = null;
    try {
      Group.run(parent,
          ctx -> {
            seen.add(ctx);
            Context.sleep(ctx, Duration.ofMillis(10));
            returned.incrementAndGet();
            throw new IllegalStateException("task A failed");
          },
          ctx -> {
            seen.add(ctx);
            try {
              Context.sleep(ctx, Duration.ofSeconds(1));
            } finally {
              returned.incrementAndGet();
            }
          });
    } catch (ExecutionException e) {
      failure = e.getCause();
    }
    long ms = (System.nanoTime() - t0) / 1_000_000;
    CancellableContext done = Context.background().withCancel();
    done.cancel();
    String onDone;
    try {
      Group.run(done, ctx -> {
        throw new AssertionError("must not start");
      });
      onDone = "ran";
    } catch (ContextException e) {
      onDone = e.getClass().getSimpleName() + ", nothing started";
    }
    boolean sameCtx = seen.size() == 2 && seen.get(0) == seen.get(1) && "t-11".equals(seen.get(0).value(TRACE));
    if (!(failure instanceof IllegalStateException) || returned.get() != 2 || !sameCtx
        || !seen.get(0).isDone() || ms >= 1_000) {
      throw new IllegalStateException("structured run broken: " + failure + " " + returned + " " + ms);
    }
    return "A failed after 10 ms -> run threw it after " + ms + " ms with both tasks returned and their "
        + "shared context done; pre-cancelled ctx -> " + onDone;
  }
}
