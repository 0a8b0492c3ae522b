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
 * (~48 B) and kotlinx's wrapper of the cancellation handler (16 B): 64 B beyond the continuation.
 *
 * - The engine decides every race by a CAS on the node: grant (GRANTED) against cancel
 *   (CANCELLED). wake() resumes the continuation; a grant resumes it with an onCancellation
 *   (this object, as a 3-argument function) that gives the permits back: kotlinx calls it if the
 *   continuation was cancelled before the resumption or is cancelled while being dispatched
 *   (prompt cancellation). That is the only place a granted-but-cancelled waiter releases.
 * - invokeOnCancellation (this object, as a 1-argument function) withdraws from the line at once
 *   (LockWaiter.cancel(): CAS + unlink, letting the next waiters in). If the grant won, it does
 *   nothing: the resumption's onCancellation gives the permits back.
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
  (Throwable?) -> Unit,
  (Throwable, Unit, CoroutineContext) -> Unit {

  /** The continuation of the current suspension; published before the engine may wake it. */
  @Volatile @JvmField var cont: CancellableContinuation<Unit>? = null

  /** This object as the onCancellation of a resumption that carries permits (the 3-argument overload). */
  val givesBackOnCancellation: (Throwable, Unit, CoroutineContext) -> Unit get() = this

  override fun wake() {
    val c = cont ?: return
    if (isGranted) c.resume(Unit, givesBackOnCancellation) else c.resume(Unit, NO_ON_CANCELLATION)
  }

  /** Cancellation handler: leave the line (a grant that won is given back by [invoke]/3). */
  override fun invoke(cause: Throwable?) {
    cancel()
  }

  /** onCancellation of a resumption that carried permits: the coroutine will not take them. */
  override fun invoke(cause: Throwable, value: Unit, context: CoroutineContext) {
    giveBack()
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
        val now = if (started) w.retry() else start(w).also { started = true }
        if (now) {
          held = true
          c.resume(Unit, w.givesBackOnCancellation) // cancelled meanwhile: the onCancellation gives it back
        }
      }
      // Resumed without `held`: woken (Mutex normal mode) or granted; retry() tells which.
      if (!held && w.isGranted) held = true
    }
  } catch (e: Throwable) {
    if (started) w.cancel() // leave the line if still in it; granted permits went back via onCancellation
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
