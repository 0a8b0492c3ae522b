package io.jcontext.sync;

import io.jcontext.CancellableContext;
import io.jcontext.Context;
import io.jcontext.ContextException;
import io.jcontext.Key;
import io.jcontext.Stop;
import java.time.Instant;
import java.util.concurrent.CompletionStage;

/**
 * A foreign context that reports the state of {@code inner} but never runs onDone callbacks: it
 * lets a test end a context without waking its waiters, to force the "granted as ctx ends" race.
 */
final class SilentContext implements Context {
  final CancellableContext inner = Context.background().withCancel();
  /** When set, onDone throws instead: a misbehaving foreign context. */
  volatile RuntimeException onDoneFailure;

  @Override
  public Instant deadline() {
    return null;
  }

  @Override
  public ContextException err() {
    return inner.err();
  }

  @Override
  public <T> T value(Key<T> key) {
    return inner.value(key);
  }

  @Override
  public boolean isDone() {
    return inner.isDone();
  }

  @Override
  public CompletionStage<Void> done() {
    return inner.done();
  }

  @Override
  public Stop onDone(Runnable callback) {
    if (onDoneFailure != null) {
      throw onDoneFailure;
    }
    return () -> true; // registered, never notified
  }
}
