package io.jcontext.sync;

import io.jcontext.Context;
import io.jcontext.Stop;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The engine of {@link Semaphore}, {@link Mutex}, {@link RWMutex} and the limit of {@link Group}:
 * a weighted count of permits with a strict FIFO queue of context-aware waiters, following
 * {@code golang.org/x/sync/semaphore.Weighted}.
 *
 * <pre>
 * Implementation overview
 *
 * State. One volatile long, {@code state = available << 1 | QUEUED}. QUEUED is set exactly when
 * the waiter queue is non-empty. The fast paths are one CAS on it and allocate nothing:
 *   acquire: QUEUED clear and available >= n  -->  CAS available -= n
 *   release: QUEUED clear                     -->  CAS available += n
 * For size 1 (Mutex) both states are known in advance (free = ONE_FREE, held = 0), so lock and
 * unlock are a single CAS with no read first (no load-to-CAS dependency); a failed CAS sends
 * them to the general code, which reads the word and decides. A done check of the context is
 * skipped for background(), which can never be done.
 * A CAS expects QUEUED clear, so once a thread has queued, no fast path can succeed: there is
 * no barging past a waiter (x/sync's rule; tryAcquire fails while anyone waits). While QUEUED
 * is set only the holder of {@code lock} changes the word, so it may write it plainly.
 *
 * Queue. A doubly linked FIFO of {@link Waiter} nodes guarded by {@code lock} (held only for a
 * few pointer updates, never while parking or running user code). A waiter node moves once:
 *
 *     WAITING --grant (releaser, under lock)-------------> GRANTED    permits are the waiter's
 *        |
 *        +----cancel (ctx onDone callback, or interrupt)--> CANCELLED  the waiter gets nothing
 *
 * The CAS on {@code Waiter.state} decides every race between a grant and a cancellation. A
 * releaser takes the permits off {@code state} before its grant CAS (and puts them back if the
 * CAS loses), because a granted waiter may run, and release, at once (found by Lincheck).
 * A thread that misses the fast path looks once more under the lock, then queues; it does not
 * spin (spinning bought no measurable throughput here and hid interleavings from the model
 * checker). Releases hand permits straight to the head waiter(s) that fit (available never rises while
 * they wait), in order, stopping at the first that does not fit (head-of-line blocking, so a
 * large request is never starved by small ones). Cancelled nodes are unlinked by their own
 * thread in O(1), or skipped and unlinked by a releaser that meets them at the head; after an
 * unlink the queue is re-examined, so a cancelled head wakes the waiters behind it.
 *
 * Context. A waiter registers itself with {@code ctx.onDone} and parks; the callback only CASes
 * the node to CANCELLED and unparks (no lock, no blocking, as onDone callbacks must). The
 * registration is stopped in a finally, so no wait leaves anything registered. Timeouts
 * therefore follow the context tree's clock: a VirtualClock drives them.
 *
 * Outcomes (x/sync v0.7.0+). A done ctx fails the call up front, even with free permits. A
 * waiter woken GRANTED that then finds ctx done gives the permits back (to the next waiters)
 * and fails: a failed call never holds permits. An interrupt that wins the CAS fails the call
 * with InterruptedException; one that loses is re-asserted on the thread.
 *
 * Memory model. Permits pass from releaser to acquirer either through a CAS on state or through
 * the CAS of Waiter.state that the parked waiter then reads: release happens-before acquire.
 * </pre>
 */
final class PermitQueue {
  /** The largest size: {@code available} must fit beside the QUEUED bit. */
  static final long MAX_SIZE = Long.MAX_VALUE >> 1;

  private static final long QUEUED = 1L;
  /** The state of a size-1 queue (a Mutex) that is free with nobody queued: available 1. */
  private static final long ONE_FREE = 1L << 1;
  /** Never done: {@code ctx == BACKGROUND} skips the (possibly megamorphic) isDone() call. */
  private static final Context BACKGROUND = Context.background();
  private static final VarHandle STATE;

  static {
    try {
      STATE = MethodHandles.lookup().findVarHandle(PermitQueue.class, "state", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** Total permits; 0 only for Group's limit 0, where every acquire waits for its ctx. */
  final long size;
  /** available << 1 | QUEUED; 0 <= available <= size; QUEUED iff head != null (outside lock). */
  private volatile long state;
  /** Guards head, tail, the Waiter links and writes of state while QUEUED is set. */
  private final ReentrantLock lock = new ReentrantLock();
  /** First and last queued waiter, or null; guarded by lock. */
  private Waiter head;
  private Waiter tail;

  PermitQueue(long size) {
    this.size = size;
    this.state = size << 1;
  }

  /** Returns the permits not held (a snapshot). */
  long available() {
    return state >> 1;
  }

  /** Returns the number of queued waiters (a snapshot, O(n); for tests and toString). */
  int queueLength() {
    lock.lock();
    try {
      int n = 0;
      for (Waiter w = head; w != null; w = w.next) {
        n++;
      }
      return n;
    } finally {
      lock.unlock();
    }
  }

  /** Takes {@code n} permits (1 <= n) unless someone waits; never blocks. */
  boolean tryAcquire(long n) {
    for (;;) {
      long s = state;
      if ((s & QUEUED) != 0 || (s >> 1) < n) {
        return false;
      }
      if (STATE.compareAndSet(this, s, s - (n << 1))) {
        return true;
      }
    }
  }

  /**
   * Takes the one permit of a size-1 queue (a {@link Mutex}) unless it is taken or someone waits.
   * Free and unqueued is exactly {@code state == ONE_FREE}, so this is one CAS with no read
   * before it, and a failed CAS means "no" (the CAS is the whole decision, as in tryAcquire).
   */
  boolean tryAcquireOne() {
    return STATE.compareAndSet(this, ONE_FREE, 0L);
  }

  /** Takes {@code n} permits (1 <= n), waiting in FIFO order until granted or ctx is done. */
  void acquire(Context ctx, long n) throws InterruptedException {
    throwIfDone(ctx);
    long s = state;
    if ((s & QUEUED) == 0 && (s >> 1) >= n && STATE.compareAndSet(this, s, s - (n << 1))) {
      return;
    }
    acquireSlow(ctx, n);
  }

  /** {@link #acquire} of the one permit of a size-1 queue: one CAS when it is free. */
  void acquireOne(Context ctx) throws InterruptedException {
    throwIfDone(ctx);
    if (!STATE.compareAndSet(this, ONE_FREE, 0L)) {
      acquireSlow(ctx, 1);
    }
  }

  /** Fails an acquisition on a done ctx even with free permits, as x/sync does. */
  private static void throwIfDone(Context ctx) {
    if (ctx != BACKGROUND && ctx.isDone()) {
      throw ctx.err();
    }
  }

  private void acquireSlow(Context ctx, long n) throws InterruptedException {
    if (n > size) {
      ctx.awaitDone(); // can never fit: wait for ctx without queueing (blocks nobody else)
      throw ctx.err();
    }
    if (Thread.interrupted()) {
      throw new InterruptedException();
    }
    Waiter w = new Waiter(n);
    lock.lock();
    try {
      for (;;) {
        long s = state;
        if ((s & QUEUED) == 0) {
          if ((s >> 1) >= n) {
            if (STATE.compareAndSet(this, s, s - (n << 1))) {
              return;
            }
            continue;
          }
          if (!STATE.compareAndSet(this, s, s | QUEUED)) {
            continue;
          }
        }
        enqueue(w);
        break;
      }
    } finally {
      lock.unlock();
    }
    await(ctx, w);
  }

  private void await(Context ctx, Waiter w) throws InterruptedException {
    boolean interruptedFirst = false;
    boolean interruptLost = false;
    Stop reg = null;
    try {
      reg = ctx.onDone(w); // runs w at once if ctx is already done
      while (w.state == Waiter.WAITING) {
        if (Thread.interrupted()) {
          interruptedFirst = w.cancel();
          interruptLost = !interruptedFirst;
          break;
        }
        LockSupport.park(this);
      }
    } catch (Throwable t) { // e.g. a foreign context's onDone threw: leave as if never queued
      abandon(w);
      throw t;
    } finally {
      if (reg != null) {
        reg.stop();
      }
    }
    if (interruptLost) {
      Thread.currentThread().interrupt(); // the grant or the ctx won; keep the interrupt for later
    }
    if (w.state == Waiter.GRANTED && !ctx.isDone()) {
      return;
    }
    abandon(w); // cancelled, or granted as ctx ended: give the permits back and fail (x/sync)
    if (interruptedFirst) {
      throw new InterruptedException();
    }
    throw ctx.err();
  }

  /** Undoes a wait: returns granted permits, or unlinks the (cancelled) node. */
  private void abandon(Waiter w) {
    if (!w.cancel() && w.state == Waiter.GRANTED) {
      release(w.n, 0);
      return;
    }
    lock.lock();
    try {
      if (w.linked) {
        unlink(w);
        grantWaiters(); // the removed node may have blocked the head of the queue
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * {@code release(1, 0)} of a size-1 queue (a {@link Mutex}): held and unqueued is
   * exactly {@code state == 0}, so the common unlock is one CAS with no read before it; anything
   * else (queued waiters, an unlock of an unlocked mutex, a lost race) takes the general path.
   */
  void releaseOne() {
    if (!STATE.compareAndSet(this, 0L, ONE_FREE)) {
      release(1, 0);
    }
  }

  /**
   * Returns {@code n} permits and hands them to the waiters that fit, in order. Throws, changing
   * nothing, if fewer than {@code n} are held or fewer than {@code minAvailable} are available.
   */
  void release(long n, long minAvailable) {
    for (;;) {
      long s = state;
      checkRelease(s >> 1, n, minAvailable);
      if ((s & QUEUED) != 0) {
        releaseSlow(n, minAvailable);
        return;
      }
      if (STATE.compareAndSet(this, s, s + (n << 1))) {
        return;
      }
    }
  }

  private void releaseSlow(long n, long minAvailable) {
    lock.lock();
    try {
      for (;;) {
        long s = state;
        checkRelease(s >> 1, n, minAvailable);
        if (STATE.compareAndSet(this, s, s + (n << 1))) {
          break;
        }
      }
      grantWaiters();
    } finally {
      lock.unlock();
    }
  }

  private void checkRelease(long available, long n, long minAvailable) {
    if (n > size - available || available < minAvailable) {
      throw new IllegalStateException(
          "released " + n + " permit(s) but only " + (size - available) + " of " + size + " are held");
    }
  }

  /** Grants head waiters while they fit; drops cancelled ones; clears QUEUED when empty. */
  private void grantWaiters() {
    Waiter w;
    while ((w = head) != null) {
      long s = state; // QUEUED is set: only we write it
      if (w.state != Waiter.CANCELLED && (s >> 1) < w.n) {
        return; // head-of-line blocking: nobody overtakes a waiter that does not fit yet
      }
      boolean granted = false;
      if ((s >> 1) >= w.n) {
        // Take the permits before the grant CAS: the waiter may run (and release) at once.
        STATE.setVolatile(this, s - (w.n << 1));
        granted = w.grant();
        if (!granted) {
          STATE.setVolatile(this, s); // cancelled meanwhile: undo
        }
      }
      unlink(w); // last: it may clear QUEUED, after which fast paths touch state again
      if (granted) {
        LockSupport.unpark(w.thread);
      }
    }
  }

  private void enqueue(Waiter w) {
    w.linked = true;
    w.prev = tail;
    if (tail == null) {
      head = w;
    } else {
      tail.next = w;
    }
    tail = w;
  }

  private void unlink(Waiter w) {
    Waiter p = w.prev;
    Waiter nx = w.next;
    if (p == null) {
      head = nx;
    } else {
      p.next = nx;
    }
    if (nx == null) {
      tail = p;
    } else {
      nx.prev = p;
    }
    w.prev = null;
    w.next = null;
    w.linked = false;
    if (head == null) {
      STATE.setVolatile(this, state & ~QUEUED);
    }
  }

  /** A queued acquire: its thread, its weight, and its one-way state; also its ctx callback. */
  private static final class Waiter implements Runnable {
    static final int WAITING = 0;
    static final int GRANTED = 1;
    static final int CANCELLED = 2;
    private static final VarHandle W_STATE;

    static {
      try {
        W_STATE = MethodHandles.lookup().findVarHandle(Waiter.class, "state", int.class);
      } catch (ReflectiveOperationException e) {
        throw new ExceptionInInitializerError(e);
      }
    }

    final Thread thread = Thread.currentThread();
    final long n;
    /** WAITING until the first of grant() and cancel() wins; never changes after. */
    volatile int state;
    /** Queue links and membership; guarded by the PermitQueue's lock. */
    Waiter prev;
    Waiter next;
    boolean linked;

    Waiter(long n) {
      this.n = n;
    }

    boolean grant() {
      return W_STATE.compareAndSet(this, WAITING, GRANTED);
    }

    boolean cancel() {
      return W_STATE.compareAndSet(this, WAITING, CANCELLED);
    }

    /** The context is done: cancel unless already granted, and wake the thread. */
    @Override
    public void run() {
      if (cancel()) {
        LockSupport.unpark(thread);
      }
    }
  }
}
