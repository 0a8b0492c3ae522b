package io.jcontext;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The {@link Context#done()} of contexts that can never be done (Go's nil {@code Done()}).
 *
 * <p>It is shared by every such context, so it must not accumulate dependents the way a
 * never-completed {@link CompletableFuture} would (each {@code thenRun} or Kotlin {@code await}
 * on it would be retained forever). Since it never completes, a dependent of this stage alone
 * can never complete either: each such method returns a fresh incomplete future and retains
 * nothing. The "either" methods complete as the other stage does.
 */
final class NeverStage implements CompletionStage<Void> {
  static final NeverStage INSTANCE = new NeverStage();

  private NeverStage() {}

  private static <U> CompletableFuture<U> never() {
    return new CompletableFuture<>();
  }

  @Override public <U> CompletionStage<U> thenApply(Function<? super Void, ? extends U> fn) { return never(); }
  @Override public <U> CompletionStage<U> thenApplyAsync(Function<? super Void, ? extends U> fn) { return never(); }
  @Override public <U> CompletionStage<U> thenApplyAsync(Function<? super Void, ? extends U> fn, Executor e) { return never(); }
  @Override public CompletionStage<Void> thenAccept(Consumer<? super Void> action) { return never(); }
  @Override public CompletionStage<Void> thenAcceptAsync(Consumer<? super Void> action) { return never(); }
  @Override public CompletionStage<Void> thenAcceptAsync(Consumer<? super Void> action, Executor e) { return never(); }
  @Override public CompletionStage<Void> thenRun(Runnable action) { return never(); }
  @Override public CompletionStage<Void> thenRunAsync(Runnable action) { return never(); }
  @Override public CompletionStage<Void> thenRunAsync(Runnable action, Executor e) { return never(); }
  @Override public <U, V> CompletionStage<V> thenCombine(CompletionStage<? extends U> o, BiFunction<? super Void, ? super U, ? extends V> fn) { return never(); }
  @Override public <U, V> CompletionStage<V> thenCombineAsync(CompletionStage<? extends U> o, BiFunction<? super Void, ? super U, ? extends V> fn) { return never(); }
  @Override public <U, V> CompletionStage<V> thenCombineAsync(CompletionStage<? extends U> o, BiFunction<? super Void, ? super U, ? extends V> fn, Executor e) { return never(); }
  @Override public <U> CompletionStage<Void> thenAcceptBoth(CompletionStage<? extends U> o, BiConsumer<? super Void, ? super U> action) { return never(); }
  @Override public <U> CompletionStage<Void> thenAcceptBothAsync(CompletionStage<? extends U> o, BiConsumer<? super Void, ? super U> action) { return never(); }
  @Override public <U> CompletionStage<Void> thenAcceptBothAsync(CompletionStage<? extends U> o, BiConsumer<? super Void, ? super U> action, Executor e) { return never(); }
  @Override public CompletionStage<Void> runAfterBoth(CompletionStage<?> o, Runnable action) { return never(); }
  @Override public CompletionStage<Void> runAfterBothAsync(CompletionStage<?> o, Runnable action) { return never(); }
  @Override public CompletionStage<Void> runAfterBothAsync(CompletionStage<?> o, Runnable action, Executor e) { return never(); }
  @Override public <U> CompletionStage<U> applyToEither(CompletionStage<? extends Void> o, Function<? super Void, U> fn) { return o.thenApply(fn); }
  @Override public <U> CompletionStage<U> applyToEitherAsync(CompletionStage<? extends Void> o, Function<? super Void, U> fn) { return o.thenApplyAsync(fn); }
  @Override public <U> CompletionStage<U> applyToEitherAsync(CompletionStage<? extends Void> o, Function<? super Void, U> fn, Executor e) { return o.thenApplyAsync(fn, e); }
  @Override public CompletionStage<Void> acceptEither(CompletionStage<? extends Void> o, Consumer<? super Void> action) { return o.thenAccept(action); }
  @Override public CompletionStage<Void> acceptEitherAsync(CompletionStage<? extends Void> o, Consumer<? super Void> action) { return o.thenAcceptAsync(action); }
  @Override public CompletionStage<Void> acceptEitherAsync(CompletionStage<? extends Void> o, Consumer<? super Void> action, Executor e) { return o.thenAcceptAsync(action, e); }
  @Override public CompletionStage<Void> runAfterEither(CompletionStage<?> o, Runnable action) { return o.thenRun(action); }
  @Override public CompletionStage<Void> runAfterEitherAsync(CompletionStage<?> o, Runnable action) { return o.thenRunAsync(action); }
  @Override public CompletionStage<Void> runAfterEitherAsync(CompletionStage<?> o, Runnable action, Executor e) { return o.thenRunAsync(action, e); }
  @Override public <U> CompletionStage<U> thenCompose(Function<? super Void, ? extends CompletionStage<U>> fn) { return never(); }
  @Override public <U> CompletionStage<U> thenComposeAsync(Function<? super Void, ? extends CompletionStage<U>> fn) { return never(); }
  @Override public <U> CompletionStage<U> thenComposeAsync(Function<? super Void, ? extends CompletionStage<U>> fn, Executor e) { return never(); }
  @Override public <U> CompletionStage<U> handle(BiFunction<? super Void, Throwable, ? extends U> fn) { return never(); }
  @Override public <U> CompletionStage<U> handleAsync(BiFunction<? super Void, Throwable, ? extends U> fn) { return never(); }
  @Override public <U> CompletionStage<U> handleAsync(BiFunction<? super Void, Throwable, ? extends U> fn, Executor e) { return never(); }
  @Override public CompletionStage<Void> whenComplete(BiConsumer<? super Void, ? super Throwable> action) { return never(); }
  @Override public CompletionStage<Void> whenCompleteAsync(BiConsumer<? super Void, ? super Throwable> action) { return never(); }
  @Override public CompletionStage<Void> whenCompleteAsync(BiConsumer<? super Void, ? super Throwable> action, Executor e) { return never(); }
  @Override public CompletionStage<Void> exceptionally(Function<Throwable, ? extends Void> fn) { return never(); }
  @Override public CompletionStage<Void> exceptionallyAsync(Function<Throwable, ? extends Void> fn) { return never(); }
  @Override public CompletionStage<Void> exceptionallyAsync(Function<Throwable, ? extends Void> fn, Executor e) { return never(); }
  @Override public CompletionStage<Void> exceptionallyCompose(Function<Throwable, ? extends CompletionStage<Void>> fn) { return never(); }
  @Override public CompletionStage<Void> exceptionallyComposeAsync(Function<Throwable, ? extends CompletionStage<Void>> fn) { return never(); }
  @Override public CompletionStage<Void> exceptionallyComposeAsync(Function<Throwable, ? extends CompletionStage<Void>> fn, Executor e) { return never(); }

  /** Returns a new incomplete future; completing it does not affect this stage. */
  @Override public CompletableFuture<Void> toCompletableFuture() { return never(); }

  @Override public String toString() { return "NeverStage"; }
}
