package io.jcontext.samples.cancel;

import io.jcontext.ContextCancelledException;
import io.jcontext.ContextException;
import io.jcontext.Key;
import io.jcontext.Stop;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Seed 000, the bug: a cancellable context written by hand, the way the seed first wrote its
 * {@code cancelCtx}, with plain fields and no synchronisation. {@link #cancel()} writes
 * {@code err} and then {@code done} (Go: {@code ctx.err = Canceled; close(ctx.done)}), and readers
 * read them without a lock. That is a data race: a reader can see {@code err} set while
 * {@code isDone()} is still false (breaking "err non-null exactly when done"), the callback list
 * can lose a registration, and the Java memory model does not even promise that a reader ever
 * sees the writes. {@link LockedContext} is the seed's fix.
 *
 * <p><b>Not thread-safe</b>: that is the point. Do not copy.
 */
public final class RacyContext implements HandmadeContext {
  private ContextException err;     // racy
  private boolean done;             // racy
  private final List<Runnable> callbacks = new ArrayList<>(); // racy
  private final CompletableFuture<Void> stage = new CompletableFuture<>();

  @Override
  public boolean cancel() {
    if (done) {
      return false;
    }
    err = new ContextCancelledException(); // 1. err first...
    done = true;                            // 2. ...then done: a reader can fall in between
    for (Runnable r : callbacks) {
      r.run();
    }
    callbacks.clear();
    stage.complete(null);
    return true;
  }

  @Override
  public ContextException err() {
    return err;
  }

  @Override
  public boolean isDone() {
    return done;
  }

  @Override
  public Stop onDone(Runnable callback) {
    if (done) {
      callback.run();
      return () -> false;
    }
    callbacks.add(callback); // may be added after cancel() iterated: never runs
    return () -> callbacks.remove(callback);
  }

  @Override
  public CompletionStage<Void> done() {
    return stage.minimalCompletionStage();
  }

  @Override
  public Instant deadline() {
    return null;
  }

  @Override
  public <T> T value(Key<T> key) {
    return null;
  }
}
