package io.jcontext.kotlin.sync

import io.jcontext.Context
import java.util.concurrent.CompletableFuture
import java.util.concurrent.atomic.AtomicBoolean
import java.util.concurrent.atomic.AtomicInteger
import kotlin.contracts.ExperimentalContracts
import kotlin.contracts.InvocationKind
import kotlin.contracts.contract
import kotlinx.coroutines.CompletableJob
import kotlinx.coroutines.Job
import kotlinx.coroutines.channels.Channel

/**
 * A mutual-exclusion lock whose waits end when a jcontext [Context] is done or the waiting
 * coroutine is cancelled; waiters queue in a channel. Coroutines and Java threads can share one
 * lock: [lock] suspends, [lockBlocking] blocks a thread, [lockAsync] returns a future.
 *
 * Contract:
 * - **Not reentrant, not owned**: locking again from the holder waits forever (or until its ctx
 *   is done); any caller may [unlock] a locked mutex, as with Go's `sync.Mutex`.
 * - **Fair**: waiters get the lock first-in first-out, handed over directly by [unlock]; neither
 *   [tryLock] nor a new [lock] takes it ahead of a waiter.
 * - **Cancellation**: a wait ends with `ctx.err()` (a [io.jcontext.ContextException]) when the
 *   context is or becomes done, or with the coroutine's `CancellationException`. Cancellation is
 *   prompt: a waiter cancelled as the lock is handed to it throws and passes the lock on, so it
 *   is never left held. A [lock] that does not suspend does not check the coroutine's Job.
 * - **Memory**: an [unlock] happens-before the lock acquisition it enables.
 * - [unlock] of an unlocked mutex throws [IllegalStateException] and changes nothing. (A mutex
 *   being handed to a waiter is locked: it belongs to that waiter.)
 * - Thread-safe; lock-free outside the waits. [isLocked] is a snapshot for monitoring, not for
 *   control flow.
 */
public class ContextMutex internal constructor(
  /** Withdrawn Waiters tolerated in line before a purge; tests lower it to purge at every chance. */
  private val purgeAt: Int,
) {
  /** Creates an unlocked mutex. */
  public constructor() : this(PURGE_AT)

  /*
   * Implementation overview: an atomic state word is the lock; a channel queues the waiters.
   *
   * - `state` is 0 when the mutex is free and 1 + w when it is locked, w counting the waiters
   *   that have registered and are not yet paid (see below). An uncontended lock is one CAS
   *   0 -> 1 and an uncontended unlock one CAS 1 -> 0: no allocation, no channel operation.
   * - Slow lock: the waiter first takes its place in line, sending a fresh Waiter into `queue`
   *   (UNLIMITED, FIFO, trySend/tryReceive only), then registers with getAndIncrement. If that
   *   finds 0 the mutex was freed meanwhile: the caller holds it and withdraws its Waiter. Else
   *   it suspends on its Waiter (with the ctx's done in a select).
   * - Unlock with w > 0 "pays" a waiter: it decrements `state` (the mutex stays locked) and then
   *   takes Waiters from the head of `queue` until it grants one (CAS WAITING -> GRANTED, then
   *   completes its Job). Withdrawn Waiters are skipped. If the queue runs dry the payment
   *   comes back and the unlock starts over (that happens only when the waiter it paid for
   *   withdrew meanwhile). Because a Waiter is queued before it registers, every registered
   *   waiter is in the queue when an unlock pays for it, and the head of the queue is the oldest;
   *   so a waiter's place is fixed by its trySend and an unlock that returns has handed the lock
   *   to a specific waiter (no token is left for a later arrival to take).
   * - Payments are fungible: they go to the head of the line. A Waiter granted before its owner
   *   registered (queued ahead of a registered one) makes its owner's registration count for the
   *   one paid for. A waiter that gives up (ctx done, Job cancelled) first withdraws its Waiter
   *   (CAS WAITING -> WITHDRAWN): if that fails it was granted and it passes the lock on with
   *   unlock (this is what makes prompt cancellation safe); if it succeeds it takes its count
   *   back when w > 0, and otherwise an unlock has already paid for it and will find its Waiter
   *   withdrawn and move on to the next one (or, the queue dry, free the mutex).
   * - Taking Waiters out of line is exclusive: an unlock that pays, and a purge, first take the
   *   `taking` flag (a spin flag held only for list work, never across user code or a suspension).
   *   `front` holds Waiters already taken out of `queue` that are still in line; they are older
   *   than anything in `queue`, so an unlock takes from `front` first and order is kept.
   * - Withdrawn Waiters cannot be removed from the middle of a channel, so they are purged: a
   *   withdrawal counts itself in `withdrawn`, and once at least PURGE_AT of them make up half of
   *   the line (`lineLength`), the withdrawing caller (if nobody holds `taking`) moves the whole
   *   channel into `front`, dropping every withdrawn Waiter. So a line never holds more withdrawn
   *   Waiters than max(PURGE_AT, live ones) (plus those withdrawn during a purge), whatever the
   *   order of cancellations and however long the mutex stays held, at amortised O(1) cost per
   *   withdrawal. A withdrawn Waiter has dropped its Job: ~24 bytes.
   * - `tryLock` is CAS 0 -> 1 only, so it never takes the mutex while a registered waiter exists.
   */

  /** 0: free; 1 + w: locked, with w registered waiters not yet paid. Never negative. */
  private val state = AtomicInteger()

  /** Waiters in arrival order (after those in [front]); withdrawn ones are purged lazily. Never closed. */
  private val queue = Channel<Waiter>(Channel.UNLIMITED)

  /** Waiters taken out of [queue] by a purge, oldest first; guarded by [taking]. */
  private val front = ArrayDeque<Waiter>()

  /** Held (true) by the one caller taking Waiters out of line: a paying unlock or a purge. */
  private val taking = AtomicBoolean()

  /** Waiters in [front] and [queue] together (granted ones leave at once, withdrawn ones when purged). */
  private val lineLength = AtomicInteger()

  /** Withdrawn Waiters still in [front] or [queue]. */
  private val withdrawn = AtomicInteger()

  /**
   * Acquires the lock, suspending while it is held. If [ctx] is already done this throws
   * `ctx.err()` without taking the lock, even if it is free.
   *
   * @throws io.jcontext.ContextException if [ctx] is or becomes done first
   * @throws kotlinx.coroutines.CancellationException if the coroutine is cancelled first
   */
  public suspend fun lock(ctx: Context = Context.background()) {
    ctx.err()?.let { throw it }
    if (state.compareAndSet(0, 1)) return
    lockSlow(ctx) // a tail call: the uncontended path allocates no continuation
  }

  private suspend fun lockSlow(ctx: Context) {
    val w = Waiter()
    lineLength.incrementAndGet()
    queue.trySend(w) // never fails: UNLIMITED and never closed
    if (state.getAndIncrement() == 0) {
      // Freed meanwhile: held by us now. If an unlock already paid our Waiter (possible only
      // with an unlock by a non-holder) the payment was meant for a registered waiter: count it
      // again so that waiter is still owed one.
      if (w.withdraw()) withdrew() else state.incrementAndGet()
      return
    }
    await(w, ctx)
  }

  private suspend fun await(w: Waiter, ctx: Context) {
    var acquired = false
    try {
      val granted = w.granted!!
      if (ctx === Context.background() || ctx === Context.todo()) {
        granted.join()
        acquired = true
        return
      }
      acquired = selectUnlessDone(ctx) { granted.onJoin { true } } == true && !ctx.isDone
    } finally {
      if (!acquired) giveUp(w)
    }
    if (!acquired) throw ctx.err()!!
  }

  /** A registered waiter that ends its wait without the lock. */
  private fun giveUp(w: Waiter) {
    if (!w.withdraw()) {
      unlock() // granted after all: we hold it, pass it on
      return
    }
    withdrew()
    while (true) {
      val s = state.get()
      if (s <= 1) return // already paid for: that unlock will skip our Waiter
      if (state.compareAndSet(s, s - 1)) return
    }
  }

  /** Takes the lock if it is free (so nobody waits); never suspends. */
  public fun tryLock(): Boolean = state.compareAndSet(0, 1)

  /**
   * Releases the lock, handing it to the oldest waiter if there is one.
   *
   * @throws IllegalStateException if the mutex is not locked
   */
  public fun unlock() {
    while (true) {
      val s = state.get()
      check(s != 0) { "cannot unlock: the mutex is not locked" }
      if (!state.compareAndSet(s, s - 1)) continue
      if (s == 1) return
      // Paid one waiter: hand the lock to the oldest one still waiting.
      if (grantOldest()) return
      // None left (the one paid for withdrew meanwhile): the payment is ours again.
    }
  }

  /** Grants the oldest waiting Waiter, dropping withdrawn ones on the way; false if none waits. */
  private fun grantOldest(): Boolean {
    var granted: Waiter? = null
    takeLine()
    try {
      while (granted == null) {
        val w = front.removeFirstOrNull() ?: queue.tryReceive().getOrNull() ?: break
        lineLength.decrementAndGet()
        if (w.grant()) granted = w else withdrawn.decrementAndGet()
      }
    } finally {
      taking.set(false)
    }
    // Wake it only now: an Unconfined waiter resumes inside complete() and may unlock at once.
    val w = granted ?: return false
    w.wake()
    return true
  }

  /** Spins until this caller holds [taking]; the holder only moves a few references. */
  private fun takeLine() {
    var spins = 0
    while (!taking.compareAndSet(false, true)) {
      if (++spins < 100) Thread.onSpinWait() else Thread.yield() // holder descheduled mid-purge
    }
  }

  /** Counts a withdrawn Waiter still in line, and purges the line once they make up half of it. */
  private fun withdrew() {
    val n = withdrawn.incrementAndGet()
    if (n < purgeAt || 2 * n < lineLength.get() || !taking.compareAndSet(false, true)) return
    try {
      // Everything in the channel is younger than everything in front: append it in order.
      while (true) front.addLast(queue.tryReceive().getOrNull() ?: break)
      val before = front.size
      front.removeAll { it.get() == WITHDRAWN }
      val dropped = before - front.size
      lineLength.addAndGet(-dropped)
      withdrawn.addAndGet(-dropped)
    } finally {
      taking.set(false)
    }
  }

  /** Whether the lock is held (or being handed to a waiter) right now: a snapshot. */
  public val isLocked: Boolean get() = state.get() != 0

  /**
   * For tests, at quiescence only: empties the queue and returns how many Waiters in it were
   * still waiting (0 unless a waiter is stranded); withdrawn ones are dropped.
   */
  internal fun drainWaitingForTest(): Int {
    var n = 0
    while (true) {
      val w = front.removeFirstOrNull() ?: queue.tryReceive().getOrNull() ?: break
      if (w.get() == WAITING) n++
    }
    lineLength.set(0)
    withdrawn.set(0)
    return n
  }

  /** For tests: Waiters in line, live or withdrawn (what the mutex retains for its waiters). */
  internal val lineLengthForTest: Int get() = lineLength.get()

  /**
   * Java: blocks the calling thread until the lock is acquired, [ctx] is done (throws
   * `ctx.err()`) or the thread is interrupted (throws [InterruptedException]; the wait leaves
   * nothing behind).
   */
  @Throws(InterruptedException::class)
  public fun lockBlocking(ctx: Context) {
    ctx.err()?.let { throw it }
    if (tryLock()) return
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

  /** One slow-path lock call's place in line. `get()`: WAITING, GRANTED or WITHDRAWN. */
  private class Waiter : AtomicInteger(WAITING) {
    /** Completed once granted; dropped on withdrawal (only the winner of the CAS touches it). */
    var granted: CompletableJob? = Job()

    /** Hands the lock to this waiter (then [wake] it); false if it has withdrawn. */
    fun grant(): Boolean = compareAndSet(WAITING, GRANTED)

    /** Resumes the waiter after [grant]; may run it on this thread (Unconfined). */
    fun wake() {
      granted!!.complete()
    }

    /** Withdraws from the line; false if the lock was granted first (the caller then holds it). */
    fun withdraw(): Boolean {
      if (!compareAndSet(WAITING, WITHDRAWN)) return false
      granted = null
      return true
    }

    // kotlin.Number members that AtomicInteger does not declare in Kotlin's view.
    override fun toByte(): Byte = get().toByte()

    override fun toShort(): Short = get().toShort()
  }

  private companion object {
    const val WAITING = 0
    const val GRANTED = 1
    const val WITHDRAWN = 2

    /** Withdrawn Waiters tolerated in line before a purge (which also needs them to be half of it). */
    const val PURGE_AT = 16
  }
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
