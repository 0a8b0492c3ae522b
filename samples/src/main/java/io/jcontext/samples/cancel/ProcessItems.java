package io.jcontext.samples.cancel;

import io.jcontext.CancellableContext;
import io.jcontext.Context;
import io.jcontext.ContextException;
import io.jcontext.samples.Describe;
import io.jcontext.samples.Go;
import io.jcontext.samples.Sample;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Seed 004, task 1: a loop that processes items one at a time and stops as soon as the caller
 * cancels, surfacing the context's own error so callers can tell "cancelled" from "deadline".
 *
 * <p>Two cancellation points per item, as the task asks: a check before the work, and the work
 * itself waiting on the context ({@link Context#sleep} stands in for a blocking call that accepts
 * a context). A cancel that arrives during an item interrupts that item at once.
 */
public final class ProcessItems implements Sample {

  /** The simulated cost of one item in the task. */
  public static final Duration COST = Duration.ofMillis(50);

  /** Processes {@code items} with the default cost; see {@link #process(Context, List, Duration, Consumer)}. */
  public static List<String> process(Context ctx, List<String> items) throws InterruptedException {
    return process(ctx, items, COST, item -> {});
  }

  /**
   * Processes each item (costing {@code cost} on the context's clock) and returns
   * {@code "processed:" + item} for all of them; {@code onProcessed} sees each result as it is made.
   *
   * @throws ContextException {@code ctx.err()} itself, unchanged, if ctx ends before the last item
   * @throws InterruptedException if the thread is interrupted
   */
  public static List<String> process(Context ctx, List<String> items, Duration cost,
      Consumer<String> onProcessed) throws InterruptedException {
    List<String> out = new ArrayList<>(items.size());
    for (String item : items) {
      ctx.throwIfDone();          // before the work: do not start what nobody waits for
      Context.sleep(ctx, cost);   // the work itself is cancellable
      String result = "processed:" + item;
      out.add(result);
      onProcessed.accept(result);
    }
    return out;
  }

  @Override
  public String id() {
    return "004-01";
  }

  @Override
  public String title() {
    return "process items, stop on cancel";
  }

  /** 100 items at 50 ms each; the caller gives up after 120 ms (real time). */
  @Override
  public String run() throws Exception {
    List<String> items = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      items.add("item-" + i);
    }
    List<String> seen = new CopyOnWriteArrayList<>();
    try (CancellableContext ctx = Context.background().withCancel()) {
      Go<List<String>> work = Go.start("process-items", () -> process(ctx, items, COST, seen::add));
      Context.sleep(Context.background(), Duration.ofMillis(120));
      ctx.cancel();
      Throwable failure = work.failure(Duration.ofSeconds(10));
      if (failure != ctx.err()) {
        throw new IllegalStateException("expected ctx.err() itself, got " + failure, failure);
      }
      return seen.size() + " of " + items.size() + " items processed, then " + Describe.error(failure);
    }
  }
}
