package io.jcontext;

/**
 * A member of the registration list of a {@link CancelCtx}: a child context, an
 * {@link Context#onDone onDone} callback or an {@link Context#afterFunc afterFunc} action.
 *
 * <p>The list is doubly linked and intrusive (the registered object is its own node, so
 * registering allocates nothing more), which makes insertion and removal constant time. The
 * head's {@code prev} points at the tail, so appending needs no tail field in the owner.
 * {@code prev} and {@code next} are guarded by the owner's list lock ({@link CancelCtx#head});
 * once the owner is cancelled they belong to the cancelling thread, which clears them.
 */
abstract class Node {
  /** The previous node, or the tail if this is the head; null when not in a list. Guarded by the owner's lock. */
  Node prev;
  /** The next node, or null at the tail. Guarded by the owner's lock. */
  Node next;

  /**
   * Called once, without locks, when the list owner is done with {@code err}. Returns a list
   * of further nodes to notify (the registrations of a child context it cancelled), or null.
   */
  abstract Node ownerDone(ContextException err);

  /** A marker node; never in a list. */
  static final class Marker extends Node {
    private final String name;

    Marker(String name) {
      this.name = name;
    }

    @Override
    Node ownerDone(ContextException err) {
      throw new AssertionError("internal error: marker " + name + " notified");
    }

    @Override
    public String toString() {
      return name;
    }
  }
}
