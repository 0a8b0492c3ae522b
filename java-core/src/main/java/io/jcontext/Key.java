package io.jcontext;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A typed key for {@link Context#withValue(Key, Object)} and {@link Context#value(Key)}.
 *
 * <p>Keys are compared by identity, so a key is private to the code that can see the constant
 * holding it: two keys with the same name are different keys. This is Java's answer to Go's
 * unexported key types, and why Go's "key is not comparable" error cannot arise here.
 *
 * <pre>{@code
 * public static final Key<String> REQUEST_ID = Key.of("requestId", String.class);
 * }</pre>
 *
 * <p>A key made with a type checks values at {@code withValue}, so a raw or unchecked call cannot
 * store a value that would fail later at lookup. Instances are immutable and thread-safe.
 *
 * @param <T> the type of the values bound to this key
 */
public final class Key<T> {
  /** Numbers keys in creation order, for {@link #hash}. */
  private static final AtomicInteger SEQUENCE = new AtomicInteger();

  private final String name;
  private final Class<T> type; // null: unchecked
  /**
   * Where this key starts probing a value context's table (see {@code ValueCtx}): an even number
   * whose bits above bit 0 are the creation number times an odd constant, so keys made one after
   * another land in distinct slots of any power-of-two table.
   */
  final int hash = (SEQUENCE.getAndIncrement() * 0x9E3779B9) << 1;

  private Key(String name, Class<T> type) {
    this.name = Objects.requireNonNull(name, "name");
    this.type = type;
  }

  /** Returns a new key named {@code name} (used by {@code toString}); values are not checked. */
  public static <T> Key<T> of(String name) {
    return new Key<>(name, null);
  }

  /**
   * Returns a new key named {@code name} whose values must be instances of {@code type} (or
   * {@code null}).
   */
  public static <T> Key<T> of(String name, Class<T> type) {
    return new Key<>(name, Objects.requireNonNull(type, "type"));
  }

  /** Returns the key's name. */
  public String name() {
    return name;
  }

  /** Returns {@code value} if it may be bound to this key; throws {@link ClassCastException} if not. */
  T check(Object value) {
    if (type != null && value != null && !type.isInstance(value)) {
      throw new ClassCastException("value of " + value.getClass().getName() + " cannot be bound to key "
          + name + " of " + type.getName());
    }
    @SuppressWarnings("unchecked")
    T t = (T) value;
    return t;
  }

  /** Returns the key's name. */
  @Override
  public String toString() {
    return name;
  }
}
