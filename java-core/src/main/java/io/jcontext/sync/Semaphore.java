package io.jcontext.sync;

import io.jcontext.Context;
import io.jcontext.ContextException;
import java.util.Objects;

/**
 * A weighted semaphore whose {@link #acquire(Context, long) acquire} gives up when a
 * {@link Context} is done, with the semantics of Go's {@code golang.org/x/sync/semaphore.Weighted}.
 *
 * <pre>{@code
 * Semaphore memory = Semaphore.create(1 << 20);      // 1 MiB budget
 * memory.acquire(ctx, size);                         // waits FIFO, or throws ctx.err()
 * try {
 *   process(ctx, buffer);
 * } finally {
 *   memory.release(size);
 * }
 * }</pre>
 *
 * <p><b>Fairness.</b> One line for blocked threads and for coroutines suspended in the Kotlin
 * bridge's {@code acquireSuspending}. Strictly FIFO without barging: once a caller waits, no later
 * {@code acquire} or {@code tryAcquire} gets permits before it, even a small one that would fit
 * (head-of-line blocking, so large requests never starve). {@link #release(long)} hands permits
 * straight to the waiters at the head of the queue, as many as fit, in order. While nobody is
 * queued, free permits go to whoever takes them first (one CAS, no allocation).
 *
 * <p><b>Cancellation.</b> If {@code ctx} is already done, {@code acquire} throws
 * {@link Context#err() ctx.err()} at once, even if permits are free. If {@code ctx} ends while
 * the caller waits, it leaves the queue, and if it was at the head the waiters behind it are
 * reconsidered (so a cancelled large request does not block smaller ones). If the permits are
 * granted at the moment {@code ctx} ends and the woken caller then sees {@code ctx} done, it
 * gives them back (to the next waiters) and throws: an {@code acquire} that throws never holds
 * permits. A request for more than {@link #size()} permits can never succeed; it does not queue
 * (so it blocks nobody) and waits for {@code ctx} to end, forever if {@code ctx} never does.
 * Waits follow the context tree's {@link Context#clock() clock}.
 *
 * <p><b>Interrupts.</b> A thread interrupted while waiting leaves the queue and throws
 * {@link InterruptedException} (clearing its interrupt status); the semaphore is exactly as if it
 * had never waited. An interrupt that arrives as permits are granted or {@code ctx} ends loses
 * to them and stays set. {@code acquire} does not look at the interrupt status when it does not
 * have to wait.
 *
 * <p><b>Errors.</b> Unlike Go, bad input changes nothing: weights of zero or less throw
 * {@link IllegalArgumentException}; releasing more than is held throws
 * {@link IllegalStateException}. Permits are not owned: any thread may release them.
 *
 * <p><b>Memory.</b> Thread-safe. A {@code release} happens-before the {@code acquire} or
 * {@code tryAcquire} that obtains the permits it returned; failed calls have no memory effects.
 */
public final class Semaphore {
  /** The whole state lives in the engine. */
  private final PermitQueue permits;

  private Semaphore(long size) {
    this.permits = new PermitQueue(size);
    permits.owner = this;
  }

  /**
   * Returns a semaphore with {@code size} permits, all available (Go's {@code NewWeighted}).
   *
   * @throws IllegalArgumentException if {@code size} is less than 1 or more than
   *     {@code Long.MAX_VALUE >> 1}
   */
  public static Semaphore create(long size) {
    if (size < 1 || size > PermitQueue.MAX_SIZE) {
      throw new IllegalArgumentException("size must be in [1, " + PermitQueue.MAX_SIZE + "]: " + size);
    }
    return new Semaphore(size);
  }

  /**
   * Acquires {@code n} permits, waiting in FIFO order until they are granted or {@code ctx} is
   * done (Go's {@code Acquire}).
   *
   * @throws ContextException {@code ctx.err()} if {@code ctx} is or becomes done first; no
   *     permits are then held by this call
   * @throws InterruptedException if the thread is interrupted while waiting
   * @throws IllegalArgumentException if {@code n < 1}
   * @throws NullPointerException if {@code ctx} is null
   */
  public void acquire(Context ctx, long n) throws InterruptedException {
    Objects.requireNonNull(ctx, "ctx");
    permits.acquire(ctx, checkWeight(n));
  }

  /**
   * Acquires {@code n} permits if they are free and nobody waits; never blocks (Go's
   * {@code TryAcquire}). Returns false for {@code n > size()}.
   *
   * @throws IllegalArgumentException if {@code n < 1}
   */
  public boolean tryAcquire(long n) {
    return permits.tryAcquire(checkWeight(n));
  }

  /**
   * Returns {@code n} permits and hands them to the waiters at the head of the queue that fit.
   *
   * @throws IllegalStateException if fewer than {@code n} permits are held (nothing changes)
   * @throws IllegalArgumentException if {@code n < 1}
   */
  public void release(long n) {
    permits.release(checkWeight(n), 0);
  }

  /** Returns the number of permits, as given to {@link #create(long)}. */
  public long size() {
    return permits.size;
  }

  /** Returns the number of permits neither held nor granted (a snapshot). */
  public long availablePermits() {
    return permits.available();
  }

  /** The engine, for {@link LockWaiter}. */
  PermitQueue permits() {
    return permits;
  }

  /** Returns the number of queued waiters (O(n) snapshot; for tests). */
  int waiters() {
    return permits.queueLength();
  }

  /** Returns {@code Semaphore[available/size, n waiting]}. */
  @Override
  public String toString() {
    return "Semaphore[" + permits.available() + "/" + permits.size + ", " + permits.queueLength() + " waiting]";
  }

  private static long checkWeight(long n) {
    if (n < 1) {
      throw new IllegalArgumentException("weight must be at least 1: " + n);
    }
    return n;
  }
}
