package io.jcontext.samples.cancel;

import io.jcontext.CancellableContext;
import io.jcontext.Context;
import io.jcontext.ContextException;
import io.jcontext.samples.Describe;
import io.jcontext.samples.Sample;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Seed 004, task 6: a worker with three independent reasons to stop (its parent ends, its time
 * budget runs out, the user presses quit), each leaving a distinct cause that the log line names.
 *
 * <p>No watcher thread is needed to fan the signals in: the parent is joined by derivation (a
 * parent cancelled with a cause hands that cause down), the budget is a
 * {@link Context#withTimeout(Duration, Throwable) timeout with a cause}, and quit is a callback
 * that cancels with {@link #USER_QUIT}. {@code err()} stays the generic pair
 * (cancelled / deadline exceeded); {@code cause()} tells which.
 */
public final class CauseWorker implements Sample {

  /** The cause when the user pressed quit. */
  public static final Exception USER_QUIT = new UserQuitException();

  /** Thrown as the cause when the user asked to quit. */
  public static final class UserQuitException extends Exception {
    private static final long serialVersionUID = 1L;

    UserQuitException() {
      super("user pressed quit", null, false, false);
    }
  }

  /** How the worker ended. */
  public record Stopped(ContextException err, Throwable cause, int iterations) {
    /** The log line: the specific reason, not just "context cancelled". */
    public String logLine() {
      return "worker stopped after " + iterations + " iterations: err=" + Describe.error(err)
          + " cause=" + Describe.error(cause);
    }
  }

  /**
   * Runs up to 100 iterations of 10 ms (on the context's clock) until {@code parent} ends,
   * {@code budget} elapses (cause: a {@link TimeoutException}) or {@code quit} completes (cause:
   * {@link #USER_QUIT}); logs and returns how it stopped, or null if all iterations completed.
   */
  public static Stopped run(Context parent, CompletionStage<?> quit, Duration budget,
      Consumer<String> log) throws InterruptedException {
    try (CancellableContext ctx = parent.withTimeout(budget,
        new TimeoutException("worker budget of " + budget.toMillis() + " ms exceeded"))) {
      quit.thenRun(() -> ctx.cancel(USER_QUIT)); // after the worker ends this is a no-op
      int i = 0;
      try {
        for (; i < 100; i++) {
          Context.sleep(ctx, Duration.ofMillis(10));
        }
        return null;
      } catch (ContextException e) {
        Stopped stopped = new Stopped(ctx.err(), ctx.cause(), i);
        log.accept(stopped.logLine());
        return stopped;
      }
    }
  }

  /** The parent's cause in the tour: the process shutting down. */
  static final class ShutdownException extends Exception {
    private static final long serialVersionUID = 1L;

    ShutdownException() {
      super("server shutting down", null, false, false);
    }
  }

  private static java.util.concurrent.Executor after(long millis) {
    return CompletableFuture.delayedExecutor(millis, java.util.concurrent.TimeUnit.MILLISECONDS);
  }

  @Override
  public String id() {
    return "004-06";
  }

  @Override
  public String title() {
    return "worker with three causes";
  }

  @Override
  public String run() throws Exception {
    StringBuilder out = new StringBuilder();
    // 1. quit after ~30 ms
    CompletableFuture<Void> quit = new CompletableFuture<>();
    CompletableFuture.runAsync(() -> quit.complete(null), after(30));
    Stopped a = run(Context.background(), quit, Duration.ofSeconds(5), l -> {});
    // 2. budget of 40 ms
    Stopped b = run(Context.background(), new CompletableFuture<>(), Duration.ofMillis(40), l -> {});
    // 3. parent cancelled with a cause after ~30 ms
    CancellableContext parent = Context.background().withCancel();
    CompletableFuture.runAsync(() -> parent.cancel(new ShutdownException()), after(30));
    Stopped c = run(parent, new CompletableFuture<>(), Duration.ofSeconds(5), l -> {});
    if (!(a.cause() instanceof UserQuitException) || !(b.cause() instanceof TimeoutException)
        || !(c.cause() instanceof ShutdownException)) {
      throw new IllegalStateException("causes not distinct: " + a + " " + b + " " + c);
    }
    out.append("quit -> ").append(Describe.error(a.cause()))
        .append("; budget -> ").append(b.err().getClass().getSimpleName()).append('/')
        .append(Describe.error(b.cause()))
        .append("; parent -> ").append(Describe.error(c.cause()));
    return out.toString();
  }
}
