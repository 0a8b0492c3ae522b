package io.jcontext.sync;

import io.jcontext.internal.Flight;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import org.jspecify.annotations.Nullable;

/**
 * A place in the line of a {@link Mutex}, {@link RWMutex} or {@link Semaphore}, for waiters that
 * are not threads: the hook through which the Kotlin bridge's suspending forms ({@code lock(ctx)},
 * {@code acquire(ctx, n)}, …) join the <em>same</em> FIFO line as blocked threads. Application
 * code does not need it: it uses the blocking methods of the locks or the bridge's suspending
 * functions, which implement the context and cancellation rules on top of it.
 *
 * <p><b>Protocol.</b> A subclass object is used for one acquisition:
 *
 * <ol>
 *   <li>Call one of {@link #lock(Mutex)}, {@link #acquire(Semaphore, long)},
 *       {@link #rLock(RWMutex)}, {@link #lock(RWMutex)} once. {@code true}: the caller holds the
 *       lock or permits now and the waiter is done. {@code false}: the waiter is in line and
 *       {@link #wake()} will be called once, when the lock or permits are granted to it, possibly
 *       before the call returns, on another thread. The wake-up always carries the grant, also
 *       for a {@link Mutex} in normal mode (where a parked thread is instead woken to compete
 *       with newcomers): a coroutine may be cancelled after it was resumed and before it runs
 *       again, and then only its cancellation hook runs, so its resumption must already decide
 *       the outcome.
 *   <li>To give up (context done, coroutine cancelled), call {@link #cancel()} at any time, from
 *       any thread: {@code true} means the waiter has left the line holding nothing (idempotent);
 *       {@code false} means the lock or permits were granted first and the caller holds them.
 * </ol>
 *
 * <p><b>Where code runs.</b> {@link #wake()} runs on the thread that made the grant (an
 * {@code unlock}, {@code release} or a {@code cancel} of another waiter), after the lock's
 * internal state is consistent and outside its internal lock. It must be short and must not
 * throw or block: resume a continuation, complete a future on an executor, unpark a thread.
 *
 * <p><b>Why an abstract class.</b> The waiter is the queue node itself, so a suspended acquisition
 * costs one object (about 48 bytes with the subclass's continuation field) and the uncontended
 * path allocates nothing; an interface would need a second node object per waiter.
 *
 * <p><b>Memory.</b> A grant happens-before the {@code wake()} (and the {@code cancel()} returning
 * false) that observes it; the releasing call happens-before the grant.
 */
public abstract class LockWaiter {
  static final int WAITING = 0;
  /** Mutex normal mode: told to look again (it stays first in line); see PermitQueue. */
  static final int WOKEN = 1;
  static final int GRANTED = 2;
  static final int CANCELLED = 3;

  private static final VarHandle W_STATE;

  static {
    try {
      W_STATE = MethodHandles.lookup().findVarHandle(LockWaiter.class, "state", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** WAITING/WOKEN until GRANTED or CANCELLED, which never change. CASed by the engine. */
  volatile int state;
  /** The permits wanted; set once by begin. */
  long n;
  /**
   * Mutex only, the starvation clock: System.nanoTime() when a parked thread joined the line. A
   * waiter woken only with a grant is handed the mutex by each unlock, so it is timed only if it
   * joined in starvation mode or once it first loses a race to a newcomer; 0 while untimed.
   */
  long since;
  /**
   * Set only by the engine's parked-thread waiter: a Mutex in normal mode wakes it to retry (Go's
   * model). Every other waiter is woken only with a grant. Written before the node is shared.
   */
  boolean retries;
  /** Line links (guarded by the engine's lock); after a grant, {@code next} chains wake-ups. */
  LockWaiter prev;
  LockWaiter next;
  /** The engine whose line it joined; set once by begin (volatile: a cancel() racing with begin reads it). */
  volatile PermitQueue queue;

  /** For subclasses. */
  protected LockWaiter() {}

  /**
   * Called once, after the lock or permits were granted to this waiter while it was in line
   * ({@link #isGranted()} is then true). See the class documentation for where it runs.
   */
  protected abstract void wake();

  /** Starts locking {@code mutex}; true if held now, false if in line. */
  public final boolean lock(Mutex mutex) {
    return begin(mutex.permits(), 1);
  }

  /**
   * Starts acquiring {@code n} permits of {@code semaphore}; true if held now, false if in line.
   *
   * @throws IllegalArgumentException if {@code n < 1} or {@code n > semaphore.size()} (such a
   *     request can never be granted; wait for the context instead)
   */
  public final boolean acquire(Semaphore semaphore, long n) {
    if (n < 1 || n > semaphore.size()) {
      throw new IllegalArgumentException("weight must be in [1, " + semaphore.size() + "]: " + n);
    }
    return begin(semaphore.permits(), n);
  }

  /** Starts taking a read lock of {@code rw}; true if held now, false if in line. */
  public final boolean rLock(RWMutex rw) {
    return begin(rw.permits(), 1);
  }

  /** Starts taking the write lock of {@code rw}; true if held now, false if in line. */
  public final boolean lock(RWMutex rw) {
    return begin(rw.permits(), RWMutex.WRITER);
  }

  /**
   * Gives up: true if the waiter holds nothing (now or already cancelled), false if the lock or
   * permits were granted first (in line, or taken at once by the starting call), so the caller
   * holds them and must release them (e.g. with {@link #giveBack()}). May be called before the
   * acquisition starts (from any thread, e.g. a cancellation handler): the starting call then
   * takes nothing and returns false without joining the line.
   */
  public final boolean cancel() {
    if (!casCancel()) {
      return state != GRANTED;
    }
    PermitQueue q = queue;
    if (q != null) {
      q.unlinkCancelled(this);
    }
    return true;
  }

  /** Whether the lock or permits were granted to this waiter while it was in line. */
  public final boolean isGranted() {
    return state == GRANTED;
  }

  /**
   * Returns what this waiter holds (granted, or taken at once by the starting call) to the lock:
   * for a waiter that must not keep it, e.g. a coroutine cancelled as the grant reached it. Passes
   * it on to the line like the lock's own release.
   *
   * @throws IllegalStateException if the acquisition was never started
   */
  public final void giveBack() {
    started().release(n, 0);
  }

  /**
   * For a subclass that suspends: starts timing a wait for the JDK Flight Recorder event
   * {@code io.jcontext.LockWait} (threads waiting in the library's own blocking calls are timed
   * by the library). Call it on the slow path, before the starting call; pass what it returns to
   * {@link #waitEnded} when the acquisition ends, however it ends. Returns null, at the cost of a
   * field read, when no recording keeps the event; never throws.
   *
   * @return an opaque token, or null
   */
  protected final @Nullable Object waitStarted() {
    return Flight.AVAILABLE ? LockWaitEvent.start() : null;
  }

  /**
   * Ends the wait that {@link #waitStarted} began and records it, naming the lock of the started
   * acquisition. Does nothing for a null token or an acquisition that was never started.
   *
   * @param token what waitStarted returned
   * @param outcome {@code acquired}, {@code contextDone} (the context ended the wait),
   *     {@code cancelled} (the waiter's own cancellation, e.g. its coroutine's Job) or {@code failed}
   */
  protected final void waitEnded(@Nullable Object token, String outcome) {
    PermitQueue q = queue;
    if (token != null && q != null) {
      q.recordWait(token, n, outcome);
    }
  }

  private boolean begin(PermitQueue q, long weight) {
    if (queue != null) {
      throw new IllegalStateException("a LockWaiter serves one acquisition");
    }
    n = weight;
    queue = q;
    return q.acquireOrEnqueue(this);
  }

  private PermitQueue started() {
    PermitQueue q = queue;
    if (q == null) {
      throw new IllegalStateException("acquisition not started");
    }
    return q;
  }

  final boolean casState(int expect, int update) {
    return W_STATE.compareAndSet(this, expect, update);
  }

  /** WAITING or WOKEN to GRANTED; false if cancelled (or already granted). */
  final boolean grant() {
    for (;;) {
      int s = state;
      if (s >= GRANTED) {
        return false;
      }
      if (casState(s, GRANTED)) {
        return true;
      }
    }
  }

  /** WAITING or WOKEN to CANCELLED; true only for the call that made the change. */
  final boolean casCancel() {
    for (;;) {
      int s = state;
      if (s >= GRANTED) {
        return false;
      }
      if (casState(s, CANCELLED)) {
        return true;
      }
    }
  }
}
