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
 * Seed 000, the fix: the hand-made context with one lock around every read and write of its
 * state, as the seed fixed its {@code Err()} and {@code cancel} with a {@code sync.Mutex}. Readers
 * now see err and done change together, and a callback registered concurrently with cancel runs
 * exactly once. (The library's own contexts get the same guarantee from a single volatile state
 * word, without a lock on the read path.)
 *
 * <p>Thread-safe. Callbacks run outside the lock. The lock is the object's monitor: the critical
 * sections are a few field accesses and never block.
 */
public final class LockedContext implements HandmadeContext {
  private final Object lock = new Object();
  private ContextException err;                                 // guarded by lock
  private boolean done;                                         // guarded by lock
  private final List<Runnable> callbacks = new ArrayList<>();  // guarded by lock
  private final CompletableFuture<Void> stage = new CompletableFuture<>();

  @Override
  public boolean cancel() {
    List<Runnable> toRun;
    synchronized (lock) {
      if (done) {
        return false;
      }
      err = new ContextCancelledException();
      done = true;
      toRun = new ArrayList<>(callbacks);
      callbacks.clear();
    }
    toRun.forEach(Runnable::run);
    stage.complete(null);
    return true;
  }

  @Override
  public ContextException err() {
    synchronized (lock) {
      return err;
    }
  }

  @Override
  public boolean isDone() {
    synchronized (lock) {
      return done;
    }
  }

  @Override
  public Stop onDone(Runnable callback) {
    synchronized (lock) {
      if (!done) {
        Runnable entry = callback::run; // a fresh object: removal by identity removes this one
        callbacks.add(entry);
        return () -> {
          synchronized (lock) {
            return callbacks.remove(entry);
          }
        };
      }
    }
    callback.run(); // already done: run now, outside the lock
    return () -> false;
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
