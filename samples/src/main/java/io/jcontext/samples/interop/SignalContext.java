package io.jcontext.samples.interop;

import io.jcontext.Context;
import io.jcontext.ContextCancelledException;
import io.jcontext.ContextException;
import io.jcontext.Key;
import io.jcontext.Stop;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A "foreign" {@link Context}: written here, not by the library, the way code adapts another
 * framework's stop signal (a shutdown hook, a UI close button). It has no deadline and no values;
 * it becomes done when {@link #fire(Throwable)} is called.
 *
 * <pre>
 * Implementation overview
 *
 * err is set once by a CAS; callbacks live in a concurrent map keyed by a fresh token, so a
 * registration is removed in O(1). fire() sets err first and then drains the map; onDone()
 * inserts first and then re-checks err, removing its own entry if fire() may have missed it. The
 * map's atomic remove() decides who runs a callback, so each runs exactly once, and stop() is true
 * only when it removed the entry before anyone ran it.
 * </pre>
 *
 * <p>Thread-safe. Callbacks run on the thread that calls {@code fire}, or on the registering
 * thread if the context is already done.
 */
public final class SignalContext implements Context {
  /** Null while live; set once. */
  private final AtomicReference<ContextException> err = new AtomicReference<>();
  /** Pending callbacks by registration token; empty once done. */
  private final Map<Object, Runnable> callbacks = new ConcurrentHashMap<>();
  /** Completed after err is set; exposed read-only. */
  private final CompletableFuture<Void> signal = new CompletableFuture<>();
  private final CompletionStage<Void> doneView = signal.minimalCompletionStage();

  /** Makes this context done with a {@link ContextCancelledException} carrying {@code cause}. */
  public boolean fire(Throwable cause) {
    if (!err.compareAndSet(null, new ContextCancelledException(cause))) {
      return false;
    }
    for (Object token : callbacks.keySet()) {
      Runnable r = callbacks.remove(token);
      if (r != null) {
        r.run();
      }
    }
    signal.complete(null);
    return true;
  }

  /** The number of callbacks registered and neither run nor stopped: what this context retains. */
  public int registrations() {
    return callbacks.size();
  }

  @Override
  public Stop onDone(Runnable callback) {
    java.util.Objects.requireNonNull(callback, "callback");
    if (isDone()) {
      callback.run();
      return () -> false;
    }
    Object token = new Object();
    callbacks.put(token, callback);
    if (isDone() && callbacks.remove(token) != null) {
      callback.run(); // fire() drained before our put became visible to it
    }
    return () -> callbacks.remove(token) != null;
  }

  @Override
  public Instant deadline() {
    return null;
  }

  @Override
  public ContextException err() {
    return err.get();
  }

  @Override
  public <T> T value(Key<T> key) {
    java.util.Objects.requireNonNull(key, "key");
    return null;
  }

  @Override
  public boolean isDone() {
    return err.get() != null;
  }

  @Override
  public CompletionStage<Void> done() {
    return doneView;
  }
}
