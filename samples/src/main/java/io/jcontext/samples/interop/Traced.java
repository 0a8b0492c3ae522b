package io.jcontext.samples.interop;

import io.jcontext.CancellableContext;
import io.jcontext.Clock;
import io.jcontext.Context;
import io.jcontext.ContextException;
import io.jcontext.Key;
import io.jcontext.Stop;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.stream.Collectors;

/**
 * A context that delegates everything to a library context and records where each derivation
 * happened; see {@link TracingContexts}. Immutable; thread-safe as its delegate.
 */
sealed class Traced implements Context permits Traced.Cancellable {
  private static final int MAX_FRAMES = 8;
  private static final StackWalker WALKER =
      StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);

  final Context delegate;
  /** The context this one was derived from; null at the wrapped root. */
  final Traced parent;
  final String note;
  final Instant when;
  final List<StackWalker.StackFrame> frames;

  Traced(Context delegate, Traced parent, String note) {
    this.delegate = delegate;
    this.parent = parent;
    this.note = note;
    this.when = Instant.ofEpochSecond(0, delegate.clock().nanoTime());
    // Drop this class's frames: the first remaining frame is the caller that derived.
    this.frames = WALKER.walk(s -> s
        .dropWhile(f -> f.getDeclaringClass() == Traced.class
            || f.getDeclaringClass() == Traced.Cancellable.class
            || f.getDeclaringClass() == TracingContexts.class)
        .limit(MAX_FRAMES)
        .collect(Collectors.toList()));
  }

  /** A traced context that can also be cancelled. */
  static final class Cancellable extends Traced implements CancellableContext {
    private final CancellableContext cancellable;

    Cancellable(CancellableContext delegate, Traced parent, String note) {
      super(delegate, parent, note);
      this.cancellable = delegate;
    }

    @Override
    public boolean cancel() {
      return cancellable.cancel();
    }

    @Override
    public boolean cancel(Throwable cause) {
      return cancellable.cancel(cause);
    }
  }

  // Derivations: derive the real context, then record where.

  @Override
  public CancellableContext withCancel() {
    return new Cancellable(delegate.withCancel(), this, "withCancel");
  }

  @Override
  public CancellableContext withDeadline(Instant deadline) {
    return new Cancellable(delegate.withDeadline(deadline), this, "withDeadline(" + deadline + ")");
  }

  @Override
  public CancellableContext withDeadline(Instant deadline, Throwable cause) {
    return new Cancellable(delegate.withDeadline(deadline, cause), this, "withDeadline(" + deadline + ")");
  }

  @Override
  public CancellableContext withTimeout(Duration timeout) {
    return new Cancellable(delegate.withTimeout(timeout), this, "withTimeout(" + timeout + ")");
  }

  @Override
  public CancellableContext withTimeout(Duration timeout, Throwable cause) {
    return new Cancellable(delegate.withTimeout(timeout, cause), this, "withTimeout(" + timeout + ")");
  }

  @Override
  public <T> Context withValue(Key<T> key, T value) {
    return new Traced(delegate.withValue(key, value), this, "withValue(" + key + ")");
  }

  @Override
  public Context withoutCancel() {
    return new Traced(delegate.withoutCancel(), this, "withoutCancel");
  }

  // Everything else: the delegate.

  @Override
  public Instant deadline() {
    return delegate.deadline();
  }

  @Override
  public ContextException err() {
    return delegate.err();
  }

  @Override
  public Throwable cause() {
    return delegate.cause();
  }

  @Override
  public <T> T value(Key<T> key) {
    return delegate.value(key);
  }

  @Override
  public boolean isDone() {
    return delegate.isDone();
  }

  @Override
  public CompletionStage<Void> done() {
    return delegate.done();
  }

  @Override
  public Stop onDone(Runnable callback) {
    return delegate.onDone(callback);
  }

  @Override
  public Clock clock() {
    return delegate.clock();
  }

  @Override
  public Stop afterFunc(Runnable action) {
    return delegate.afterFunc(action);
  }

  @Override
  public Stop afterFunc(Runnable action, Executor executor) {
    return delegate.afterFunc(action, executor);
  }
}
