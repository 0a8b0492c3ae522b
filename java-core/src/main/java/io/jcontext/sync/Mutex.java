package io.jcontext.sync;

import io.jcontext.Context;
import io.jcontext.ContextException;
import java.util.Objects;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * A mutual-exclusion lock whose {@link #lock(Context) lock} gives up when a {@link Context} is
 * done, usable from platform and virtual threads alike.
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
 * <p><b>Fairness (Go's {@code sync.Mutex} model).</b> Waiters — threads blocked in
 * {@code lock}, and coroutines suspended in the Kotlin bridge's {@code lock(ctx)} — stand in one
 * FIFO line. The mutex has two modes:
 *
 * <ul>
 *   <li><b>Normal</b>: {@link #unlock()} frees the mutex and wakes the first waiter, which then
 *       tries to take it; a thread arriving meanwhile (or {@code tryLock}) may take it first
 *       ("barging": a free mutex goes to whoever takes it, one CAS, even with waiters in line).
 *       A woken waiter that loses stays first in line and waits again. This keeps throughput
 *       close to a non-fair lock: a running thread does not wait for a parked one to wake up.
 *       A thread that finds the mutex held joins the line at once, without spinning (as
 *       {@link java.util.concurrent.locks.ReentrantLock}; Go's {@code sync.Mutex} spins here,
 *       which on a mutex taken back at once by its holder turns every free instant into a
 *       hand-over between cores); a woken waiter spins for a few microseconds (up to 100
 *       {@link Thread#onSpinWait()} pauses; none on a single processor) and takes the mutex if
 *       it comes free, before it retries.
 *       A suspended coroutine first in line is instead handed the mutex by the unlocking call,
 *       which does not free it then, so its resumption always carries the mutex: a coroutine
 *       cancelled after it was resumed gives the mutex back through its cancellation hook, and
 *       no resumption is spent on a lost race. (A coroutine can lose to a newcomer only when the
 *       mutex comes free without an unlock handing it over, e.g. as the waiter before it leaves
 *       the line; its 1 ms starvation clock starts at that first loss.)
 *   <li><b>Starvation</b>: when a waiter loses to a newcomer after having waited more than 1 ms (measured
 *       with {@link System#nanoTime()}: starvation is about real scheduling, so a context's
 *       virtual clock does not drive it), the mutex switches to hand-off. {@code unlock} then
 *       passes the mutex directly to the first waiter without freeing it, and neither
 *       {@code tryLock} nor a newcomer can take it (except in the instant in which an unlock
 *       that found the first waiter already woken, freeing the mutex without the internal lock,
 *       turns back to hand it over); newcomers join the end of the line. The mode ends when a waiter is handed the mutex after waiting less than 1 ms (a coroutine never timed, see above, counts as such), or when the line is
 *       empty.
 * </ul>
 *
 * So a waiter is overtaken only while its wait is shorter than about 1 ms, and then only by
 * callers that found the mutex free at that instant. {@link Semaphore} and {@link RWMutex} are
 * strict FIFO instead (no barging at all).
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
  private final PermitQueue permits = new PermitQueue(1, true);

  private Mutex() {
    permits.owner = this;
  }

  /** Returns a new, unlocked mutex. */
  public static Mutex create() {
    return new Mutex();
  }

  /**
   * Locks the mutex, waiting in line while it is held (see the fairness rules above), until it
   * is acquired or {@code ctx} is done.
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
   * Locks the mutex if it is free; never blocks (it only waits out the instant in which an
   * unlock of the unlocked mutex is refused, see {@link #unlock()}). In normal mode it may take
   * a free mutex ahead of waiters (as Go's {@code TryLock}); in starvation mode it fails while
   * anyone waits.
   *
   * @return whether the mutex is now held by the caller
   */
  public boolean tryLock() {
    return permits.tryAcquireOne();
  }

  /**
   * Unlocks the mutex: in normal mode frees it and wakes the first waiter; in starvation mode
   * hands it to the first waiter. Any thread may call it. No waiter code runs inside this call
   * (a woken thread runs on its own thread; a coroutine is resumed through its dispatcher, which
   * for {@code Dispatchers.Unconfined} means on this thread right after the mutex's state is
   * consistent, as with any Unconfined resumption).
   *
   * <p>An unlock of an unlocked mutex is refused exactly, however it races with other calls:
   * the unlock is one atomic add of the mutex's permit, and when the add shows the mutex was
   * free the permit is taken back at once. A lock or tryLock that arrives in that instant waits
   * it out (it spins for the unlocking thread's next instruction); it never takes that permit.
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
  public <T extends @Nullable Object> T withLock(Context ctx, Supplier<T> action) throws InterruptedException {
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

  /** The engine, for {@link LockWaiter}. */
  PermitQueue permits() {
    return permits;
  }

  /** Whether the mutex is in starvation (hand-off) mode (a snapshot; for tests). */
  boolean starving() {
    return permits.starving();
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
