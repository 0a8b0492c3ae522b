package io.jcontext.samples.cancel;

import io.jcontext.samples.values.RequestIds;

import io.jcontext.CancellableContext;
import io.jcontext.Context;
import io.jcontext.ContextException;
import io.jcontext.TaskExecutors;
import io.jcontext.samples.Describe;
import io.jcontext.samples.Sample;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Seed 004, task 7: a fire-and-forget audit log write that outlives the request.
 *
 * <p>{@link Context#withoutCancel()} keeps the request's values (its request id, so the audit line
 * still correlates) but drops its cancellation and deadline; a fresh
 * {@link Context#withTimeout(Duration) ceiling} on top makes sure a stuck sink cannot keep the
 * write (and its thread) alive forever.
 */
public final class AuditLog implements Sample {

  /** Where audit lines go; {@code send} blocks, honouring {@code ctx}. */
  @FunctionalInterface
  public interface Sink {
    /** Ships {@code line}, or throws {@code ctx.err()} if ctx ends first. */
    void send(Context ctx, String line) throws InterruptedException;
  }

  /** A sink that takes {@code latency} (on the context's clock) and keeps what it received. */
  public static final class SlowSink implements Sink {
    private final Duration latency;
    private final List<String> shipped = new CopyOnWriteArrayList<>();

    /** Creates a sink that needs {@code latency} per line. */
    public SlowSink(Duration latency) {
      this.latency = latency;
    }

    @Override
    public void send(Context ctx, String line) throws InterruptedException {
      Context.sleep(ctx, latency);
      shipped.add(line);
    }

    /** The lines shipped so far. */
    public List<String> shipped() {
      return shipped;
    }
  }

  /**
   * Starts shipping {@code payload}, tagged with the request id of {@code requestCtx}, to
   * {@code sink} on a task of its own, and returns at once. The write ignores the request's
   * cancellation but gives up after {@code ceiling}. The returned stage completes with the line
   * shipped, or exceptionally with the ceiling's {@code DeadlineExceededException}.
   */
  public static CompletionStage<String> logAfterRequest(Context requestCtx, String payload, Sink sink,
      Duration ceiling) {
    String line = "[" + RequestIds.requestId(requestCtx).orElse("-") + "] " + payload;
    CancellableContext ctx = requestCtx.withoutCancel().withTimeout(ceiling);
    CompletableFuture<String> shipped = new CompletableFuture<>();
    TaskExecutors.perTask().execute(() -> {
      Throwable failure = null;
      try (ctx) { // the ceiling's timer is released before anyone hears the outcome
        sink.send(ctx, line);
      } catch (Throwable t) { // ContextException: the line is dropped; report it, don't hang
        if (t instanceof InterruptedException) {
          Thread.currentThread().interrupt();
        }
        failure = t;
      }
      if (failure == null) {
        shipped.complete(line);
      } else {
        shipped.completeExceptionally(failure);
      }
    });
    return shipped;
  }

  @Override
  public String id() {
    return "004-07";
  }

  @Override
  public String title() {
    return "WithoutCancel audit log after the request";
  }

  @Override
  public String run() throws Exception {
    SlowSink sink = new SlowSink(Duration.ofMillis(200));
    CompletionStage<String> shipped;
    try (CancellableContext request = RequestIds.withRequestId(Context.background(), "req-7").withCancel()) {
      shipped = logAfterRequest(request, "user 42 deleted invoice 9", sink, Duration.ofSeconds(5));
    } // the response is written: the request context is cancelled here
    String line = shipped.toCompletableFuture().get(10, TimeUnit.SECONDS);

    SlowSink stuck = new SlowSink(Duration.ofSeconds(10));
    CompletionStage<String> reaped = logAfterRequest(Context.background(), "never shipped", stuck,
        Duration.ofMillis(100));
    Throwable ceiling = reaped.toCompletableFuture().handle((v, t) -> t).get(10, TimeUnit.SECONDS);
    if (!(ceiling instanceof ContextException ce) || !ce.isTimeout()) {
      throw new IllegalStateException("the ceiling did not reap the stuck write: " + ceiling);
    }
    return "request cancelled, audit still shipped \"" + line + "\"; stuck sink reaped by ceiling: "
        + Describe.error(ceiling);
  }
}
