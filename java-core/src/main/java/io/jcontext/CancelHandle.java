package io.jcontext;

import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;

/**
 * What {@code withCancel}, {@code withDeadline} and {@code withTimeout} return while lost-cancel
 * detection is on: the user's handle on a {@link CancelCtx}, watched by a weak reference
 * ({@link Watch}). Reclaiming the handle while the context is still live is the report.
 *
 * <p>It behaves exactly as the context: every method delegates, and it is never a parent: each
 * derive method (and {@code afterFunc}) is the context's own, so children are children of the
 * context itself and do not keep the handle reachable. The derive factories therefore take
 * {@code this} as it is, with no test of the parent's type on the creation path (one such test
 * cost derive + cancel 0.6 ns); only a {@link ChildContext}, whose parent comes from outside,
 * unwraps it with {@link Tree#unwrap}. Its identity is its own: two handles are never equal.
 * Thread-safe as the context.
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
  public @Nullable Duration remaining() {
    return inner.remaining();
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
  public CancellableContext withCancel() {
    return inner.withCancel();
  }

  @Override
  public CancellableContext withDeadline(Instant deadline) {
    return inner.withDeadline(deadline);
  }

  @Override
  public CancellableContext withDeadline(Instant deadline, @Nullable Throwable cause) {
    return inner.withDeadline(deadline, cause);
  }

  @Override
  public CancellableContext withTimeout(Duration timeout) {
    return inner.withTimeout(timeout);
  }

  @Override
  public CancellableContext withTimeout(Duration timeout, @Nullable Throwable cause) {
    return inner.withTimeout(timeout, cause);
  }

  @Override
  public <T> Context withValue(Key<T> key, @Nullable T value) {
    return inner.withValue(key, value);
  }

  @Override
  public Context withoutCancel() {
    return inner.withoutCancel();
  }

  @Override
  public Stop afterFunc(Runnable action) {
    return inner.afterFunc(action);
  }

  @Override
  public Stop afterFunc(Runnable action, Executor executor) {
    return inner.afterFunc(action, executor);
  }

  @Override
  public String toString() {
    return inner.toString();
  }
}
