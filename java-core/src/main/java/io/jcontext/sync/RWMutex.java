package io.jcontext.sync;

import io.jcontext.Context;
import io.jcontext.ContextException;
import java.util.Objects;

/**
 * A reader/writer lock whose waits give up when a {@link Context} is done, with Go's
 * {@code sync.RWMutex} semantics: any number of readers or one writer, and a writer that is
 * waiting keeps new readers out, so writers do not starve.
 *
 * <pre>{@code
 * RWMutex rw = RWMutex.create();
 * rw.rLock(ctx);                  // or rw.lock(ctx) to write
 * try {
 *   return cache.get(key);
 * } finally {
 *   rw.rUnlock();
 * }
 * }</pre>
 *
 * <p><b>Fairness.</b> Waiters (blocked threads and coroutines suspended in the Kotlin bridge's
 * {@code rLockSuspending}/{@code lockSuspending}) form one FIFO queue. A waiting writer blocks every later
 * {@code rLock} and {@code tryRLock} (Go's writer preference), which also means a reader must not
 * take the read lock again while it holds it if a writer may be waiting: it would wait for
 * itself. When the writer unlocks, the readers queued behind it enter together, up to the next
 * queued writer. If a waiting writer's context ends (or it is interrupted), it leaves the queue
 * and the readers queued behind it are let in.
 *
 * <p><b>Cancellation, interrupts, timeouts.</b> As for {@link Mutex}: an already-done context
 * fails at once; a context that ends during the wait makes the call throw {@code ctx.err()}
 * without holding the lock (a grant that races with the end is given back); an interrupt while
 * waiting throws {@link InterruptedException} and leaves the lock as if the call never waited.
 * Waits follow the context tree's {@link Context#clock() clock}.
 *
 * <p><b>Errors and ownership.</b> Not reentrant and not owned (any thread may unlock, as in Go).
 * {@code rUnlock} without a read lock held and {@code unlock} without the write lock held throw
 * {@link IllegalStateException} and change nothing.
 *
 * <p><b>Memory.</b> Thread-safe. An {@code unlock} happens-before every later successful
 * {@code rLock}/{@code lock}; an {@code rUnlock} happens-before the next successful {@code lock}.
 */
public final class RWMutex {
  /** A reader holds 1 permit, a writer all of them: available == WRITER means unlocked. */
  static final long WRITER = PermitQueue.MAX_SIZE;

  private final PermitQueue permits = new PermitQueue(WRITER);

  private RWMutex() {
    permits.owner = this;
  }

  /** Returns a new, unlocked reader/writer lock. */
  public static RWMutex create() {
    return new RWMutex();
  }

  /**
   * Takes a read lock, waiting while a writer holds the lock or is queued, until it is acquired
   * or {@code ctx} is done.
   *
   * @throws ContextException {@code ctx.err()} if {@code ctx} is done first
   * @throws InterruptedException if the thread is interrupted while waiting
   */
  public void rLock(Context ctx) throws InterruptedException {
    permits.acquire(Objects.requireNonNull(ctx, "ctx"), 1);
  }

  /** Takes a read lock if no writer holds the lock or waits for it; never blocks. */
  public boolean tryRLock() {
    return permits.tryAcquire(1);
  }

  /**
   * Releases a read lock; if it was the last one and a writer is queued, the writer gets the lock.
   *
   * @throws IllegalStateException if no read lock is held (nothing changes)
   */
  public void rUnlock() {
    try {
      permits.release(1, 1);
    } catch (IllegalStateException e) {
      throw new IllegalStateException("rUnlock of RWMutex without a read lock held");
    }
  }

  /**
   * Takes the write lock, waiting while readers or a writer hold it or earlier callers wait, until
   * it is acquired or {@code ctx} is done.
   *
   * @throws ContextException {@code ctx.err()} if {@code ctx} is done first
   * @throws InterruptedException if the thread is interrupted while waiting
   */
  public void lock(Context ctx) throws InterruptedException {
    permits.acquire(Objects.requireNonNull(ctx, "ctx"), WRITER);
  }

  /** Takes the write lock if the lock is free and nobody waits; never blocks. */
  public boolean tryLock() {
    return permits.tryAcquire(WRITER);
  }

  /**
   * Releases the write lock, letting in the queued readers up to the next queued writer (or that
   * writer, if it is first).
   *
   * @throws IllegalStateException if the write lock is not held (nothing changes)
   */
  public void unlock() {
    try {
      permits.release(WRITER, 0);
    } catch (IllegalStateException e) {
      throw new IllegalStateException("unlock of RWMutex that is not write-locked");
    }
  }

  /** Returns the number of read locks held (a snapshot; 0 when write-locked or free). */
  public long readers() {
    long available = permits.available();
    return available == 0 ? 0 : WRITER - available;
  }

  /** Returns whether the write lock is held (a snapshot). */
  public boolean isWriteLocked() {
    return permits.available() == 0;
  }

  /** The engine, for {@link LockWaiter}. */
  PermitQueue permits() {
    return permits;
  }

  /** Returns the number of queued waiters (O(n) snapshot; for tests). */
  int waiters() {
    return permits.queueLength();
  }

  /** Returns {@code RWMutex[unlocked]}, {@code RWMutex[write-locked, …]} or {@code RWMutex[n readers, …]}. */
  @Override
  public String toString() {
    long available = permits.available();
    String held = available == WRITER ? "unlocked" : available == 0 ? "write-locked" : (WRITER - available) + " readers";
    return "RWMutex[" + held + ", " + permits.queueLength() + " waiting]";
  }
}
