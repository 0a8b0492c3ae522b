package io.jcontext;

import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.CompletionStage;

/**
 * The context returned by {@link Context#withValue} (Go's {@code valueCtx}): one immutable
 * key/value pair on top of its parent. Everything but values is delegated in O(1) to
 * {@link #source}, the nearest ancestor that is not a value context, so a long chain of values
 * costs nothing on {@code isDone()}.
 */
final class ValueCtx implements Context {
  final Context parent;
  final Key<?> key;
  final Object value;
  /** The nearest ancestor that is not a ValueCtx: it decides done, deadline and clock. */
  final Context source;

  private ValueCtx(Context parent, Key<?> key, Object value) {
    this.parent = parent;
    this.key = key;
    this.value = value;
    this.source = Tree.source(parent);
  }

  static <T> Context withValue(Context parent, Key<T> key, T value) {
    Objects.requireNonNull(parent, "parent");
    Objects.requireNonNull(key, "key");
    return new ValueCtx(parent, key, key.check(value));
  }

  @Override
  public <T> T value(Key<T> k) {
    return Tree.lookup(this, k);
  }

  @Override
  public Instant deadline() {
    return source.deadline();
  }

  @Override
  public ContextException err() {
    return source.err();
  }

  @Override
  public Throwable cause() {
    return source.cause();
  }

  @Override
  public boolean isDone() {
    return source.isDone();
  }

  @Override
  public CompletionStage<Void> done() {
    return source.done();
  }

  @Override
  public Stop onDone(Runnable callback) {
    return source.onDone(callback);
  }

  @Override
  public Clock clock() {
    return source.clock();
  }

  @Override
  public String toString() {
    return Tree.describe(this);
  }
}
