package io.jcontext.kotlin.sync

import io.jcontext.Context
import io.jcontext.kotlin.currentContext
import io.jcontext.sync.Semaphore
import kotlin.contracts.ExperimentalContracts
import kotlin.contracts.InvocationKind
import kotlin.contracts.contract

/*
 * Suspending forms of io.jcontext.sync.Semaphore (named `…Suspending`: see MutexSuspending.kt).
 */

/**
 * Acquires [n] permits, suspending in the semaphore's FIFO line (shared with threads blocked in
 * [Semaphore.acquire]) until they are granted, [ctx] is done or the coroutine is cancelled: Go's
 * `x/sync/semaphore` `Acquire`.
 *
 * Contract (as [Semaphore.acquire], in every mode):
 * - **No barging**: once anyone waits, no later acquisition or `tryAcquire` takes permits ahead of
 *   it, even a small one that would fit; released permits go to the head of the line.
 * - Without [ctx], the coroutine's [currentContext] is used; a done [ctx] fails the call up front even with free
 *   permits. `n > size` can never succeed: it waits (without joining the line) until [ctx] is
 *   done or the coroutine is cancelled, then throws.
 * - **Prompt cancellation**: a waiter whose [ctx] ends or whose Job is cancelled throws and holds
 *   nothing; permits granted at that instant are passed on to the next waiters; a cancelled head
 *   lets the waiters behind it in.
 * - **Where code runs**: as [lockSuspending]. Memory: a release happens-before the acquisition
 *   that obtains its permits.
 *
 * @throws IllegalArgumentException if `n < 1` (nothing changes)
 * @throws io.jcontext.ContextException if [ctx] is or becomes done first
 * @throws kotlinx.coroutines.CancellationException if the coroutine is cancelled while waiting
 */
@Suppress("NOTHING_TO_INLINE")
public suspend inline fun Semaphore.acquireSuspending(ctx: Context, n: Long = 1) {
  // Inline: the uncontended path (checks and one CAS) runs in the caller's frame.
  require(n >= 1) { "weight must be at least 1: $n" }
  throwIfDone(ctx)
  if (!tryAcquire(n)) acquireSlow(ctx, n)
}

/**
 * The waiting path of [acquireSuspending] (public for the inline function only): `n > size` can
 * never fit; anything else joins the line.
 */
@PublishedApi
internal suspend fun Semaphore.acquireSlow(ctx: Context, n: Long): Any =
  if (n > size()) waitForDone(ctx) else acquireSuspending(ctx, this, SEMAPHORE, n) // tail calls: no frame object

/** [acquireSuspending] on the coroutine's [currentContext]. */
public suspend fun Semaphore.acquireSuspending(n: Long = 1): Unit = acquireSuspending(currentContext(), n)

/**
 * Runs [action] holding [n] permits, acquired with [acquireSuspending] on [ctx], and releases them
 * however [action] ends. If the permits are not acquired, [action] does not run.
 */
@OptIn(ExperimentalContracts::class)
public suspend inline fun <T> Semaphore.withPermitsSuspending(ctx: Context, n: Long = 1, action: () -> T): T {
  contract { callsInPlace(action, InvocationKind.EXACTLY_ONCE) }
  acquireSuspending(ctx, n)
  try {
    return action()
  } finally {
    release(n)
  }
}

/** [withPermitsSuspending] on the coroutine's [currentContext]. */
public suspend inline fun <T> Semaphore.withPermitsSuspending(n: Long = 1, action: () -> T): T =
  withPermitsSuspending(currentContext(), n, action)
