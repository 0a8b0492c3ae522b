package io.jcontext;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The read-only stage returned by {@link Context#done()} of a cancellable context.
 *
 * <pre>
 * Implementation overview
 *
 * The stage is complete exactly when its context is done: it has no completion state of its
 * own, and each method asks the context first. Once err() is non-null, a method called on this
 * stage acts on an already completed future (toCompletableFuture() is complete, a thenRun body
 * runs at once on the calling thread), even while the thread that cancelled the context is still
 * closing other parts of the tree. Completing a CompletableFuture runs its dependents on the
 * completing thread, and user code must not run inside the cancellation walk, so the stage
 * cannot simply be a CompletableFuture completed during the walk.
 *
 * Dependents registered while the context was live hang on {@code pending}, a private future
 * that nobody outside can reach or complete. The context completes it after its cancellation
 * walk (CancelCtx.closed()), on the cancelling thread, with the other deferred effects: that is
 * where those dependents run.
 * </pre>
 *
 * <p>The stage is read-only by construction: {@link CompletionStage} has no method that completes
 * or cancels it. The futures returned by {@link #toCompletableFuture()} and by the dependent
 * methods are plain {@link CompletableFuture}s that their callers may complete freely without
 * affecting this stage.
 */
final class DoneStage implements CompletionStage<Void> {
  /** Completed once and never changed; dependents of it are fresh futures, so it retains nothing. */
  private static final CompletableFuture<Void> COMPLETED_FUTURE = CompletableFuture.completedFuture(null);

  /** Shared by all contexts that were already done when done() was first called (Go's closedchan). */
  static final DoneStage COMPLETED = new DoneStage(null);

  /** The context whose done-ness this stage reports; null for {@link #COMPLETED}. */
  private final CancelCtx owner;
  /** Completed by {@link #signal()} after the owner's cancellation walk; never handed out. */
  private final CompletableFuture<Void> pending;

  DoneStage(CancelCtx owner) {
    this.owner = owner;
    this.pending = owner == null ? COMPLETED_FUTURE : new CompletableFuture<>();
  }

  /** Runs the dependents registered while the owner was live; idempotent. Called after the walk. */
  void signal() {
    pending.complete(null);
  }

  /** The context whose done-ness this stage reports (never null for a pending stage). */
  CancelCtx owner() {
    return owner;
  }

  /** Whether the stage is complete: the owner is done. */
  boolean isDone() {
    return owner == null || owner.isDone();
  }

  private CompletableFuture<Void> target() {
    return isDone() ? COMPLETED_FUTURE : pending;
  }

  @Override public <U> CompletionStage<U> thenApply(Function<? super Void, ? extends U> fn) { return target().thenApply(fn); }
  @Override public <U> CompletionStage<U> thenApplyAsync(Function<? super Void, ? extends U> fn) { return target().thenApplyAsync(fn); }
  @Override public <U> CompletionStage<U> thenApplyAsync(Function<? super Void, ? extends U> fn, Executor e) { return target().thenApplyAsync(fn, e); }
  @Override public CompletionStage<Void> thenAccept(Consumer<? super Void> action) { return target().thenAccept(action); }
  @Override public CompletionStage<Void> thenAcceptAsync(Consumer<? super Void> action) { return target().thenAcceptAsync(action); }
  @Override public CompletionStage<Void> thenAcceptAsync(Consumer<? super Void> action, Executor e) { return target().thenAcceptAsync(action, e); }
  @Override public CompletionStage<Void> thenRun(Runnable action) { return target().thenRun(action); }
  @Override public CompletionStage<Void> thenRunAsync(Runnable action) { return target().thenRunAsync(action); }
  @Override public CompletionStage<Void> thenRunAsync(Runnable action, Executor e) { return target().thenRunAsync(action, e); }
  @Override public <U, V> CompletionStage<V> thenCombine(CompletionStage<? extends U> o, BiFunction<? super Void, ? super U, ? extends V> fn) { return target().thenCombine(o, fn); }
  @Override public <U, V> CompletionStage<V> thenCombineAsync(CompletionStage<? extends U> o, BiFunction<? super Void, ? super U, ? extends V> fn) { return target().thenCombineAsync(o, fn); }
  @Override public <U, V> CompletionStage<V> thenCombineAsync(CompletionStage<? extends U> o, BiFunction<? super Void, ? super U, ? extends V> fn, Executor e) { return target().thenCombineAsync(o, fn, e); }
  @Override public <U> CompletionStage<Void> thenAcceptBoth(CompletionStage<? extends U> o, BiConsumer<? super Void, ? super U> action) { return target().thenAcceptBoth(o, action); }
  @Override public <U> CompletionStage<Void> thenAcceptBothAsync(CompletionStage<? extends U> o, BiConsumer<? super Void, ? super U> action) { return target().thenAcceptBothAsync(o, action); }
  @Override public <U> CompletionStage<Void> thenAcceptBothAsync(CompletionStage<? extends U> o, BiConsumer<? super Void, ? super U> action, Executor e) { return target().thenAcceptBothAsync(o, action, e); }
  @Override public CompletionStage<Void> runAfterBoth(CompletionStage<?> o, Runnable action) { return target().runAfterBoth(o, action); }
  @Override public CompletionStage<Void> runAfterBothAsync(CompletionStage<?> o, Runnable action) { return target().runAfterBothAsync(o, action); }
  @Override public CompletionStage<Void> runAfterBothAsync(CompletionStage<?> o, Runnable action, Executor e) { return target().runAfterBothAsync(o, action, e); }
  @Override public <U> CompletionStage<U> applyToEither(CompletionStage<? extends Void> o, Function<? super Void, U> fn) { return target().applyToEither(o, fn); }
  @Override public <U> CompletionStage<U> applyToEitherAsync(CompletionStage<? extends Void> o, Function<? super Void, U> fn) { return target().applyToEitherAsync(o, fn); }
  @Override public <U> CompletionStage<U> applyToEitherAsync(CompletionStage<? extends Void> o, Function<? super Void, U> fn, Executor e) { return target().applyToEitherAsync(o, fn, e); }
  @Override public CompletionStage<Void> acceptEither(CompletionStage<? extends Void> o, Consumer<? super Void> action) { return target().acceptEither(o, action); }
  @Override public CompletionStage<Void> acceptEitherAsync(CompletionStage<? extends Void> o, Consumer<? super Void> action) { return target().acceptEitherAsync(o, action); }
  @Override public CompletionStage<Void> acceptEitherAsync(CompletionStage<? extends Void> o, Consumer<? super Void> action, Executor e) { return target().acceptEitherAsync(o, action, e); }
  @Override public CompletionStage<Void> runAfterEither(CompletionStage<?> o, Runnable action) { return target().runAfterEither(o, action); }
  @Override public CompletionStage<Void> runAfterEitherAsync(CompletionStage<?> o, Runnable action) { return target().runAfterEitherAsync(o, action); }
  @Override public CompletionStage<Void> runAfterEitherAsync(CompletionStage<?> o, Runnable action, Executor e) { return target().runAfterEitherAsync(o, action, e); }
  @Override public <U> CompletionStage<U> thenCompose(Function<? super Void, ? extends CompletionStage<U>> fn) { return target().thenCompose(fn); }
  @Override public <U> CompletionStage<U> thenComposeAsync(Function<? super Void, ? extends CompletionStage<U>> fn) { return target().thenComposeAsync(fn); }
  @Override public <U> CompletionStage<U> thenComposeAsync(Function<? super Void, ? extends CompletionStage<U>> fn, Executor e) { return target().thenComposeAsync(fn, e); }
  @Override public <U> CompletionStage<U> handle(BiFunction<? super Void, Throwable, ? extends U> fn) { return target().handle(fn); }
  @Override public <U> CompletionStage<U> handleAsync(BiFunction<? super Void, Throwable, ? extends U> fn) { return target().handleAsync(fn); }
  @Override public <U> CompletionStage<U> handleAsync(BiFunction<? super Void, Throwable, ? extends U> fn, Executor e) { return target().handleAsync(fn, e); }
  @Override public CompletionStage<Void> whenComplete(BiConsumer<? super Void, ? super Throwable> action) { return target().whenComplete(action); }
  @Override public CompletionStage<Void> whenCompleteAsync(BiConsumer<? super Void, ? super Throwable> action) { return target().whenCompleteAsync(action); }
  @Override public CompletionStage<Void> whenCompleteAsync(BiConsumer<? super Void, ? super Throwable> action, Executor e) { return target().whenCompleteAsync(action, e); }
  @Override public CompletionStage<Void> exceptionally(Function<Throwable, ? extends Void> fn) { return target().exceptionally(fn); }
  @Override public CompletionStage<Void> exceptionallyAsync(Function<Throwable, ? extends Void> fn) { return target().exceptionallyAsync(fn); }
  @Override public CompletionStage<Void> exceptionallyAsync(Function<Throwable, ? extends Void> fn, Executor e) { return target().exceptionallyAsync(fn, e); }
  @Override public CompletionStage<Void> exceptionallyCompose(Function<Throwable, ? extends CompletionStage<Void>> fn) { return target().exceptionallyCompose(fn); }
  @Override public CompletionStage<Void> exceptionallyComposeAsync(Function<Throwable, ? extends CompletionStage<Void>> fn) { return target().exceptionallyComposeAsync(fn); }
  @Override public CompletionStage<Void> exceptionallyComposeAsync(Function<Throwable, ? extends CompletionStage<Void>> fn, Executor e) { return target().exceptionallyComposeAsync(fn, e); }

  /**
   * Returns a new future that completes when this stage does: already complete if the context is
   * done. Completing it does not affect this stage.
   */
  @Override public CompletableFuture<Void> toCompletableFuture() { return target().copy(); }

  @Override
  public String toString() {
    return isDone() ? "DoneStage[done]" : "DoneStage[pending]";
  }
}
