package io.jcontext.samples.cancel;

import io.jcontext.CancellableContext;
import io.jcontext.Context;
import io.jcontext.ContextException;
import io.jcontext.samples.Go;
import io.jcontext.samples.Sample;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Seed 003: three workers; worker 2 derives a sub-context for worker 3, and worker 3, a
 * grandchild, cancels the root. All three stop: cancellation flows down the whole tree from
 * wherever the root's cancel is called, and every worker sees the same error instance.
 *
 * <p>Each worker waits for its context or 3 s of work, whichever is first (Go's select on
 * {@code ctx.Done()} and {@code time.After}). Worker 2's {@code withCancel} child is closed by
 * try-with-resources; the seed discards that cancel, which is the leak {@code go vet} warns about.
 */
public final class ThreeWorkers implements Sample {

  /** What each worker reported, in order, and the errors they stopped with. */
  public record Result(List<String> events, List<ContextException> errors) {}

  /** Runs the scenario under {@code parent} (whose clock times the 3 s of work). */
  public static Result run(Context parent) throws Exception {
    List<String> events = new CopyOnWriteArrayList<>();
    List<ContextException> errors = new CopyOnWriteArrayList<>();
    CancellableContext root = parent.withCancel();
    Duration work = Duration.ofSeconds(3);
    List<Go<Void>> workers = new ArrayList<>();
    workers.add(Go.run("worker-1", () -> waitOrWork(root, 1, work, events, errors)));
    workers.add(Go.run("worker-2", () -> {
      events.add("worker 2 begin work");
      try (CancellableContext sub = root.withCancel()) {
        Go<Void> third = Go.run("worker-3", () -> {
          events.add("worker 3 begin work");
          root.cancel(); // a grandchild ends the whole tree
          events.add("worker 3 ran cancel");
          sub.awaitDone();
          errors.add(sub.err());
          events.add("worker 3 cancelled");
        });
        waitOrWork(root, 2, work, events, errors, false);
        third.join(Duration.ofSeconds(10));
      }
    }));
    for (Go<Void> w : workers) {
      w.join(Duration.ofSeconds(10));
    }
    return new Result(events, errors);
  }

  private static void waitOrWork(Context ctx, int id, Duration work, List<String> events,
      List<ContextException> errors) throws InterruptedException {
    waitOrWork(ctx, id, work, events, errors, true);
  }

  private static void waitOrWork(Context ctx, int id, Duration work, List<String> events,
      List<ContextException> errors, boolean announce) throws InterruptedException {
    if (announce) {
      events.add("worker " + id + " begin work");
    }
    try {
      Context.sleep(ctx, work);
      events.add("worker " + id + " end work");
    } catch (ContextException e) {
      errors.add(e);
      events.add("worker " + id + " cancelled");
    }
  }

  @Override
  public String id() {
    return "003";
  }

  @Override
  public String title() {
    return "grandchild cancels the root, all stop";
  }

  @Override
  public String run() throws Exception {
    Result r = run(Context.background());
    long cancelled = r.events().stream().filter(e -> e.endsWith("cancelled")).count();
    boolean sameErr = r.errors().size() == 3 && r.errors().stream().allMatch(e -> e == r.errors().get(0));
    if (cancelled != 3 || !sameErr) {
      throw new IllegalStateException(r.toString());
    }
    return "3 of 3 workers cancelled, one shared " + r.errors().get(0).getClass().getSimpleName()
        + "; order: " + String.join(", ", r.events());
  }
}
