package io.jcontext.samples.interop;

import io.jcontext.CancellableContext;
import io.jcontext.Context;
import io.jcontext.ContextException;
import io.jcontext.Key;
import io.jcontext.samples.Sample;
import io.jcontext.testing.VirtualClock;
import java.time.Duration;
import java.time.Instant;

/**
 * Seed 004, task 4: the Context contract, read from the interface and walked through.
 *
 * <p>Go's four methods and their jcontext counterparts:
 * <ul>
 *   <li>{@code Deadline()} is {@link Context#deadline()}: {@code null} when there is none (Go's
 *       {@code ok == false}), otherwise the instant; cancelling does not change it.
 *   <li>{@code Done()} is {@link Context#done()} (a read-only {@code CompletionStage}, the same
 *       instance on every call, completing when the context is done and never for a root) plus
 *       {@link Context#isDone()} (a single volatile read, for hot loops) and
 *       {@link Context#onDone(Runnable)} (the registration hook).
 *   <li>{@code Err()} is {@link Context#err()}: {@code null} while live; afterwards a
 *       {@link io.jcontext.ContextCancelledException} or
 *       {@link io.jcontext.DeadlineExceededException} that never changes; non-null exactly when
 *       {@code isDone()}. {@link Context#cause()} is Go's {@code context.Cause}.
 *   <li>{@code Value(key)} is {@link Context#value(Key)}: typed, {@code null} when the key is
 *       bound nowhere on the way to the root; O(depth of value bindings).
 * </ul>
 * Every method is safe from any thread. The allocation-free hot-loop check is {@code isDone()}.
 * {@link #snapshot} records all of them for one context; the test asserts each line above.
 */
public final class ContextContract implements Sample {

  /** What the four methods (and their companions) return for one context at one moment. */
  public record Snapshot(Instant deadline, boolean isDone, boolean doneStageCompleted,
      ContextException err, Throwable cause, Object value) {
    @Override
    public String toString() {
      return "deadline=" + (deadline == null ? "none" : deadline) + " isDone=" + isDone
          + " done()=" + (doneStageCompleted ? "completed" : "pending")
          + " err=" + (err == null ? "null" : err.getClass().getSimpleName())
          + " value=" + value;
    }
  }

  /** Reads the contract methods of {@code ctx}, looking up {@code key}. */
  public static Snapshot snapshot(Context ctx, Key<?> key) {
    return new Snapshot(ctx.deadline(), ctx.isDone(),
        ctx.done().toCompletableFuture().isDone(), ctx.err(), ctx.cause(), ctx.value(key));
  }

  @Override
  public String id() {
    return "004-04";
  }

  @Override
  public String title() {
    return "the Context contract, walked through";
  }

  @Override
  public String run() {
    Key<String> key = Key.of("k", String.class);
    VirtualClock clock = new VirtualClock();
    Context root = clock.background();
    Snapshot atRoot = snapshot(root, key);
    CancellableContext timed = root.withValue(key, "v").withTimeout(Duration.ofSeconds(1));
    Snapshot live = snapshot(timed, key);
    timed.cancel();
    Snapshot cancelled = snapshot(timed, key);
    CancellableContext expiring = root.withTimeout(Duration.ofSeconds(1));
    clock.advance(Duration.ofSeconds(1));
    Snapshot expired = snapshot(expiring, key);
    if (atRoot.isDone || live.isDone || !cancelled.isDone || cancelled.err == null
        || !live.deadline.equals(cancelled.deadline) || !expired.err.isTimeout()) {
      throw new IllegalStateException("contract broken");
    }
    return "root{" + atRoot + "} live{" + live + "} cancelled{err="
        + cancelled.err.getClass().getSimpleName() + ", same deadline} expired{err="
        + expired.err.getClass().getSimpleName() + "}";
  }
}
