package io.jcontext;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The read-only stage returned by {@link Context#done()} of a cancellable context. Only the
 * library completes it ({@link #signal()}); every public way to complete, cancel or obtrude it
 * throws {@link UnsupportedOperationException}. Dependent stages are ordinary
 * {@link CompletableFuture}s that callers may complete as they like.
 */
final class DoneStage extends CompletableFuture<Void> {
  /** Shared by all contexts that were already done when done() was first called (Go's closedchan). */
  static final DoneStage COMPLETED = new DoneStage();

  static {
    COMPLETED.signal();
  }

  /** Completes the stage; idempotent. */
  void signal() {
    super.complete(null);
  }

  private static UnsupportedOperationException readOnly() {
    return new UnsupportedOperationException("Context.done() is read-only: cancel the context instead");
  }

  @Override
  public boolean complete(Void value) {
    throw readOnly();
  }

  @Override
  public boolean completeExceptionally(Throwable ex) {
    throw readOnly();
  }

  @Override
  public boolean cancel(boolean mayInterruptIfRunning) {
    throw readOnly();
  }

  @Override
  public void obtrudeValue(Void value) {
    throw readOnly();
  }

  @Override
  public void obtrudeException(Throwable ex) {
    throw readOnly();
  }

  @Override
  public CompletableFuture<Void> completeAsync(Supplier<? extends Void> supplier, Executor executor) {
    throw readOnly();
  }

  @Override
  public CompletableFuture<Void> completeAsync(Supplier<? extends Void> supplier) {
    throw readOnly();
  }

  @Override
  public CompletableFuture<Void> orTimeout(long timeout, TimeUnit unit) {
    throw readOnly();
  }

  @Override
  public CompletableFuture<Void> completeOnTimeout(Void value, long timeout, TimeUnit unit) {
    throw readOnly();
  }

  /** Dependents are plain futures, free for their owners to complete. */
  @Override
  public <U> CompletableFuture<U> newIncompleteFuture() {
    return new CompletableFuture<>();
  }

  /** Returns a plain future that completes when this does; completing it does not affect this stage. */
  @Override
  public CompletableFuture<Void> toCompletableFuture() {
    return copy();
  }

  @Override
  public String toString() {
    return isDone() ? "DoneStage[done]" : "DoneStage[pending]";
  }
}
