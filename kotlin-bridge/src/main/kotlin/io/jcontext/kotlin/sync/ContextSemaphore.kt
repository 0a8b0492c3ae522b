package io.jcontext.kotlin.sync

import io.jcontext.Context
import java.util.concurrent.CompletableFuture
import kotlin.contracts.ExperimentalContracts
import kotlin.contracts.InvocationKind
import kotlin.contracts.contract

/**
 * A weighted semaphore of [size] permits (Go's `x/sync/semaphore.Weighted`) whose waits end when
 * a jcontext [Context] is done or the waiting coroutine is cancelled, built on channels. Java
 * threads and coroutines can share one: [acquire] suspends, [acquireBlocking] blocks,
 * [acquireAsync] returns a future.
 *
 * Contract:
 * - **FIFO, no barging**: permits go to waiters in the order they started waiting, never to a
 *   [tryAcquire] while someone waits. Weighted requests queue among themselves: the head one
 *   collects permits as they are released (in turn with one-permit waiters), the others wait
 *   behind it, so a large request is never starved by later large ones.
 * - **All or nothing**: an acquisition that ends by ctx or cancellation gives back every permit
 *   it had collected, so no partial set is ever kept. Cancellation is prompt: a waiter cancelled
 *   as permits reach it throws and passes them on. (Because a weighted head collects its permits
 *   one at a time, its cancellation can hand the collected ones to a waiter behind it; nothing
 *   is lost or over-granted, but that waiter's wake-up has no sequential explanation, so
 *   weighted waits with cancellation are not claimed linearizable. One-permit operations are.)
 * - **Bad input**: `n < 1` or `n > size` throws [IllegalArgumentException]; releasing more than is
 *   held throws [IllegalStateException]; neither changes any state.
 * - **Memory**: a [release] happens-before the acquisitions it enables.
 * - Thread-safe. [availablePermits] is a snapshot for monitoring.
 */
public class ContextSemaphore(public val size: Int) {
  init {
    require(size > 0) { "size must be positive: $size" }
  }

  /*
   * Implementation overview: `pool` is a channel of `size` tokens (see TokenPool). A one-permit
   * acquisition is one receive from it, in the channel's FIFO order. A weighted acquisition
   * (n > 1) first takes `gate`, a one-token pool on which weighted acquirers queue FIFO, and then
   * receives its n tokens one at a time: only the head weighted acquirer ever holds a partial
   * set, it keeps its place in the token queue, and it gives the partial set back if its wait
   * ends early. Permits count as held only once all n are in.
   *
   * Why not ContextMutex's design (a state word as the fast path, a channel of waiters granted in
   * turn): a mutex has one holder, so when an unlock grants a waiter that has queued but not yet
   * registered, nobody else can release in that window. With permits other holders can, and a
   * waiter whose payment went to such a newcomer would be stranded; closing that window needs
   * kotlinx's cell protocol (a releaser that finds the next cell empty waits briefly, then marks
   * it broken and retries) or a lock. And a weighted head must be inspected before permits are
   * handed to it, which a channel (take-only) cannot do.
   */
  private val pool = TokenPool(size)
  private val gate = TokenPool(1)

  /**
   * Acquires [n] permits, suspending until they are free and every earlier acquirer is served.
   * If [ctx] is already done this throws `ctx.err()` without taking anything.
   *
   * @throws io.jcontext.ContextException if [ctx] is or becomes done first (nothing is kept)
   * @throws kotlinx.coroutines.CancellationException if the coroutine is cancelled first
   * @throws IllegalArgumentException if `n < 1` or `n > size`
   */
  public suspend fun acquire(ctx: Context = Context.background(), n: Int = 1) {
    checkWeight(n)
    ctx.err()?.let { throw it }
    if (n == 1) {
      pool.take(ctx)
      pool.markHeld(1)
      return
    }
    gate.take(ctx)
    var got = 0
    try {
      while (got < n) {
        pool.take(ctx)
        got++
      }
      pool.markHeld(n)
      got = 0
    } finally {
      repeat(got) { pool.giveBack() }
      gate.giveBack()
    }
  }

  /**
   * Acquires [n] permits if they are free and nobody waits; never suspends. For `n > 1` it may
   * also fail while another weighted acquisition is collecting its permits.
   */
  public fun tryAcquire(n: Int = 1): Boolean {
    checkWeight(n)
    if (n == 1) {
      if (!pool.tryTake()) return false
      pool.markHeld(1)
      return true
    }
    if (!gate.tryTake()) return false
    var got = 0
    try {
      while (got < n && pool.tryTake()) got++
      if (got < n) return false
      pool.markHeld(n)
      got = 0
      return true
    } finally {
      repeat(got) { pool.giveBack() }
      gate.giveBack()
    }
  }

  /**
   * Releases [n] permits, waking waiters in order.
   *
   * @throws IllegalStateException if fewer than [n] permits are held
   * @throws IllegalArgumentException if `n < 1`
   */
  public fun release(n: Int = 1) {
    require(n >= 1) { "cannot release $n permits" }
    pool.release(n, "permits")
  }

  /** Permits not held right now (a snapshot). */
  public val availablePermits: Int get() = size - pool.heldPermits

  /** Java: blocks until [n] permits are acquired, [ctx] is done, or the thread is interrupted. */
  @Throws(InterruptedException::class)
  @JvmOverloads
  public fun acquireBlocking(ctx: Context, n: Int = 1) {
    checkWeight(n)
    blocking { acquire(ctx, n) }
  }

  /**
   * Java: a future completed once [n] permits are acquired, or exceptionally with `ctx.err()` (a
   * `CancellationException`: see [ContextMutex.lockAsync] for what `get()` throws on each JDK).
   * Cancelling it abandons the wait and never leaves permits held.
   */
  @JvmOverloads
  public fun acquireAsync(ctx: Context, n: Int = 1): CompletableFuture<Void?> {
    checkWeight(n)
    return future({ acquire(ctx, n) }, { release(n) })
  }

  private fun checkWeight(n: Int) {
    require(n in 1..size) { "weight $n outside 1..$size" }
  }

  override fun toString(): String = "ContextSemaphore[$availablePermits of $size available]"
}

/** Runs [action] holding [n] permits acquired on [ctx]; releases them however it ends. */
@OptIn(ExperimentalContracts::class)
public suspend inline fun <T> ContextSemaphore.withPermits(
  ctx: Context = Context.background(),
  n: Int = 1,
  action: () -> T,
): T {
  contract { callsInPlace(action, InvocationKind.EXACTLY_ONCE) }
  acquire(ctx, n)
  try {
    return action()
  } finally {
    release(n)
  }
}
