package io.jcontext;

import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.time.Instant;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/**
 * What {@code withCancel}, {@code withDeadline} and {@code withTimeout} return while lost-cancel
 * detection is on: the user's handle on a {@link CancelCtx}, watched by a weak reference
 * ({@link Watch}). Reclaiming the handle while the context is still live is the report.
 *
 * <p>It behaves exactly as the context: every method delegates, and the library never lets it be
 * a parent (every creation unwraps it, see {@link Tree#unwrap}), so children are children of the
 * context itself and do not keep the handle reachable. Its identity is its own: two handles are
 * never equal. Thread-safe as the context.
 */
final class CancelHandle implements CancellableContext {
  final CancelCtx inner;
  private final Watch watch;

  CancelHandle(CancelCtx inner, Origin origin, ReferenceQueue<CancelHandle> queue) {
    this.inner = inner;
    this.watch = new Watch(this, inner, origin, queue);
  }

  /** Starts watching; returns this. Separate from the constructor so no half-built handle escapes. */
  CancelHandle watched() {
    Diagnostics.watch(watch);
    return this;
  }

  /**
   * The weak reference that outlives the handle: it keeps the context (not the handle) so the
   * engine can tell whether it was cancelled. In the engine's set until cancelled through the
   * handle, or reclaimed and processed.
   */
  static final class Watch extends WeakReference<CancelHandle> {
    final CancelCtx ctx;
    /** The context's origin, kept here: the weak map of origins forgets it when tracking stops. */
    final Origin origin;

    Watch(CancelHandle handle, CancelCtx ctx, Origin origin, ReferenceQueue<CancelHandle> queue) {
      super(handle, queue);
      this.ctx = ctx;
      this.origin = origin;
    }
  }

  @Override
  public boolean cancel() {
    return cancel(null);
  }

  @Override
  public boolean cancel(@Nullable Throwable cause) {
    boolean r = inner.cancel(cause);
    Diagnostics.unwatch(watch);
    Reference.reachabilityFence(this); // not reclaimed (and reported) while inner is being cancelled
    return r;
  }

  @Override
  public @Nullable Instant deadline() {
    return inner.deadline();
  }

  @Override
  public @Nullable ContextException err() {
    return inner.err();
  }

  @Override
  public @Nullable Throwable cause() {
    return inner.cause();
  }

  @Override
  public <T> @Nullable T value(Key<T> key) {
    return inner.value(key);
  }

  @Override
  public boolean isDone() {
    return inner.isDone();
  }

  @Override
  public CompletionStage<@Nullable Void> done() {
    return inner.done();
  }

  @Override
  public Stop onDone(Runnable callback) {
    return inner.onDone(callback);
  }

  @Override
  public Clock clock() {
    return inner.clock;
  }

  @Override
  public String toString() {
    return inner.toString();
  }
}
