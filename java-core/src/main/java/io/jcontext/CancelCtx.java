package io.jcontext;

import io.jcontext.internal.Flight;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/**
 * The context returned by {@link Context#withCancel()} (Go's {@code cancelCtx}), and the base of
 * {@link TimerCtx}.
 *
 * <pre>
 * Implementation overview
 *
 * State. {@code err} is null while live and the shared {@link Cancellation} once done. It carries
 * the cause and makes the ContextException on first demand, so err and cause are published by
 * one write and always read as a consistent pair (Go's TestCauseRace), and a cancellation nobody
 * inspects allocates no exception.
 *
 * Following the parent: detached until needed. A context under a cancellable parent starts
 * DETACHED: {@code link} points at the parent, and the parent holds no reference to it. Its
 * isDone() reads its own err and, while that is null, walks up the detached links reading each
 * ancestor's err until it meets an attached one (whose err is authoritative): at most
 * MAX_POLL_HOPS + 1 contexts, because deriving under a longer detached chain attaches the parent
 * first. The first call that sees an ancestor done adopts that
 * ancestor's Cancellation (the same err and cause, as Go's propagation gives), so later calls are
 * one read. Deriving and cancelling a detached child therefore never touches the parent: threads
 * that derive request contexts from one long-lived server context share nothing.
 *
 * A context ATTACHES (registers in its parent's list, {@code link} = null) the first time it
 * needs to be told rather than to ask: when a child, an onDone callback, an afterFunc action or a
 * done() stage is added to it. Attaching a context attaches its detached ancestors first, top
 * down and iteratively, so an attached context's whole ancestry is attached and a parent's
 * cancellation walk reaches every registration below it. A context never detaches again.
 * The trade-off is grpc-java's: a deadline child that is never cancelled keeps its timer until
 * the deadline even if its parent ends earlier (it then fires into a done context and is
 * dropped). Whoever creates a context cancels it (README, rules of use).
 *
 Deciding. One CAS of err from null decides which cancellation wins; it is the only atomic
 * step of cancelling a context that has nothing registered.
 *
 * Registrations. Children, onDone callbacks and afterFunc actions are {@link Node}s in an
 * intrusive doubly linked list rooted at {@code head}. {@code head} doubles as a tiny spin lock
 * and as the closing state:
 *
 *     null / first node --lock()--> LOCKED --unlock(newHead)--> null / first node
 *
 *     once err is set, by its winner: null stays null (closed, nothing registered), or
 *     first node --lockToClose()--> LOCKED --> CLOSED (no child contexts)
 *                                          --> CLOSING --walk--> CLOSED (child contexts)
 *
 * lock() checks err after its CAS and backs off if it is set; close() reads head after its err
 * CAS. Both are full fences, so either the closer sees the list (and takes it) or the locker sees
 * err (and changes nothing): after err is set the list only ever belongs to the closer. A
 * concurrent add() then runs its registration at once, a concurrent remove() leaves the node to
 * the closer, so each node is either removed by its owner (stop() true) or notified by the
 * closer (stop() false), never both. A done context is closed when head is null or CLOSED.
 *
 * Only pointer updates happen while LOCKED (no user code, no allocation), so spinning is short
 * and a virtual thread never parks holding it. The one nesting is attaching: a context holds its
 * own lock while it locks its parent's to join the list; a walk never holds a lock while it takes
 * another, and a context being attached is not yet reachable by any walk, so no cycle exists.
 *
 * Cancellation runs in two phases. The walk closes the whole subtree: iteratively (a chain of
 * any depth cannot overflow the stack), depth-first in registration order, splicing each closed
 * child's list in front of the rest, followed (if that child has child contexts of its own) by an
 * {@link End} marker that moves it from CLOSING to CLOSED once its subtree is done. The walk runs
 * no user code and takes one list lock at a time; it sets every descendant's err. Then the
 * cancelled context leaves its parent's list, and the deferred effects run: first the library's
 * own parked waiters are woken ({@link Wakeup}: no user code, so no user callback can delay a
 * blocked awaitDone or lock wait), then, in walk order, timers stopped, done() dependents run,
 * onDone callbacks run, afterFunc actions handed to executors.
 *
 * done() versus err(). A done() stage reports completion exactly when err() is non-null (see
 * {@link DoneStage}): only the dependents registered before the cancellation wait for the
 * deferred phase. So "err() non-null" and "done() complete" are one fact, read from one field.
 *
 * A cancel() that loses the race waits, spinning, until the winner has closed the list, so that when any cancel() returns, every descendant is done (err set,
 * done() complete, parked waiters woken), as in Go where the loser blocks on the mutex. Readers
 * (isDone, err, cause, done(), and a descendant polling up) wait the same way when they find
 * err set but the walk under way, so that a context seen done implies every descendant done for
 * any later reader, which Go gets from Err() taking the mutex the canceller holds. A walk
 * that meets a child another thread is closing waits the same way. These waits cannot deadlock:
 * a walk runs no user code, and it only ever waits for the walk of a subtree below a node it
 * owns, which never waits for anything above; the walk closes its children without polling
 * their ancestors (which it may itself be closing). A loser never waits for the winner's
 * deferred phase, which runs user code.
 *
 * Hygiene. A detached child is unknown to its parent. An attached child cancelled on its own
 * removes itself from the parent's list in O(1); a parent cancelling drops its whole list (head =
 * CLOSED) and clears every node's links. Either way the parent keeps no reference to the child.
 *
 * Memory model. The lock is taken with a CAS and released with a release store (no fence on
 * x86), which orders the node links for the next holder. err is set by a CAS before head
 * becomes CLOSING/CLOSED and before onDone callbacks run, so whoever observes it, runs as a
 * callback, or reads a non-null err, sees the cancelling thread's earlier writes. done() CASes
 * doneStage and then reads err, while the closer CASes err and then reads doneStage (closed()):
 * one of them sees the other, so a pending stage is always signalled. An attaching context
 * clears {@code link} only after it is in the parent's list, and one that finds the parent done
 * sets err while {@code link} still points up; a poller reads {@code link} before {@code err}, so
 * reading link == null guarantees that any later cancellation of the ancestry reaches err.
 * </pre>
 */
class CancelCtx extends Node implements CancellableContext {
  static final Node LOCKED = new Node.Marker("LOCKED");
  static final Node CLOSING = new Node.Marker("CLOSING");
  static final Node CLOSED = new Node.Marker("CLOSED");
  /** What close() returns to a caller whose cancellation lost: the context was already done. */
  private static final Node LOST = new Node.Marker("LOST");

  private static final VarHandle HEAD;
  private static final VarHandle DONE;
  private static final VarHandle LINK;
  private static final VarHandle ERR;

  static {
    try {
      MethodHandles.Lookup l = MethodHandles.lookup();
      HEAD = l.findVarHandle(CancelCtx.class, "head", Node.class);
      DONE = l.findVarHandle(CancelCtx.class, "doneStage", DoneStage.class);
      LINK = l.findVarHandle(CancelCtx.class, "link", Object.class);
      ERR = l.findVarHandle(CancelCtx.class, "err", Cancellation.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /**
   * The most detached links a new child may have to poll through: deriving under a longer chain
   * of detached contexts attaches the parent first (see polledForChild).
   */
  static final int MAX_POLL_HOPS = 4;

  final Context parent;
  final Clock clock;
  /** Effective deadline in clock nanos (this context's or the nearest ancestor's), or Nanos.NONE. */
  final long deadline;
  /** Null while live; set once, by the CAS that decides which cancellation wins (close()). */
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
   * context's subtree, so close() goes straight to CLOSED.
   */
  private boolean hasChildContexts;
  /**
   * Whether a {@link Wakeup} was ever added to the list; guarded by the list lock, never cleared.
   * A list with neither child contexts nor wake-ups is run in one pass, in registration order.
   */
  private boolean hasWakeups;
  /**
   * How this context follows its parent. A {@code CancelCtx}: detached, the parent's source, to
   * poll (written once at creation; cleared by the attaching thread while holding this context's
   * lock, never set again). A {@link Stop}: the onDone registration on a foreign parent (written
   * once at creation). Null: attached to the parent's list, or the parent can never be done.
   * Stable once this context is done.
   */
  private volatile Object link;
  CancelCtx(Context parent, Clock clock, long deadline) {
    this.parent = parent;
    this.clock = clock;
    this.deadline = deadline;
  }

  static CancellableContext withCancel(Context parent) {
    Objects.requireNonNull(parent, "parent");
    CancelCtx c = new CancelCtx(parent, Tree.clockOf(parent), Tree.deadlineOf(parent));
    c.propagate();
    return c.exposed();
  }

  /**
   * What a public factory returns for this new, propagated context: itself, or while lost-cancel
   * detection is on a watched handle on it. The one gate of the diagnostics and of the flight
   * recorder's creation time ({@link Origin#off}): while they are off, a constant in compiled
   * code and nothing stored (an Origin is kept beside its context, in Diagnostics' weak map, not in a
   * field, so a context costs no byte more).
   */
  final CancellableContext exposed() {
    return Origin.off() ? this : Diagnostics.created(this, true);
  }

  /** When and where this context was created, or null if no diagnostic was on then. */
  final Origin origin() {
    return Diagnostics.originOf(this);
  }

  /**
   * Makes this context follow its parent (Go's propagateCancel): detached under a cancellable
   * parent (it polls, so under a parent that is already done it is done from the start, with the
   * parent's err), through a foreign parent's onDone, or not at all if the parent can never be
   * done.
   */
  final void propagate() {
    Context source = Tree.source(parent);
    if (source instanceof CancelCtx) {
      CancelCtx p = (CancelCtx) source;
      if (p.link instanceof CancelCtx) {
        p.boundPollChain();
      }
      LINK.set(this, p); // plain write: this context is not published yet. If p is done, this
                         // context is done from now on: its first read of its state says so.
    } else if (!(source instanceof NeverDoneCtx)) {
      joinForeign(source);
    }
  }

  /**
   * Called on a detached context that is getting a child: if it ends a chain of more than
   * {@link #MAX_POLL_HOPS} detached contexts, attaches it, so that no context ever polls further
   * than that: isDone() and deriving stay O(1) however deep the tree, and the cost of attaching
   * is spread over the derivations that made the chain.
   */
  private void boundPollChain() {
    Object x = link;
    for (int hops = 1; x instanceof CancelCtx; hops++) {
      if (hops > MAX_POLL_HOPS) {
        attach();
        return;
      }
      x = ((CancelCtx) x).link;
    }
  }

  private void joinForeign(Context foreign) {
    if (foreign.isDone()) {
      cancel(new Cancellation(Tree.foreignErr(foreign)), false);
      return;
    }
    Stop stop = foreign.onDone(() -> cancel(new Cancellation(Tree.foreignErr(foreign)), false));
    link = Objects.requireNonNull(stop, () -> "onDone of " + foreign.getClass().getName() + " returned null");
  }

  // ---------------------------------------------------------------------------------------
  // Context
  // ---------------------------------------------------------------------------------------

  @Override
  public final boolean isDone() {
    if (err != null) {
      awaitClosed(); // one read of head unless a walk below this context is under way
      return true;
    }
    return link instanceof CancelCtx && cancellation() != null;
  }

  @Override
  public final @Nullable ContextException err() {
    Cancellation c = cancellation();
    return c == null ? null : c.exception();
  }

  @Override
  public final @Nullable Throwable cause() {
    Cancellation c = cancellation();
    return c == null ? null : c.cause();
  }

  /**
   * Returns this context's Cancellation, or null while it is live. A detached context whose
   * ancestor is done adopts the ancestor's Cancellation here, once.
   */
  final Cancellation cancellation() {
    Cancellation c = err;
    if (c != null) {
      awaitClosed();
    } else {
      Object l = link;
      if (l instanceof CancelCtx && (c = polled((CancelCtx) l)) != null) {
        cancel(c, false); // detached: nothing to unlink
        c = err; // c, or the Cancellation of a cancel() that won the race
      }
    }
    return c;
  }

  /**
   * Returns the err of the nearest done context from {@code up} through the detached links, or
   * null. Reads each context's link before its err (see the memory model above). Writes nothing.
   */
  private static Cancellation polled(CancelCtx up) {
    CancelCtx x = up;
    while (true) {
      Object next = x.link;
      Cancellation e = x.err;
      if (e != null) {
        x.awaitClosed();
        return e;
      }
      if (!(next instanceof CancelCtx)) {
        return null;
      }
      x = (CancelCtx) next;
    }
  }

  @Override
  public final @Nullable Instant deadline() {
    return deadline == Nanos.NONE ? null : Nanos.toInstant(deadline);
  }

  @Override
  public final @Nullable Duration remaining() { // the default's arithmetic, without an Instant
    long d = deadline;
    return d == Nanos.NONE ? null : Duration.ofNanos(Nanos.saturatedSubtract(d, clock.nanoTime()));
  }

  @Override
  public final Clock clock() {
    return clock;
  }

  @Override
  public final <T> @Nullable T value(Key<T> key) {
    return Tree.lookup(parent, key);
  }

  @Override
  public final CompletionStage<@Nullable Void> done() {
    DoneStage d = doneStage;
    if (d != null) {
      return d;
    }
    if (isDone()) {
      DONE.compareAndSet(this, null, DoneStage.COMPLETED);
      return doneStage;
    }
    attach(); // closed() must run when an ancestor is cancelled: it runs the stage's dependents
    d = new DoneStage(this);
    if (!DONE.compareAndSet(this, null, d)) {
      return doneStage;
    }
    if (err != null) {
      d.signal(); // closed() may have looked at doneStage before our CAS
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
  public final boolean cancel(@Nullable Throwable cause) {
    if (err != null) {
      awaitClosed(); // a racing winner may still be closing the subtree
      return false;
    }
    return cancel(new Cancellation(false, cause), true);
  }

  /**
   * Cancels this context and its subtree with {@code e} unless already done (a detached context
   * whose ancestor is done takes the ancestor's err instead); unlinks it from its parent if
   * {@code removeFromParent}. Returns whether this call cancelled it with {@code e}. Either way,
   * when it returns every descendant is done.
   */
  final boolean cancel(Cancellation e, boolean removeFromParent) {
    Node list = close(e, true);
    if (list == LOST) {
      awaitClosed();
      return false; // already cancelled
    }
    Cancellation won = err;
    if (list == null) { // nothing was registered, and nothing can be now
      if (removeFromParent) {
        unlinkFromParent();
      }
      closed();
      if (Flight.AVAILABLE && won == e) {
        record(e, null, removeFromParent);
      }
      return won == e;
    }
    Node deferred = hasChildContexts || hasWakeups ? walk(list, won) : list; // else: callbacks only
    if (removeFromParent) {
      unlinkFromParent();
    }
    deferred = runWakeups(deferred, won); // before any user code, and after the unlink
    closed();
    if (Flight.AVAILABLE && won == e) {
      record(e, deferred, removeFromParent);
    }
    runDeferred(deferred, won);
    return won == e;
  }

  /**
   * Emits the flight recorder event of a cancellation that starts here: an explicit cancel or a
   * deadline ({@code removeFromParent}), or a foreign parent's done (not linked to a
   * CancelCtx). A detached context adopting an ancestor's cancellation is not a start: the
   * ancestor had its event.
   */
  private void record(Cancellation e, @Nullable Node deferred, boolean removeFromParent) {
    if ((removeFromParent || !(link instanceof CancelCtx)) && ContextCancelledEvent.enabled()) {
      int closed = 0;
      for (Node n = deferred; n != null; n = n.next) {
        if (n instanceof CancelCtx) {
          closed++;
        }
      }
      Origin o = Diagnostics.originOf(this); // stamped at creation while diagnostics or this event were on
      ContextCancelledEvent.emit(Tree.describe(this), Tree.depth(this), closed,
          o == null ? Long.MIN_VALUE : Math.max(0L, clock.nanoTime() - o.created), e.timeout, e.cause(),
          !removeFromParent ? "parent" : e.timeout ? "deadline" : "cancel");
    }
  }

  /**
   * Marks this context done and detaches its list. The err is {@code e}, or, if {@code poll} and
   * this context is detached, the err of an ancestor that is already done. Returns the list (null
   * if empty), or LOST if this context was already done. A walk closes with {@code poll} false:
   * the contexts in a list are attached (or their attacher is about to clear the link), and the
   * ancestor a poll would wait for may be the one this very walk is closing.
   *
   * <p>One CAS on err decides, and an empty list costs nothing more: a thread that locks the list
   * checks err after its lock CAS (see lock()), and this thread reads head after its err CAS, so
   * either it sees the list (and takes it) or the other thread sees err (and adds nothing).
   */
  private Node close(Cancellation e, boolean poll) {
    Object l = link;
    if (poll && l instanceof CancelCtx) {
      Cancellation inherited = polled((CancelCtx) l);
      if (inherited != null) {
        e = inherited;
      }
    }
    if (!ERR.compareAndSet(this, null, e)) {
      return LOST;
    }
    if (head == null) {
      return null; // stays null: a done context with nothing registered is closed
    }
    Node h = lockToClose();
    HEAD.setRelease(this, h != null && hasChildContexts ? CLOSING : CLOSED);
    return h;
  }

  /**
   * Waits until the thread closing this context has closed its whole subtree. Every read of a
   * done context's state passes here, so that once any reader sees a context done, every
   * descendant is done for every later reader (in Go, Err() waits on the mutex that the
   * cancelling goroutine holds while it cancels the children). One read of head when CLOSED.
   */
  private void awaitClosed() {
    for (int spins = 0; ; spins++) {
      Node h = head; // once err is set: null or CLOSED when closed; a list, LOCKED or CLOSING while being closed
      if (h == null || h == CLOSED) {
        return;
      }
      spin(spins);
    }
  }

  /**
   * Closes every context under this one (which is done, with {@code list} detached), then makes
   * this CLOSED. Returns the nodes whose effects are deferred until after the walk, linked through
   * {@code next}: first the library's parked waiters ({@link Wakeup}s), then, in walk order, closed
   * contexts, callbacks and afterFunc actions.
   */
  private Node walk(Node list, Cancellation e) {
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
      if (n.wakesOnly()) { // to the front: woken before any user code runs
        n.next = deferred;
        deferred = n;
        if (last == null) {
          last = n;
        }
        continue;
      }
      if (n instanceof CancelCtx) {
        CancelCtx c = (CancelCtx) n;
        Node sub = c.close(e, false);
        if (sub == LOST) {
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

  /** Wakes the parked waiters at the front of {@code n}; returns the rest. */
  private static Node runWakeups(Node n, Cancellation e) {
    while (n != null && n.wakesOnly()) {
      Node next = n.next;
      n.next = null;
      n.fire(e);
      n = next;
    }
    return n;
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

  /** Deferred effect of being cancelled by an ancestor's walk: stop the timer, run done() dependents. */
  @Override
  final void fire(Cancellation e) {
    closed();
  }

  /** Runs after this context became done, outside any lock: runs done() dependents. */
  void closed() {
    DoneStage d = doneStage;
    if (d != null) {
      d.signal();
    }
  }

  /** Leaves the parent once this context is done: only an attached child is in a list. */
  private void unlinkFromParent() {
    Object l = link; // stable now that this context is done
    if (l instanceof CancelCtx) {
      return; // detached: tested first, as a class test (a missed interface test scans a list)
    }
    if (l == null) {
      Context source = Tree.source(parent); // O(1): value contexts cache theirs
      if (source instanceof CancelCtx) {
        ((CancelCtx) source).remove(this);
      }
    } else if (l instanceof Stop) {
      try {
        ((Stop) l).stop();
      } catch (Throwable t) {
        Callbacks.report(t); // a misbehaving foreign parent must not stop the cancellation
      }
    }
  }

  // ---------------------------------------------------------------------------------------
  // Attaching to the parent
  // ---------------------------------------------------------------------------------------

  /**
   * Makes sure a cancellation of any ancestor reaches this context: registers it, and first its
   * detached ancestors top-down, in their parents' lists. When it returns, this context is
   * attached or done. O(1) when already attached.
   */
  private void attach() {
    Object l = link;
    if (!(l instanceof CancelCtx) || err != null) {
      return;
    }
    CancelCtx up = (CancelCtx) l;
    if (up.link instanceof CancelCtx && up.err == null) {
      // The parent is detached too: attach the chain from the top, without recursion.
      ArrayList<CancelCtx> chain = new ArrayList<>();
      for (Object x = up; x instanceof CancelCtx; x = ((CancelCtx) x).link) {
        chain.add((CancelCtx) x);
      }
      for (int i = chain.size() - 1; i >= 0; i--) {
        chain.get(i).attachToParent();
      }
    }
    attachToParent();
  }

  /**
   * Registers this context in its parent's list if it is detached; the parent must be attached or
   * done. If the parent is done, this context is closed with the parent's err instead. Holding
   * this context's lock makes the attach exclusive, and orders it with close().
   */
  private void attachToParent() {
    Node h = lock();
    if (h == CLOSED) {
      return;
    }
    Object l = link;
    if (!(l instanceof CancelCtx)) {
      HEAD.setRelease(this, h); // attached by another thread meanwhile
      return;
    }
    CancelCtx p = (CancelCtx) l;
    if (p.add(this)) {
      link = null; // only now: pollers read link == null as "err is authoritative"
      HEAD.setRelease(this, h);
      return;
    }
    // The parent is done, so its err is set (add() fails only then). A detached context has an
    // empty list (h == null): nothing to walk, nothing to remove from the parent.
    p.awaitClosed(); // its walk never reaches this context, which is in no list
    boolean won = ERR.compareAndSet(this, null, p.err); // a cancel() may have won meanwhile
    HEAD.setRelease(this, h);
    if (won) {
      closed();
    }
  }

  // ---------------------------------------------------------------------------------------
  // The registration list
  // ---------------------------------------------------------------------------------------

  /**
   * Spins until it holds the list lock and returns the head it replaced, or returns CLOSED
   * (without the lock) if this context is done: the thread that made it done owns the list.
   * The check of err comes after the lock CAS, which pairs with close() (err CAS, then head read).
   */
  private Node lock() {
    for (int spins = 0; ; spins++) {
      Node h = head;
      if (h == CLOSED || h == CLOSING) {
        return CLOSED;
      }
      if (h != LOCKED && HEAD.compareAndSet(this, h, LOCKED)) {
        if (err != null) {
          HEAD.setRelease(this, h); // leave the list to the closer
          return CLOSED;
        }
        return h;
      }
      spin(spins);
    }
  }

  /** Takes the list lock for the thread that won the err CAS; returns the list. */
  private Node lockToClose() {
    for (int spins = 0; ; spins++) {
      Node h = head;
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

  /**
   * Appends {@code n}, attaching this context to its parent first if needed; returns false (and
   * does nothing) if this context is already done.
   */
  final boolean add(Node n) {
    attach();
    Node h = lock();
    if (h == CLOSED) {
      return false;
    }
    if (n instanceof CancelCtx) {
      hasChildContexts = true;
    } else if (n.wakesOnly()) {
      hasWakeups = true;
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
    if (h == CLOSED) {
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
    if (h == CLOSED) {
      return 0;
    }
    int count = 0;
    for (Node n = h; n != null; n = n.next) {
      count++;
    }
    HEAD.setRelease(this, h);
    return count;
  }

  /** Whether this context is registered in its parent's list; for tests. */
  final boolean attached() {
    return link == null && Tree.source(parent) instanceof CancelCtx;
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
