package io.jcontext.kotlin.sync

import io.jcontext.Context
import io.jcontext.sync.LockWaiter
import kotlin.coroutines.CoroutineContext
import kotlinx.coroutines.CancellableContinuation
import kotlinx.coroutines.suspendCancellableCoroutine

/*
 * Implementation overview: a suspended coroutine's place in the line of a jcontext lock.
 *
 * The engine (io.jcontext.sync's PermitQueue) keeps one FIFO line per lock for parked threads and
 * for these waiters alike; a SuspendedWaiter is the queue node itself (a LockWaiter subclass),
 * plus the continuation of its current suspension. Per suspended waiter that is one object
 * (48 B) and kotlinx's wrapper of the cancellation handler (16 B): 64 B beyond the continuation.
 *
 * - The engine decides every race by a CAS on the node: grant (GRANTED) against cancel
 *   (CANCELLED). wake() resumes the continuation.
 * - invokeOnCancellation (this object) withdraws from the line at once (LockWaiter.cancel():
 *   CAS + unlink, letting the next waiters in). If the grant won, it does nothing.
 * - A cancelled coroutine always resumes with its CancellationException (prompt cancellation:
 *   also when the grant's resumption was already on its way). Its own catch block then calls
 *   cancel() once more: false means granted, and it gives the permits back (giveBack passes them
 *   down the line). That catch block is the only place a granted-but-cancelled waiter releases,
 *   so the release happens exactly once. (Not an onCancellation of the resumption: Lincheck's
 *   model of prompt cancellation never dispatches a resumed continuation, so only a give-back in
 *   the waiter's own code is modelled the same way in its parallel and sequential runs.)
 * - Mutex normal mode wakes a waiter without granting (it must retry: Go's barging model);
 *   the coroutine then calls retry() inside its next suspendCancellableCoroutine block, after
 *   publishing the new continuation, so a wake-up that follows cannot miss it.
 * - ctx: one onDone registration per acquisition cancels the current continuation with
 *   ctx.err(); each block re-checks ctx.isDone after publishing its continuation (volatile
 *   write then read, against the callback's done-then-read), so no cancellation is lost.
 *   The registration is stopped in a finally.
 */
internal class SuspendedWaiter :
  LockWaiter(),
  (Throwable?) -> Unit {

  /** The continuation of the current suspension; published before the engine may wake it. */
  @Volatile @JvmField var cont: CancellableContinuation<Unit>? = null

  override fun wake() {
    cont?.resume(Unit, NO_ON_CANCELLATION)
  }

  /** Cancellation handler: leave the line (a grant that won is given back by the waiter's catch). */
  override fun invoke(cause: Throwable?) {
    cancel()
  }
}

private val NO_ON_CANCELLATION: ((Throwable, Unit, CoroutineContext) -> Unit)? = null
private val BACKGROUND: Context = Context.background()
private val TODO: Context = Context.todo()

/** Whether [ctx] can never be done (no registration needed). */
internal fun neverDone(ctx: Context): Boolean = ctx === BACKGROUND || ctx === TODO

/**
 * The slow path of every suspending acquisition: [start] begins it on a fresh waiter (true: held
 * at once). Returns holding the lock, or throws `ctx.err()` / the coroutine's
 * CancellationException holding nothing.
 */
internal suspend fun acquireSuspending(ctx: Context, start: (LockWaiter) -> Boolean) {
  val w = SuspendedWaiter()
  val reg = if (neverDone(ctx)) null else ctx.onDone { w.cont?.cancel(ctx.err()) }
  var started = false
  var heldAtOnce = false // taken by the starting call itself: the node never entered the line
  try {
    var held = false
    while (!held) {
      suspendCancellableCoroutine { c ->
        w.cont = c
        c.invokeOnCancellation(w)
        if (reg != null && ctx.isDone) {
          c.cancel(ctx.err())
          return@suspendCancellableCoroutine
        }
        val now = if (started) {
          w.retry()
        } else {
          started = true
          start(w).also { heldAtOnce = it }
        }
        if (now) {
          held = true
          c.resume(Unit, NO_ON_CANCELLATION) // if cancelled meanwhile, the catch below gives it back
        }
      }
      // Resumed without `held`: woken (Mutex normal mode) or granted; retry() tells which.
      if (!held && w.isGranted) held = true
    }
  } catch (e: Throwable) {
    // Leave the line if still in it; if the permits were ours (granted, or taken at once), give
    // them back down the line.
    if (heldAtOnce || (started && !w.cancel())) w.giveBack()
    throw e
  } finally {
    reg?.stop()
  }
  if (reg != null && ctx.isDone) { // granted as ctx ended: give back and fail, as threads do
    w.giveBack()
    throw ctx.err()!!
  }
}

/** `n > size`: can never be granted; waits for [ctx] without joining the line, then fails. */
internal suspend fun waitForDone(ctx: Context): Nothing {
  io.jcontext.kotlin.awaitDone(ctx)
  throw ctx.err()!!
}

/** Throws `ctx.err()` if [ctx] is done: a done ctx fails every acquisition up front (x/sync). */
internal fun throwIfDone(ctx: Context) {
  if (!neverDone(ctx)) ctx.err()?.let { throw it }
}
