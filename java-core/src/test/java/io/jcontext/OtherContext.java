package io.jcontext;

import java.time.Instant;
import java.util.concurrent.CompletionStage;

/**
 * A context type the library does not know that only delegates to a library context (Go's
 * {@code otherContext{c}} in the context tests): it makes the library take its foreign-parent
 * path while the behaviour stays that of the wrapped context.
 */
final class OtherContext implements Context {
  final Context inner;

  OtherContext(Context inner) {
    this.inner = inner;
  }

  @Override
  public Instant deadline() {
    return inner.deadline();
  }

  @Override
  public ContextException err() {
    return inner.err();
  }

  @Override
  public Throwable cause() {
    return inner.cause();
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
    return inner.onDone(callback);
  }

  @Override
  public Clock clock() {
    return inner.clock();
  }

  @Override
  public String toString() {
    return "other(" + inner + ")";
  }
}
