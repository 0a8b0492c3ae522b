package io.jcontext;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The context returned by {@link Context#withoutCancel()}: its parent's values and clock, never
 * done, no deadline, and a null cause even when the parent is cancelled.
 */
final class WithoutCancelCtx extends NeverDoneCtx {
  final Context parent;

  private WithoutCancelCtx(Context parent) {
    super(Tree.clockOf(parent));
    this.parent = parent;
  }

  static Context of(Context parent) {
    return new WithoutCancelCtx(Objects.requireNonNull(parent, "parent"));
  }

  @Override
  public <T> @Nullable T value(Key<T> key) {
    return Tree.lookup(parent, key);
  }
}
