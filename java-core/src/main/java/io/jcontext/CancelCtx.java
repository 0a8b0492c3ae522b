package io.jcontext;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.CompletionStage;

/**
 * The context returned by {@link Context#withCancel()} (Go's {@code cancelCtx}), and the base of
 * {@link TimerCtx}.
 *
 * <pre>
 * Implementation overview
 *
 * State. {@code err} is null while live and the shared {@link Cancellation} once done; isDone()
 * is one volatile read of it. It carries the cause and makes the ContextException on first
 * demand, so err and cause are published by one write and always read as a consistent pair
 * (Go's TestCauseRace), and a cancellation nobody inspects allocates no exception.
 *
 * Registrations. Children, onDone callbacks and afterFunc actions are {@link Node}s in an
 * intrusive doubly linked list rooted at {@code head}. {@code head} doubles as a tiny spin lock
 * and as the life-cycle state:
 *
 *     null / first node --lock()--> LOCKED --unlock(newHead)--> null / first node
 *                                     |
 *                                     +--close(err), no child contexts---------------> CLOSED
 *                                     +--close(err), child contexts--> CLOSING --walk--> CLOSED
 *
 * Only pointer updates happen while LOCKED (no user code, no allocation), so spinning is short
 * and a virtual thread never parks holding it. close() sets err before it leaves LOCKED and
 * takes the whole list with it: from then on the closing thread owns the detached nodes, a
 * concurrent add() sees CLOSING/CLOSED and runs its registration at once, and a concurrent
 * remove() leaves the node to the closer. Each node is therefore either removed by its owner
 * (stop() true) or notified by the closer (stop() false), never both.
 *
 * Cancellation runs in two phases. The walk closes the whole subtree: iteratively (a chain of
 * any depth cannot overflow the stack), depth-first in registration order, splicing each closed
 * child's list in front of the rest, followed (if that child has child contexts of its own) by an
 * {@link End} marker that moves it from CLOSING to CLOSED once its subtree is done. A context
 * that never had a child context (only callbacks) needs no walk: it goes straight to CLOSED.
 * The walk runs no user code and takes one list lock at a time. Only then are the deferred
 * effects run, in the same order: done() stages completed, timers stopped, onDone callbacks
 * run, afterFunc actions handed to executors.
 *
 * A cancel() that loses the race (it finds CLOSING) waits, spinning, until the winner's walk
 * has made it CLOSED, so that when any cancel() returns, every descendant is done, as in Go
 * where the loser blocks on the mutex. A walk that meets a child another thread is closing
 * waits the same way. These waits cannot deadlock: a walk runs no user code, and it only ever
 * waits for the walk of a subtree below a node it owns, which never waits for anything above.
 *
 * Hygiene. A child cancelled on its own removes itself from the parent's list in O(1); a parent
 * cancelling drops its whole list (head = CLOSED) and clears every node's links. Either way the
 * parent keeps no reference to the child afterwards.
 *
 * Memory model. The lock is taken with a CAS and released with a release store (no fence on
 * x86), which orders the node links for the next holder. err is a volatile write made before head
 * becomes CLOSED and before onDone callbacks run, so whoever observes CLOSED, runs as a callback,
 * or reads a non-null err, sees the cancelling thread's earlier writes; err stays a full
 * volatile write because done() relies on store-load ordering against doneStage.
 * </pre>
 */
class CancelCtx extends Node implements CancellableContext {
  static final Node LOCKED = new Node.Marker("LOCKED");
  static final Node CLOSING = new Node.Marker("CLOSING");
  static final Node CLOSED = new Node.Marker("CLOSED");

  private static final VarHandle HEAD;
  private static final VarHandle DONE;

  static {
    try {
      MethodHandles.Lookup l = MethodHandles.lookup();
      HEAD = l.findVarHandle(CancelCtx.class, "head", Node.class);
      DONE = l.findVarHandle(CancelCtx.class, "doneStage", DoneStage.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  final Context parent;
  final Clock clock;
  /** Effective deadline in clock nanos (this context's or the nearest ancestor's), or Nanos.NONE. */
  final long deadline;
  /** Null while live; set once by close(), before head becomes CLOSED. */
  private volatile Cancellation err;
  /**
   * Registrations: null (none), the first node, LOCKED (list being changed), CLOSING (done, subtree
   * being closed by the thread that detached the list) or CLOSED (done and subtree closed; final).
   */
  private volatile Node head;
  /** Created on the first done() call (or a shared completed stage if already done then); never changes after. */
  private volatile DoneStage doneStage;
  /**
   * Whether a child context was ever added to the list; guarded by the list lock, never cleared,
   * final once the context is done. Without child contexts nothing can be waiting on this
   * context's subtree, so close() goes straight to CLOSED and the list is run in one pass.
   */
  private boolean hasChildContexts;
  /**
   * The Stop of the onDone registration on a foreign parent, or null. Written once while the
   * context is being created; read by the thread that wins close() to unregister.
   */
  private volatile Stop foreignStop;

  CancelCtx(Context parent, Clock clock, long deadline) {
    this.parent = parent;
    this.clock = clock;
    this.deadline = deadline;
  }

  static CancellableContext withCancel(Context parent) {
    Objects.requireNonNull(parent, "parent");
    CancelCtx c = new CancelCtx(parent, Tree.clockOf(parent), Tree.deadlineOf(parent));
    c.propagate();
    return c;
  }

  /**
   * Makes this context follow its parent (Go's propagateCancel): registers it with the nearest
   * cancellable ancestor, or through a foreign parent's onDone, or not at all if the parent can
   * never be done. If the parent is already done, this context is cancelled with its err.
   */
  final void propagate() {
    Context source = Tree.source(parent);
    if (source instanceof CancelCtx) {
      CancelCtx p = (CancelCtx) source;
      if (!p.add(this)) {
        cancel(p.err, false);
      }
    } else if (!(source instanceof NeverDoneCtx)) {
      joinForeign(source);
    }
  }

  private void joinForeign(Context foreign) {
    if (foreign.isDone()) {
      cancel(new Cancellation(Tree.foreignErr(foreign)), false);
      return;
    }
    Stop stop = foreign.onDone(() -> cancel(new Cancellation(Tree.foreignErr(foreign)), false));
    foreignStop = Objects.requireNonNull(stop, () -> "onDone of " + foreign.getClass().getName() + " returned null");
  }

  // ---------------------------------------------------------------------------------------
  // Context
  // ---------------------------------------------------------------------------------------

  @Override
  public final boolean isDone() {
    return err != null;
  }

  @Override
  public final ContextException err() {
    Cancellation c = err;
    return c == null ? null : c.exception();
  }

  @Override
  public final Throwable cause() {
    Cancellation c = err;
    return c == null ? null : c.cause();
  }

  @Override
  public final Instant deadline() {
    return deadline == Nanos.NONE ? null : Nanos.toInstant(deadline);
  }

  @Override
  public final Clock clock() {
    return clock;
  }

  @Override
  public final <T> T value(Key<T> key) {
    return Tree.lookup(parent, key);
  }

  @Override
  public final CompletionStage<Void> done() {
    DoneStage d = doneStage;
    if (d != null) {
      return d;
    }
    if (err != null) {
      DONE.compareAndSet(this, null, DoneStage.COMPLETED);
      return doneStage;
    }
    d = new DoneStage();
    if (!DONE.compareAndSet(this, null, d)) {
      return doneStage;
    }
    if (err != null) {
      d.signal(); // close() may have looked at doneStage before our CAS
    }
    return d;
  }

  @Override
  public final Stop onDone(Runnable callback) {
    Objects.requireNonNull(callback, "callback");
    AfterFunc node = AfterFunc.inline(this, callback);
    if (add(node)) {
      return node;
    }
    Callbacks.run(callback);
    return Callbacks.ALREADY_RAN;
  }

  // ---------------------------------------------------------------------------------------
  // Cancellation
  // ---------------------------------------------------------------------------------------

  @Override
  public final boolean cancel() {
    return cancel((Throwable) null);
  }

  @Override
  public final boolean cancel(Throwable cause) {
    if (err != null) {
      awaitClosed(); // a racing winner may still be closing the subtree
      return false;
    }
    return cancel(new Cancellation(false, cause), true);
  }

  /**
   * Cancels this context and its subtree with {@code e} unless already done; unlinks it from its
   * parent if {@code removeFromParent}. Returns whether this call cancelled it. Either way, when it
   * returns every descendant is done.
   */
  final boolean cancel(Cancellation e, boolean removeFromParent) {
    Node list = close(e);
    if (list == CLOSING || list == CLOSED) {
      awaitClosed();
      return false; // already cancelled
    }
    Node deferred = hasChildContexts ? walk(list, e) : list; // only callbacks: no walk needed
    if (removeFromParent) {
      unlinkFromParent();
    }
    closed();
    runDeferred(deferred, e);
    return true;
  }

  /**
   * Marks this context done with {@code e} and detaches its list. Returns the list (null if
   * empty, and then this context is already CLOSED), or CLOSING/CLOSED if it was already done.
   */
  private Node close(Cancellation e) {
    Node h = lock();
    if (h == CLOSING || h == CLOSED) {
      return h;
    }
    err = e;
    HEAD.setRelease(this, h != null && hasChildContexts ? CLOSING : CLOSED);
    return h;
  }

  /** Waits until the thread closing this context has closed its whole subtree. */
  private void awaitClosed() {
    for (int spins = 0; head != CLOSED; spins++) {
      spin(spins);
    }
  }

  /**
   * Closes every context under this one (which is CLOSING, with {@code list} detached), then
   * makes this CLOSED. Returns the nodes whose effects are deferred until after the walk, linked
   * through {@code next} in walk order: closed contexts, callbacks, afterFunc actions.
   */
  private Node walk(Node list, Cancellation e) {
    if (list == null) {
      return null; // close() made this CLOSED already
    }
    Node deferred = null;
    Node last = null;
    Node work = list;
    while (work != null) {
      Node n = work;
      work = n.next;
      n.prev = null;
      n.next = null;
      if (n instanceof End) {
        ((End) n).ctx.finishClose();
        continue;
      }
      if (n instanceof CancelCtx) {
        CancelCtx c = (CancelCtx) n;
        Node sub = c.close(e);
        if (sub == CLOSING || sub == CLOSED) {
          c.awaitClosed(); // another thread cancelled it; its effects are that thread's
          continue;
        }
        if (sub != null) {
          Node tail = sub.prev; // the head's prev is the tail
          if (c.head == CLOSING) { // it has child contexts: mark where its subtree ends
            End end = new End(c);
            tail.next = end;
            tail = end;
          }
          tail.next = work;
          work = sub;
        }
      }
      if (last == null) {
        deferred = n;
      } else {
        last.next = n;
      }
      last = n;
    }
    finishClose();
    return deferred;
  }

  private void finishClose() {
    HEAD.setRelease(this, CLOSED);
  }

  /** Runs the deferred effects of a walk, in walk order, clearing the links as it goes. */
  private static void runDeferred(Node n, Cancellation e) {
    while (n != null) {
      Node next = n.next;
      n.next = null;
      n.prev = null;
      n.fire(e);
      n = next;
    }
  }

  /** Deferred effect of being cancelled by an ancestor's walk: complete done(), stop the timer. */
  @Override
  final void fire(Cancellation e) {
    closed();
  }

  /** Runs after this context became done, outside any lock: completes done(). */
  void closed() {
    DoneStage d = doneStage;
    if (d != null) {
      d.signal();
    }
  }

  private void unlinkFromParent() {
    Context source = Tree.source(parent); // O(1): value contexts cache theirs
    if (source instanceof CancelCtx) {
      ((CancelCtx) source).remove(this);
      return;
    }
    Stop stop = foreignStop;
    if (stop != null) {
      try {
        stop.stop();
      } catch (Throwable t) {
        Callbacks.report(t); // a misbehaving foreign parent must not stop the cancellation
      }
    }
  }

  // ---------------------------------------------------------------------------------------
  // The registration list
  // ---------------------------------------------------------------------------------------

  /**
   * Spins until it holds the list lock and returns the head it replaced, or returns CLOSING or
   * CLOSED (without locking) if this context is done.
   */
  private Node lock() {
    for (int spins = 0; ; spins++) {
      Node h = head;
      if (h == CLOSED || h == CLOSING) {
        return h;
      }
      if (h != LOCKED && HEAD.compareAndSet(this, h, LOCKED)) {
        return h;
      }
      spin(spins);
    }
  }

  private static void spin(int spins) {
    if (spins < 100) {
      Thread.onSpinWait();
    } else {
      Thread.yield(); // the other thread was descheduled mid-update or mid-walk
    }
  }

  /** Appends {@code n}; returns false (and does nothing) if this context is already done. */
  final boolean add(Node n) {
    Node h = lock();
    if (h == CLOSED || h == CLOSING) {
      return false;
    }
    if (n instanceof CancelCtx) {
      hasChildContexts = true;
    }
    if (h == null) {
      n.prev = n;
      h = n;
    } else {
      Node tail = h.prev;
      tail.next = n;
      n.prev = tail;
      h.prev = n;
    }
    HEAD.setRelease(this, h);
    return true;
  }

  /**
   * Unlinks {@code n}; returns false if it is not in the list, either because it was removed
   * before or because this context was cancelled and the canceller owns the list.
   */
  final boolean remove(Node n) {
    Node h = lock();
    if (h == CLOSED || h == CLOSING) {
      return false;
    }
    if (n.prev == null) {
      HEAD.setRelease(this, h);
      return false;
    }
    Node prev = n.prev;
    Node next = n.next;
    if (n == h) {
      h = next;
      if (next != null) {
        next.prev = prev;
      }
    } else {
      prev.next = next;
      if (next != null) {
        next.prev = prev;
      } else {
        h.prev = prev;
      }
    }
    n.prev = null;
    n.next = null;
    HEAD.setRelease(this, h);
    return true;
  }

  /** Returns the number of registrations (children, callbacks, actions); for tests. O(n). */
  final int registrations() {
    Node h = lock();
    if (h == CLOSED || h == CLOSING) {
      return 0;
    }
    int count = 0;
    for (Node n = h; n != null; n = n.next) {
      count++;
    }
    HEAD.setRelease(this, h);
    return count;
  }

  @Override
  public String toString() {
    return Tree.describe(this);
  }

  /** Walk marker: the subtree of {@code ctx} is closed once the walk reaches it. */
  static final class End extends Node {
    final CancelCtx ctx;

    End(CancelCtx ctx) {
      this.ctx = ctx;
    }

    @Override
    void fire(Cancellation err) {
      throw new AssertionError("internal error: walk marker deferred");
    }
  }
}
