package io.jcontext.samples.deadlines;

import io.jcontext.samples.cancel.CancelAndValues;

import io.jcontext.CancellableContext;
import io.jcontext.Context;
import io.jcontext.ContextException;
import io.jcontext.TaskExecutors;
import io.jcontext.samples.Sample;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Seed 001: the timeout example. Work is started on a task of its own; the caller waits for
 * whichever comes first, the work's result or its context's 150 ms timeout
 * ({@link Context#await}: Go's {@code select} over the result channel and {@code ctx.Done()}).
 *
 * <p>Two differences from the Go program, both on purpose: the work itself runs under the
 * context, so a timed-out work stops instead of finishing for nobody; and the result travels in
 * a {@code CompletableFuture}, which (like the Go program's buffered channel) never blocks the
 * worker that completes it after the caller has moved on.
 */
public final class TimeoutExample implements Sample {

  /** The result of the work. */
  public record Data(String userId) {}

  /** Returned when the work finished in time ({@code data}) or was cancelled ({@code error}). */
  public record Outcome(Data data, ContextException error) {
    @Override
    public String toString() {
      return data != null ? "work complete " + data : "work cancelled: " + error.getMessage();
    }
  }

  /**
   * Starts work that takes {@code work} and waits for it at most {@code timeout}, both on
   * {@code parent}'s clock.
   */
  public static Outcome run(Context parent, Duration work, Duration timeout) throws InterruptedException {
    try (CancellableContext ctx = parent.withTimeout(timeout)) { // Go: defer cancel()
      CompletableFuture<Data> result = new CompletableFuture<>();
      TaskExecutors.perTask().execute(() -> {
        try {
          Context.sleep(ctx, work); // simulated work, stops with the context
          result.complete(new Data("123"));
        } catch (ContextException e) {
          // Stopped by the context: the caller is watching the context itself. (Completing the
          // result with e would race with that and turn into a plain CancellationException.)
        } catch (Throwable t) {
          result.completeExceptionally(t);
        }
      });
      try {
        return new Outcome(Context.await(ctx, result), null);
      } catch (ContextException e) {
        return new Outcome(null, e);
      } catch (ExecutionException e) {
        throw new IllegalStateException(e.getCause());
      }
    }
  }

  @Override
  public String id() {
    return "001";
  }

  @Override
  public String title() {
    return "work vs 150 ms timeout";
  }

  @Override
  public String run() throws Exception {
    Outcome fast = run(Context.background(), Duration.ofMillis(50), Duration.ofMillis(150));
    Outcome slow = run(Context.background(), Duration.ofMillis(300), Duration.ofMillis(150));
    if (fast.data() == null || slow.error() == null || !slow.error().isTimeout()) {
      throw new IllegalStateException(fast + " / " + slow);
    }
    return "50 ms of work: " + fast + "; 300 ms of work: " + slow + "; "
        + new CancelAndValues().run();
  }
}
