package io.jcontext.sync;

import io.jcontext.Context;
import io.jcontext.ContextException;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * A mutual-exclusion lock whose {@link #lock(Context) lock} gives up when a {@link Context} is
 * done: the lock of seed task 15, usable from platform and virtual threads alike.
 *
 * <pre>{@code
 * Mutex mu = Mutex.create();
 * try (CancellableContext ctx = parent.withTimeout(Duration.ofMillis(50))) {
 *   mu.lock(ctx);                 // throws DeadlineExceededException after 50 ms of waiting
 *   try {
 *     update();
 *   } finally {
 *     mu.unlock();
 *   }
 * }
 * // or: int v = mu.withLock(ctx, () -> read());
 * }</pre>
 *
 * <p><b>Semantics.</b> Like Go's {@code sync.Mutex}, it is <b>not reentrant</b> and <b>not
 * owned</b>: a thread that locks it twice waits for itself (until its context ends), and any
 * thread may unlock it. Unlocking an unlocked mutex throws {@link IllegalStateException} and
 * changes nothing.
 *
 * <p><b>Fairness.</b> A thread that finds the mutex held joins a FIFO queue (after one more
 * look under the queue's lock) and parks. From then on nobody overtakes it: {@link #unlock()} hands the mutex directly to the
 * first queued thread, and neither {@code tryLock} nor a newly arriving {@code lock} can take it
 * while anyone is queued. So no queued thread starves. While nobody is queued, a free mutex goes
 * to whoever takes it first (one CAS, no allocation).
 *
 * <p><b>Cancellation.</b> If the context is already done, {@code lock} throws its
 * {@link Context#err() err()} at once, even if the mutex is free (as Go's x/sync semaphore does).
 * If it ends while the thread waits, the thread leaves the queue and throws {@code ctx.err()}
 * without holding the mutex. If the mutex is handed over at the very moment the context ends,
 * exactly one of the two outcomes happens: either the grant wins and the thread still sees the
 * context live, and {@code lock} returns holding the mutex; or {@code lock} throws and the mutex
 * is passed on to the next waiter. A {@code lock} that throws never holds the mutex. Timeouts
 * follow the context tree's {@link Context#clock() clock}, so a virtual clock drives them.
 *
 * <p><b>Interrupts.</b> A thread interrupted while it waits leaves the queue and throws
 * {@link InterruptedException} (clearing its interrupt status), leaving the mutex exactly as if
 * it had never waited. An interrupt that arrives as the mutex is granted or the context ends
 * loses to them and stays set on the thread. {@code lock} does not look at the interrupt status
 * when it does not have to wait.
 *
 * <p><b>Memory.</b> Thread-safe. An {@code unlock} happens-before the next successful
 * {@code lock} or {@code tryLock}; a failed {@code tryLock} or {@code lock} has no memory effects.
 */
public final class Mutex {
  /** One permit: available (1) means unlocked. The whole state lives in the engine. */
  private final PermitQueue permits = new PermitQueue(1);

  private Mutex() {}

  /** Returns a new, unlocked mutex. */
  public static Mutex create() {
    return new Mutex();
  }

  /**
   * Locks the mutex, waiting in FIFO order while it is held, until it is acquired or {@code ctx}
   * is done.
   *
   * @throws ContextException {@code ctx.err()} if {@code ctx} is done before the lock is held; the
   *     mutex is then not held by this call
   * @throws InterruptedException if the thread is interrupted while waiting
   * @throws NullPointerException if {@code ctx} is null
   */
  public void lock(Context ctx) throws InterruptedException {
    permits.acquireOne(Objects.requireNonNull(ctx, "ctx"));
  }

  /**
   * Locks the mutex if it is free and nobody is queued for it; never blocks.
   *
   * @return whether the mutex is now held by the caller
   */
  public boolean tryLock() {
    return permits.tryAcquireOne();
  }

  /**
   * Unlocks the mutex, handing it to the first queued thread if there is one. Any thread may
   * call it.
   *
   * @throws IllegalStateException if the mutex is not locked (nothing changes)
   */
  public void unlock() {
    try {
      permits.releaseOne();
    } catch (IllegalStateException e) {
      throw new IllegalStateException("unlock of unlocked mutex");
    }
  }

  /**
   * Runs {@code action} holding the mutex and returns its result; the mutex is unlocked however
   * the action ends. If the lock cannot be acquired the action does not run.
   *
   * @throws ContextException {@code ctx.err()} if {@code ctx} is done before the lock is held
   * @throws InterruptedException if the thread is interrupted while waiting for the lock
   */
  public <T> T withLock(Context ctx, Supplier<T> action) throws InterruptedException {
    Objects.requireNonNull(action, "action");
    lock(ctx);
    try {
      return action.get();
    } finally {
      unlock();
    }
  }

  /** Returns whether the mutex is held (a snapshot, for monitoring and tests). */
  public boolean isLocked() {
    return permits.available() == 0;
  }

  /** Returns the number of queued waiters (O(n) snapshot; for tests). */
  int waiters() {
    return permits.queueLength();
  }

  /** Returns {@code Mutex[unlocked]} or {@code Mutex[locked, n waiting]}. */
  @Override
  public String toString() {
    return isLocked() ? "Mutex[locked, " + permits.queueLength() + " waiting]" : "Mutex[unlocked]";
  }
}
