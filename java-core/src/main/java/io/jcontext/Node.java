package io.jcontext;

/**
 * A member of the registration list of a {@link CancelCtx}: a child context, an
 * {@link Context#onDone onDone} callback or an {@link Context#afterFunc afterFunc} action.
 *
 * <p>The list is doubly linked and intrusive (the registered object is its own node, so
 * registering allocates nothing more), which makes insertion and removal constant time. The
 * head's {@code prev} points at the tail, so appending needs no tail field in the owner.
 * {@code prev} and {@code next} are guarded by the owner's list lock ({@code CancelCtx.head});
 * once the owner is cancelled they belong to the cancelling thread, which reuses {@code next}
 * for its walk and clears both.
 */
abstract class Node {
  /** The previous node, or the tail if this is the head; null when not in a list. Guarded by the owner's lock. */
  Node prev;
  /** The next node, or null at the tail. Guarded by the owner's lock. */
  Node next;

  /**
   * The deferred effect of the list owner becoming done with {@code err}; called once, without
   * locks, after the cancellation walk (see {@link CancelCtx}).
   */
  abstract void fire(Cancellation err);

  /**
   * Whether {@link #fire} only wakes a parked waiter of the library (no user code, constant time,
   * never throws), so that the cancellation walk runs it at once instead of deferring it.
   */
  boolean wakesOnly() {
    return false;
  }

  /** A marker node; never in a list. */
  static final class Marker extends Node {
    private final String name;

    Marker(String name) {
      this.name = name;
    }

    @Override
    void fire(Cancellation err) {
      throw new AssertionError("internal error: marker " + name + " notified");
    }

    @Override
    public String toString() {
      return name;
    }
  }
}
