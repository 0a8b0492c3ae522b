package io.jcontext.samples.errgroup;

import io.jcontext.Context;
import io.jcontext.ContextException;
import io.jcontext.samples.Describe;
import io.jcontext.samples.Sample;
import io.jcontext.sync.Group;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;

/**
 * Seed 004, task 5: an errgroup. Three tasks share the group's context; two would work for
 * 200 ms, one fails after 50 ms. The failure cancels the group's context (with the failure as its
 * cause), the two siblings see that and stop, and {@link Group#await()} reports the failure about
 * 50 ms in, not 200. The library's {@link Group} is the production shape (first error, cancel on
 * error and on await, optional limit).
 */
public final class ErrGroup implements Sample {

  /** The failure of the third task. */
  public static final class StepFailedException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Creates the failure. */
    public StepFailedException(String message) {
      super(message);
    }
  }

  /** What the run observed. */
  public record Result(Throwable awaited, List<Throwable> siblingsSaw) {}

  /**
   * Runs the three tasks under {@code parent} (its clock times them) and returns what
   * {@code await} threw and what each sibling saw when it stopped.
   */
  public static Result run(Context parent) throws InterruptedException {
    List<Throwable> siblings = new CopyOnWriteArrayList<>();
    Group g = Group.withContext(parent);
    for (int i = 0; i < 2; i++) {
      g.go(ctx -> {
        try {
          Context.sleep(ctx, Duration.ofMillis(200)); // checks ctx while it works
        } catch (ContextException e) {
          siblings.add(ctx.cause());
          throw e;
        }
      });
    }
    g.go(ctx -> {
      Context.sleep(ctx, Duration.ofMillis(50));
      throw new StepFailedException("step 3 failed");
    });
    try {
      g.await();
      return new Result(null, siblings);
    } catch (ExecutionException e) {
      return new Result(e.getCause(), siblings);
    }
  }

  @Override
  public String id() {
    return "004-05";
  }

  @Override
  public String title() {
    return "errgroup: first error cancels siblings";
  }

  @Override
  public String run() throws Exception {
    long t0 = System.nanoTime();
    Result r = run(Context.background());
    long ms = (System.nanoTime() - t0) / 1_000_000;
    if (!(r.awaited() instanceof StepFailedException) || r.siblingsSaw().size() != 2
        || r.siblingsSaw().stream().anyMatch(c -> c != r.awaited()) || ms >= 200) {
      throw new IllegalStateException(r + " after " + ms + " ms");
    }
    return "await threw " + Describe.error(r.awaited()) + " after " + ms + " ms (not 200); both siblings "
        + "stopped with it as their context's cause";
  }
}
