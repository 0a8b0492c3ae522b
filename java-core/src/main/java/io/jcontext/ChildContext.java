package io.jcontext;

import java.util.Objects;

/**
 * A cancellable child context that an integration extends, so that the object which follows some
 * outside lifecycle (a coroutine's Job, a request, a connection) is the context itself. The
 * Kotlin bridge uses it for the context of each coroutine: one object is at once that context,
 * the Job's cancellation handler and the entry of the table that finds it again. Application
 * code does not need it: it calls {@link Context#withCancel()}.
 *
 * <p>An instance behaves exactly like {@code parent.withCancel()}: same clock, deadline, values
 * and cancellation rules, the same cost to derive from, and it is cancelled with its parent. A
 * subclass adds fields and interfaces, not behaviour: every {@link CancellableContext} method is
 * final, and the tree's own hooks are not visible outside this package.
 *
 * <p><b>Construction.</b> The constructor links the new context to {@code parent} as
 * {@code withCancel} does. If {@code parent} is a foreign implementation, that means calling its
 * {@link Context#onDone onDone}, possibly with the new context already reachable from that
 * callback before the subclass constructor has run; the callback only cancels the context, which
 * runs no subclass code. A parent that is already done makes a context that is done from the
 * start.
 *
 * <p><b>Why an abstract class.</b> An integration that kept a {@code withCancel()} child in a
 * field of its own object would pay two objects per context; on paths such as a coroutine's
 * first {@code currentContext()} that second object is the whole difference from the peers.
 *
 * <p>Thread-safe as every context.
 */
public abstract class ChildContext extends CancelCtx {
  /**
   * Creates a live child of {@code parent} (or one done from the start if {@code parent} is done).
   *
   * @throws NullPointerException if {@code parent} is null
   */
  protected ChildContext(Context parent) {
    super(Tree.unwrap(Objects.requireNonNull(parent, "parent")), Tree.clockOf(parent),
        Tree.deadlineOf(Tree.unwrap(parent)));
    propagate();
    if (!Origin.off()) {
      Diagnostics.created(this, false); // an integration's context is never handed out as a handle
    }
  }
}
