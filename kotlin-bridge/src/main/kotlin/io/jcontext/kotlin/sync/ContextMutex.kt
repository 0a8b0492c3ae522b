package io.jcontext.kotlin.sync

import io.jcontext.Context
import java.util.concurrent.CompletableFuture
import kotlin.contracts.ExperimentalContracts
import kotlin.contracts.InvocationKind
import kotlin.contracts.contract

/**
 * A mutual-exclusion lock whose waits end when a jcontext [Context] is done or the waiting
 * coroutine is cancelled, built on a channel of one token. Coroutines and Java threads can share
 * one lock: [lock] suspends, [lockBlocking] blocks a thread, [lockAsync] returns a future.
 *
 * Contract:
 * - **Not reentrant, not owned**: locking again from the holder waits forever (or until its ctx
 *   is done); any caller may [unlock] a locked mutex, as with Go's `sync.Mutex`.
 * - **Fair**: waiters get the lock first-in first-out; [tryLock] never takes it ahead of them.
 * - **Cancellation**: a wait ends with `ctx.err()` (a [io.jcontext.ContextException]) when the
 *   context is or becomes done, or with the coroutine's `CancellationException`. Cancellation is
 *   prompt: a waiter cancelled as the lock is handed to it throws and passes the lock on, so it
 *   is never left held.
 * - **Memory**: an [unlock] happens-before the lock acquisition it enables.
 * - [unlock] of an unlocked mutex throws [IllegalStateException] and changes nothing. (An unlock
 *   by a coroutine that does not hold the lock, racing with a hand-off to a waiter, may be
 *   rejected the same way; the holder's own unlock never is.)
 * - Thread-safe. [isLocked] is a snapshot for monitoring, not for control flow.
 */
public class ContextMutex {
  private val pool = TokenPool(1)

  /**
   * Acquires the lock, suspending while it is held. If [ctx] is already done this throws
   * `ctx.err()` without taking the lock, even if it is free.
   *
   * @throws io.jcontext.ContextException if [ctx] is or becomes done first
   * @throws kotlinx.coroutines.CancellationException if the coroutine is cancelled first
   */
  public suspend fun lock(ctx: Context = Context.background()) {
    ctx.err()?.let { throw it }
    if (tryLock()) return
    lockSlow(ctx) // a tail call: the uncontended path allocates no continuation
  }

  private suspend fun lockSlow(ctx: Context) {
    pool.take(ctx)
    pool.markHeld(1)
  }

  /** Takes the lock if it is free and nobody waits; never suspends. */
  public fun tryLock(): Boolean {
    if (!pool.tryTake()) return false
    pool.markHeld(1)
    return true
  }

  /**
   * Releases the lock, handing it to the oldest waiter if there is one.
   *
   * @throws IllegalStateException if the mutex is not locked
   */
  public fun unlock() {
    pool.release(1, "lock")
  }

  /** Whether the lock is held right now (a snapshot). */
  public val isLocked: Boolean get() = pool.heldPermits > 0

  /**
   * Java: blocks the calling thread until the lock is acquired, [ctx] is done (throws
   * `ctx.err()`) or the thread is interrupted (throws [InterruptedException]; the wait leaves
   * nothing behind).
   */
  @Throws(InterruptedException::class)
  public fun lockBlocking(ctx: Context) {
    blocking { lock(ctx) }
  }

  /**
   * Java: returns a future completed when the lock is acquired (the caller then holds it), or
   * completed exceptionally with `ctx.err()`. That is a `CancellationException`, so `get()` throws
   * a `CancellationException` (on JDK 17 `ctx.err()` itself, on JDK 21+ a new one whose cause is
   * `ctx.err()`) and `isCancelled()` reports true; `handle`/`exceptionally` see `ctx.err()` on every
   * JDK. Cancelling the future abandons the wait; the lock is never left held by a cancelled future.
   */
  public fun lockAsync(ctx: Context): CompletableFuture<Void?> = future({ lock(ctx) }, { unlock() })

  override fun toString(): String = "ContextMutex[${if (isLocked) "locked" else "unlocked"}]"
}

/**
 * Runs [action] holding the lock, acquired with [ContextMutex.lock] on [ctx], and unlocks it
 * afterwards however [action] ends.
 */
@OptIn(ExperimentalContracts::class)
public suspend inline fun <T> ContextMutex.withLock(ctx: Context = Context.background(), action: () -> T): T {
  contract { callsInPlace(action, InvocationKind.EXACTLY_ONCE) }
  lock(ctx)
  try {
    return action()
  } finally {
    unlock()
  }
}
