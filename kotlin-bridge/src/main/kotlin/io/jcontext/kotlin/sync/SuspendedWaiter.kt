package io.jcontext.kotlin.sync

import io.jcontext.Context
import io.jcontext.ContextException
import java.util.concurrent.CancellationException
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater
import io.jcontext.sync.LockWaiter
import io.jcontext.sync.Mutex
import io.jcontext.sync.RWMutex
import io.jcontext.sync.Semaphore
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
 * - The cancellation handler (this object, as invokeOnCancellation and as the onCancellation of
 *   every resume) runs when the coroutine will resume with a cancellation instead of the lock:
 *   on a cancellation before the resumption, and on a prompt cancellation found while the
 *   resumption is dispatched (kotlinx may run both then; a one-shot flag makes it act once).
 *   It calls LockWaiter.cancel(): true means the waiter left the line (CAS + unlink, the next
 *   waiters move on); false means the grant won (in line, or taken at once by the starting
 *   call, which marks the node granted), and the handler gives the permits back (giveBack
 *   passes them down the line). That handler is the only place a cancelled waiter releases, so
 *   the release happens exactly once, whatever the order. cancel() may even run before the
 *   starting call; the node is then never lined up and takes nothing.
 * - The engine wakes a waiter like this one only with a grant, also for a Mutex in normal mode
 *   (where parked threads are woken to compete instead; an unlock passes the held mutex straight
 *   to a coroutine first in line): one suspension per acquisition, and the resumption carries
 *   the outcome, as prompt cancellation needs (a coroutine cancelled after its resumption runs
 *   only the resumption's cancellation hook, which then gives back).
 * - Hand-off cost: the slow path is a chain of tail calls (no frame object); with a context that
 *   is never done the suspension resumes the caller's own continuation, whose dispatcher wrapper
 *   kotlinx caches, and the grant resumes with the three-argument hook (no lambda per grant).
 *   What is left per hand-off is the node, kotlinx's continuation, its parent-Job handle, its
 *   handler wrapper and its resumed-state record. kotlinx's own Mutex reuses its continuation
 *   and parent handle through an internal API that a library outside kotlinx cannot call.
 * - ctx (unless it can never be done): one onDone registration per acquisition cancels the
 *   current continuation with ctx.err(); each block re-checks ctx.isDone after publishing its
 *   continuation (volatile write then read, against the callback's done-then-read), so no
 *   cancellation is lost. The registration is stopped in a finally.
 */
internal class SuspendedWaiter :
  LockWaiter(),
  (Throwable?) -> Unit,
  (Throwable, Unit, CoroutineContext) -> Unit {

  /** Starts timing this acquisition's slow path for the flight recorder; null when not recorded. */
  fun startEvent(): Any? = waitStarted()

  /** Records the wait [startEvent] began, with its [outcome]. */
  fun endEvent(token: Any, outcome: String): Unit = waitEnded(token, outcome)

  /** 0 until the cancellation of this acquisition has been handled (once: see [invoke]). */
  @Volatile @JvmField var handled: Int = 0

  /** The continuation of the suspension; published before the engine may wake it, taken by [wake]. */
  @Volatile @JvmField var cont: CancellableContinuation<Unit>? = null

  /**
   * Publishes [c] as the continuation and installs this object as its cancellation handler;
   * false (and [c] cancelled with `ctx.err()`) if [ctx] is already done. The volatile write of
   * [cont] before the read of `isDone` pairs with the ctx callback's read of [cont] after `done`
   * is set: one of the two sees the other.
   */
  fun arm(c: CancellableContinuation<Unit>, ctx: Context, cancellable: Boolean): Boolean {
    cont = c
    c.invokeOnCancellation(this)
    if (cancellable && ctx.isDone) {
      c.cancel(ctx.err())
      return false
    }
    return true
  }

  /**
   * [arm] without a context to watch: a release store suffices, since the engine's lock or CAS
   * (taken after this, by begin) orders it before the [wake] that reads it.
   */
  fun arm(c: CancellableContinuation<Unit>) {
    CONT.lazySet(this, c)
    c.invokeOnCancellation(this)
  }

  /**
   * The grant: resumes the suspension (the engine calls it once per acquisition). The
   * continuation is dropped for the collector with a release store; a ctx callback that still
   * reads it cancels a resumed continuation, which does nothing.
   */
  override fun wake() {
    val c = cont ?: return
    CONT.lazySet(this, null)
    c.resume(Unit, onCancellation)
  }

  /** This object as the three-argument hook of `resume` (the one-argument overload wraps it in a new lambda). */
  val onCancellation: (Throwable, Unit, CoroutineContext) -> Unit
    get() = this

  private companion object {
    val HANDLED: AtomicIntegerFieldUpdater<SuspendedWaiter> =
      AtomicIntegerFieldUpdater.newUpdater(SuspendedWaiter::class.java, "handled")

    @Suppress("UNCHECKED_CAST")
    val CONT = AtomicReferenceFieldUpdater.newUpdater(
      SuspendedWaiter::class.java, CancellableContinuation::class.java, "cont",
    ) as AtomicReferenceFieldUpdater<SuspendedWaiter, CancellableContinuation<Unit>?>
  }

  /**
   * Cancellation handler: leave the line, or give back what a grant that won brought. Acts once
   * per acquisition, however many of kotlinx's two hooks call it.
   */
  override fun invoke(cause: Throwable?) {
    if (HANDLED.compareAndSet(this, 0, 1) && !cancel()) giveBack()
  }

  /** The onCancellation of a resume: the coroutine was cancelled after it was resumed. */
  override fun invoke(cause: Throwable, value: Unit, context: CoroutineContext) = invoke(cause)
}

private val BACKGROUND: Context = Context.background()
private val TODO: Context = Context.todo()

/** Whether [ctx] can never be done (no registration needed). */
internal fun neverDone(ctx: Context): Boolean = ctx === BACKGROUND || ctx === TODO

/** What a slow-path acquisition starts: see [begin]. */
internal const val MUTEX = 0
internal const val SEMAPHORE = 1
internal const val READ = 2
internal const val WRITE = 3

/** Starts the acquisition of [kind] on [lock] with [w]; true if held at once. */
private fun begin(w: LockWaiter, lock: Any, kind: Int, n: Long): Boolean = when (kind) {
  MUTEX -> w.lock(lock as Mutex)
  SEMAPHORE -> w.acquire(lock as Semaphore, n)
  READ -> w.rLock(lock as RWMutex)
  else -> w.lock(lock as RWMutex)
}

/**
 * The slow path of every suspending acquisition of [kind] on [lock] (no lambda, no captured
 * variable: the waiter node is the only allocation besides the continuation and kotlinx's
 * handler wrapper). Returns holding the lock, or throws `ctx.err()` / the coroutine's
 * CancellationException holding nothing.
 *
 * Both branches are tail calls, so this function has no frame object of its own (the return
 * type is Any, always Unit: the compiler keeps a frame for a Unit function whose tail call it
 * cannot prove returns Unit, as with suspendCancellableCoroutine<Unit>); with a
 * context that is never done nothing happens after the resumption either, so the suspension
 * resumes the caller's own continuation (kotlinx caches its dispatcher wrapper there), and
 * the only allocations are the node, the continuation and kotlinx's handler records.
 */
internal suspend fun acquireSuspending(ctx: Context, lock: Any, kind: Int, n: Long): Any {
  val w = SuspendedWaiter()
  val event = w.startEvent() // null unless a flight recording keeps io.jcontext.LockWait
  return if (event == null && neverDone(ctx)) acquireUntilGranted(w, lock, kind, n)
  else acquireWatched(w, event, ctx, lock, kind, n)
}

/** [acquireSuspending] for a context that is never done, unrecorded: only the Job can cancel the wait. */
private suspend fun acquireUntilGranted(w: SuspendedWaiter, lock: Any, kind: Int, n: Long): Any =
  suspendCancellableCoroutine { c ->
    w.arm(c)
    if (begin(w, lock, kind, n)) {
      c.resume(Unit, w.onCancellation) // if cancelled meanwhile, the handler gives it back
    }
  }

/**
 * [acquireSuspending] watching [ctx] (one onDone registration, stopped after the wait) unless it
 * is never done, and ending the flight recorder's [event] when there is one.
 */
private suspend fun acquireWatched(w: SuspendedWaiter, event: Any?, ctx: Context, lock: Any, kind: Int, n: Long) {
  val reg = if (neverDone(ctx)) null else ctx.onDone { w.cont?.cancel(ctx.err()) }
  var outcome = "failed"
  try {
    suspendCancellableCoroutine<Unit> { c ->
      if (w.arm(c, ctx, reg != null) && begin(w, lock, kind, n)) {
        c.resume(Unit, w.onCancellation) // if cancelled meanwhile, the handler gives it back
      }
    }
    // Resumed normally: granted (taken at once, or woken by the grant).
    outcome = if (reg != null && ctx.isDone) "contextDone" else "acquired"
  } catch (e: CancellationException) {
    // ctx.err() itself, not a copy that stack-trace recovery may have made on the way.
    if (e is ContextException && reg != null && ctx.isDone) {
      outcome = "contextDone"
      throw ctx.err()!!
    }
    outcome = "cancelled"
    throw e
  } finally {
    reg?.stop()
    if (event != null) w.endEvent(event, outcome)
  }
  if (reg != null && ctx.isDone) { // granted as ctx ended: give back and fail, as threads do
    w.giveBack()
    throw ctx.err()!!
  }
}

/** `n > size`: can never be granted; waits for [ctx] without joining the line, then fails. */
internal suspend fun waitForDone(ctx: Context): Any {
  io.jcontext.kotlin.awaitDone(ctx)
  throw ctx.err()!!
}

/**
 * Throws `ctx.err()` if [ctx] is done: a done ctx fails every acquisition up front (x/sync).
 * Public for the inline acquisitions only.
 */
@PublishedApi
internal fun throwIfDone(ctx: Context) {
  if (!neverDone(ctx)) ctx.err()?.let { throw it }
}
