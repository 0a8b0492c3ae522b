package io.jcontext;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/**
 * The context returned by {@link Context#withValue} (Go's {@code valueCtx}): one immutable
 * key/value pair on top of its parent. Everything but values is delegated in O(1) to
 * {@link #source}, the nearest ancestor that is not a value context, so a long chain of values
 * costs nothing on {@code isDone()}.
 *
 * <p>Lookup. Go walks the chain one link per value, so a key bound eight {@code withValue}s up
 * costs eight dependent loads. Here each value context of a run of consecutive {@code withValue}s
 * also keeps a small open-addressed hash table ({@link #table}) of the bindings of the value
 * contexts above it in the same run (at most {@link #RUN} of them, the newest binding of each
 * key), so a lookup checks its own key, then probes one table, and only then goes on at
 * {@link #rest}. A run longer than {@code RUN} starts a new table, so lookup stays
 * O(depth / RUN) and a context never holds more than {@code RUN} entries. The table is copied
 * (not shared) on each {@code withValue}, as grpc's persistent trie copies its path: creating a
 * value context costs O(RUN) at most, and its memory is the 40-byte context plus an array of at
 * most 16 slots (144 bytes) for runs of five or more values.
 *
 * <p>Immutable once constructed (all fields final), so it is safely published by any means.
 */
final class ValueCtx implements Context {
  /** Most bindings one table holds (and so the most a withValue ever copies). */
  static final int RUN = 8;

  final Context parent;
  final Key<?> key;
  final Object value;
  /** The nearest ancestor that is not a ValueCtx: it decides done, deadline and clock. */
  final Context source;
  /**
   * The bindings of the value contexts between this one (exclusive) and {@link #rest}
   * (exclusive), newest binding per key: keys at even indices, each followed by its value; a
   * power-of-two number of slots at least twice {@link #size}, probed linearly from
   * {@code key.hash}. Null when this context starts a run (then {@code rest == parent}).
   */
  final Object[] table;
  /** Number of bindings in {@link #table}; 0 when it is null. At most {@link #RUN}. */
  final int size;
  /** Where a lookup goes on once this context and its table lack the key. */
  final Context rest;

  private ValueCtx(Context parent, Key<?> key, Object value) {
    this.parent = parent;
    this.key = key;
    this.value = value;
    this.source = Tree.source(parent);
    ValueCtx p = parent instanceof ValueCtx ? (ValueCtx) parent : null;
    if (p == null || p.size == RUN) { // start a run (or a new segment of a long one)
      this.table = null;
      this.size = 0;
      this.rest = parent;
    } else {
      Object[] t = copyWithRoomFor(p.table, p.size + 1);
      this.size = put(t, p.key, p.value) ? p.size + 1 : p.size;
      this.table = t;
      this.rest = p.rest;
    }
  }

  /** Returns a table holding the bindings of {@code from} (may be null) with room for {@code n}. */
  private static Object[] copyWithRoomFor(Object[] from, int n) {
    int slots = Integer.highestOneBit(2 * n - 1) << 1; // the least power of two >= 2n (n >= 1)
    if (from != null && from.length == 2 * slots) {
      return from.clone();
    }
    Object[] t = new Object[2 * slots];
    if (from != null) {
      for (int i = 0; i < from.length; i += 2) {
        if (from[i] != null) {
          put(t, (Key<?>) from[i], from[i + 1]);
        }
      }
    }
    return t;
  }

  /** Binds {@code k} in {@code t}, replacing an older binding; returns whether it added a key. */
  private static boolean put(Object[] t, Key<?> k, Object v) {
    int mask = t.length - 2;
    for (int i = k.hash & mask; ; i = (i + 2) & mask) {
      Object o = t[i];
      if (o == null || o == k) {
        t[i] = k;
        t[i + 1] = v;
        return o == null;
      }
    }
  }

  /**
   * Looks {@code k} up in this context's own binding and its table. Returns {@link #MISSING}
   * if neither has it (a lookup then goes on at {@link #rest}).
   */
  Object find(Key<?> k) {
    if (key == k) {
      return value;
    }
    Object[] t = table;
    if (t != null) {
      int mask = t.length - 2;
      for (int i = k.hash & mask; ; i = (i + 2) & mask) {
        Object o = t[i];
        if (o == k) {
          return t[i + 1];
        }
        if (o == null) {
          break;
        }
      }
    }
    return MISSING;
  }

  /** What {@link #find} returns for a key this context and its table do not bind. */
  static final Object MISSING = new Object();

  static <T> Context withValue(Context parent, Key<T> key, T value) {
    Objects.requireNonNull(parent, "parent");
    Objects.requireNonNull(key, "key");
    ValueCtx v = new ValueCtx(parent, key, key.check(value));
    if (!Origin.off()) {
      Diagnostics.valueCreated(v); // where it was derived, for trace(); a compiled constant when off
    }
    return v;
  }

  @Override
  public <T> @Nullable T value(Key<T> k) {
    return Tree.lookup(this, k);
  }

  @Override
  public @Nullable Instant deadline() {
    return source.deadline();
  }

  @Override
  public @Nullable Duration remaining() {
    return source.remaining();
  }

  @Override
  public @Nullable ContextException err() {
    return source.err();
  }

  @Override
  public @Nullable Throwable cause() {
    return source.cause();
  }

  @Override
  public boolean isDone() {
    return source.isDone();
  }

  @Override
  public CompletionStage<@Nullable Void> done() {
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
