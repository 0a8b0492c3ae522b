package io.jcontext.kotlin.sync

import io.jcontext.Context
import io.jcontext.kotlin.currentContext
import io.jcontext.sync.RWMutex
import kotlin.contracts.ExperimentalContracts
import kotlin.contracts.InvocationKind
import kotlin.contracts.contract

/*
 * Suspending forms of io.jcontext.sync.RWMutex (named `…Suspending`: see MutexSuspending.kt).
 */

/**
 * Takes a read lock, suspending while a writer holds the lock or waits for it (Go's writer
 * preference), until it is acquired, [ctx] is done or the coroutine is cancelled. The coroutine
 * waits in the same FIFO line as threads blocked in [RWMutex.rLock]/[RWMutex.lock]. Cancellation,
 * context default and where code runs: as [lockSuspending].
 *
 * @throws io.jcontext.ContextException if [ctx] is or becomes done first
 * @throws kotlinx.coroutines.CancellationException if the coroutine is cancelled while waiting
 */
@Suppress("NOTHING_TO_INLINE")
public suspend inline fun RWMutex.rLockSuspending(ctx: Context) {
  throwIfDone(ctx) // inline: the uncontended path runs in the caller's frame
  if (!tryRLock()) rLockSlow(ctx)
}

/** The waiting path of [rLockSuspending] (public for the inline function only). */
@PublishedApi
internal suspend fun RWMutex.rLockSlow(ctx: Context): Any = acquireSuspending(ctx, this, READ, 1)

/**
 * Takes the write lock, suspending while readers or a writer hold it or earlier callers wait,
 * until it is acquired, [ctx] is done or the coroutine is cancelled. As [rLockSuspending].
 */
@Suppress("NOTHING_TO_INLINE")
public suspend inline fun RWMutex.lockSuspending(ctx: Context) {
  throwIfDone(ctx) // inline: the uncontended path runs in the caller's frame
  if (!tryLock()) lockSlow(ctx)
}

/** The waiting path of [lockSuspending] (public for the inline function only). */
@PublishedApi
internal suspend fun RWMutex.lockSlow(ctx: Context): Any = acquireSuspending(ctx, this, WRITE, 1)

/** Runs [action] holding a read lock ([rLockSuspending] on [ctx]); releases it however it ends. */
@OptIn(ExperimentalContracts::class)
public suspend inline fun <T> RWMutex.withRLockSuspending(ctx: Context, action: () -> T): T {
  contract { callsInPlace(action, InvocationKind.EXACTLY_ONCE) }
  rLockSuspending(ctx)
  try {
    return action()
  } finally {
    rUnlock()
  }
}

/** Runs [action] holding the write lock ([lockSuspending] on [ctx]); releases it however it ends. */
@OptIn(ExperimentalContracts::class)
public suspend inline fun <T> RWMutex.withLockSuspending(ctx: Context, action: () -> T): T {
  contract { callsInPlace(action, InvocationKind.EXACTLY_ONCE) }
  lockSuspending(ctx)
  try {
    return action()
  } finally {
    unlock()
  }
}

/** [rLockSuspending] on the coroutine's [currentContext]. */
public suspend fun RWMutex.rLockSuspending(): Unit = rLockSuspending(currentContext())

/** [lockSuspending] on the coroutine's [currentContext]. */
public suspend fun RWMutex.lockSuspending(): Unit = lockSuspending(currentContext())

/** [withRLockSuspending] on the coroutine's [currentContext]. */
public suspend inline fun <T> RWMutex.withRLockSuspending(action: () -> T): T = withRLockSuspending(currentContext(), action)

/** [withLockSuspending] on the coroutine's [currentContext]. */
public suspend inline fun <T> RWMutex.withLockSuspending(action: () -> T): T = withLockSuspending(currentContext(), action)
