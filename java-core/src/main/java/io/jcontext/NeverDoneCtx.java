package io.jcontext;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/**
 * A context that can never be done: the roots and {@link WithoutCancelCtx} (Go's contexts whose
 * {@code Done()} is nil). Children of such a context register nothing with it.
 */
abstract class NeverDoneCtx implements Context {
  private final Clock clock;

  NeverDoneCtx(Clock clock) {
    this.clock = clock;
  }

  @Override
  public final @Nullable Instant deadline() {
    return null;
  }

  @Override
  public final @Nullable Duration remaining() {
    return null;
  }

  @Override
  public final @Nullable ContextException err() {
    return null;
  }

  @Override
  public final @Nullable Throwable cause() {
    return null;
  }

  @Override
  public final boolean isDone() {
    return false;
  }

  @Override
  public final CompletionStage<@Nullable Void> done() {
    return NeverStage.INSTANCE;
  }

  @Override
  public final Stop onDone(Runnable callback) {
    Objects.requireNonNull(callback, "callback");
    return Callbacks.neverRuns();
  }

  @Override
  public final Clock clock() {
    return clock;
  }

  @Override
  public final String toString() {
    return Tree.describe(this);
  }
}
