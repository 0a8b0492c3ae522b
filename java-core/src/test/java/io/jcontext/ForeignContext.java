package io.jcontext;

import java.time.Instant;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A {@link Context} implemented outside the library, as user code or an adapter to another
 * framework would (Go's {@code afterFuncContext} / {@code customCauseContext} in the context
 * tests). It keeps its own callback table so tests can count registrations, and it is cancelled
 * only by {@link #fire}, which runs the callbacks on the calling thread.
 *
 * <p>{@link #misbehave()} makes {@code err()} keep returning null after it fired, which breaks
 * the Context contract on purpose.
 */
final class ForeignContext implements Context {
  private final Object lock = new Object();
  private final Clock clock;
  private final Context values;
  private final Instant deadline;
  /** Registered callbacks by registration token; null once fired. Guarded by lock. */
  private Map<Object, Runnable> callbacks = new IdentityHashMap<>();
  /** Null until fired. Guarded by lock. */
  private ContextException err;
  private final CompletableFuture<Void> done = new CompletableFuture<>();
  private volatile boolean misbehave;
  /** Total onDone calls ever made, including those that ran at once. */
  private int onDoneCalls;

  ForeignContext() {
    this(Clock.system(), null, null);
  }

  /**
   * @param values where values are looked up (may be null: none)
   * @param deadline reported by {@link #deadline()} (may be null); never fires by itself
   */
  ForeignContext(Clock clock, Context values, Instant deadline) {
    this.clock = clock;
    this.values = values;
    this.deadline = deadline;
  }

  ForeignContext misbehave() {
    misbehave = true;
    return this;
  }

  /** Cancels this context with {@code e} and runs its callbacks here; returns false if already fired. */
  boolean fire(ContextException e) {
    List<Runnable> toRun;
    synchronized (lock) {
      if (callbacks == null) {
        return false;
      }
      err = e;
      toRun = new ArrayList<>(callbacks.values());
      callbacks = null;
    }
    done.complete(null);
    for (Runnable r : toRun) {
      r.run();
    }
    return true;
  }

  /** The number of callbacks registered and neither run nor stopped. */
  int registrations() {
    synchronized (lock) {
      return callbacks == null ? 0 : callbacks.size();
    }
  }

  int onDoneCalls() {
    synchronized (lock) {
      return onDoneCalls;
    }
  }

  @Override
  public Instant deadline() {
    return deadline;
  }

  @Override
  public ContextException err() {
    if (misbehave) {
      return null;
    }
    synchronized (lock) {
      return err;
    }
  }

  @Override
  public <T> T value(Key<T> key) {
    java.util.Objects.requireNonNull(key, "key");
    return values == null ? null : values.value(key);
  }

  @Override
  public boolean isDone() {
    synchronized (lock) {
      return callbacks == null;
    }
  }

  @Override
  public CompletionStage<Void> done() {
    return done.minimalCompletionStage();
  }

  @Override
  public Stop onDone(Runnable callback) {
    java.util.Objects.requireNonNull(callback, "callback");
    Object token = new Object();
    synchronized (lock) {
      onDoneCalls++;
      if (callbacks != null) {
        callbacks.put(token, callback);
        return () -> {
          synchronized (lock) {
            return callbacks != null && callbacks.remove(token) != null;
          }
        };
      }
    }
    callback.run();
    return () -> false;
  }

  @Override
  public Clock clock() {
    return clock;
  }

  @Override
  public String toString() {
    return "ForeignContext";
  }
}
