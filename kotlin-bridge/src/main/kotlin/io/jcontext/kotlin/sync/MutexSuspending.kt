package io.jcontext.kotlin.sync

import io.jcontext.Context
import io.jcontext.kotlin.currentContext
import io.jcontext.sync.Mutex
import kotlin.contracts.ExperimentalContracts
import kotlin.contracts.InvocationKind
import kotlin.contracts.contract

/*
 * Suspending forms of io.jcontext.sync.Mutex. They are named `…Suspending` because Kotlin resolves
 * members before extensions: an extension `lock(ctx)` would be shadowed by the blocking Java
 * member `lock(Context)`, and a coroutine calling it would silently block its thread.
 */

/**
 * Locks this mutex, suspending while it is held, until it is acquired, [ctx] is done or the
 * coroutine is cancelled. The coroutine waits in the same line as threads blocked in
 * [Mutex.lock], under the same fairness rules (Go's `sync.Mutex`: barging, with a hand-off
 * "starvation" mode once a waiter has waited over 1 ms; see [Mutex]).
 *
 * Contract:
 * - Without [ctx], the coroutine's [currentContext] is used. If it is already done this throws
 *   `ctx.err()` without taking the lock, even if it is free. A call that does not suspend does
 *   not look at the coroutine's Job.
 * - **Prompt cancellation**: if [ctx] ends or the Job is cancelled while waiting, this throws
 *   (`ctx.err()`, a [io.jcontext.ContextException], or the Job's `CancellationException`) and does
 *   not hold the lock; a grant that races with the cancellation is passed on to the next waiter.
 * - **Where code runs**: the coroutine resumes through its dispatcher when the lock reaches it;
 *   with `Dispatchers.Unconfined` that is on the thread that unlocked, after the lock's state is
 *   consistent.
 * - **Memory**: an unlock happens-before the lock it enables. Suspended, the coroutine costs 64
 *   bytes beyond its continuation.
 *
 * @throws io.jcontext.ContextException if [ctx] is or becomes done first
 * @throws kotlinx.coroutines.CancellationException if the coroutine is cancelled while waiting
 * @throws NullPointerException if [ctx] is null (from Java)
 */
public suspend fun Mutex.lockSuspending(): Unit = lockSuspending(currentContext())

/**
 * [lockSuspending] on [ctx] instead of the coroutine's [currentContext]. Inline: the uncontended
 * path (a done check and one CAS) runs in the caller's frame, with no suspend call.
 */
@Suppress("NOTHING_TO_INLINE")
public suspend inline fun Mutex.lockSuspending(ctx: Context) {
  throwIfDone(ctx)
  if (!tryLock()) lockSlow(ctx)
}

/** The waiting path of [lockSuspending] (public for the inline function only). */
@PublishedApi
internal suspend fun Mutex.lockSlow(ctx: Context): Any = acquireSuspending(ctx, this, MUTEX, 1)

/**
 * Runs [action] holding this mutex, locked with [lockSuspending] on [ctx], and unlocks it however
 * [action] ends. If the lock is not acquired, [action] does not run.
 */
@OptIn(ExperimentalContracts::class)
public suspend inline fun <T> Mutex.withLockSuspending(ctx: Context, action: () -> T): T {
  contract { callsInPlace(action, InvocationKind.EXACTLY_ONCE) }
  lockSuspending(ctx)
  try {
    return action()
  } finally {
    unlock()
  }
}

/** [withLockSuspending] on the coroutine's [currentContext]. */
public suspend inline fun <T> Mutex.withLockSuspending(action: () -> T): T = withLockSuspending(currentContext(), action)
