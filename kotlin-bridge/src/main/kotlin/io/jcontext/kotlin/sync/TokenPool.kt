package io.jcontext.kotlin.sync

import io.jcontext.Context
import java.util.concurrent.CompletableFuture
import java.util.concurrent.atomic.AtomicInteger
import kotlinx.coroutines.CoroutineStart
import kotlinx.coroutines.DelicateCoroutinesApi
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.GlobalScope
import kotlinx.coroutines.channels.Channel
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking

/*
 * Implementation overview: permits as tokens in a channel (kotlin-anchors §2.4, shape A).
 *
 * - `tokens` is an UNLIMITED channel holding one Unit per free permit; it is never closed.
 *   Taking a permit is a receive (tryReceive for the non-suspending form); giving one back is a
 *   trySend, which never fails on such a channel. Suspended receivers are served first-in
 *   first-out, and a trySend hands its token straight to the oldest receiver, so a tryReceive
 *   cannot barge past waiters.
 * - Prompt cancellation: a receiver cancelled just as a token reached it does not keep it: the
 *   channel passes the token to onUndeliveredElement, which gives it back. Cancellation needs no
 *   other cleanup (a cancelled receiver simply leaves the channel's queue). Bounded "slot" shapes
 *   leak a permit in that case, and trySend into a channel bounded at `size` is not
 *   linearizable, hence UNLIMITED.
 * - A context-aware wait is a select over the token and a deferred completed by ctx.onDone.
 * - Accounting lives outside the channel: `held` counts permits whose acquisition has completed
 *   (incremented after the receive) and that are not yet released. release(n) takes n from it by
 *   CAS before sending tokens back, so releasing more than is held fails with
 *   IllegalStateException and changes nothing. Because the increment follows the receive, a
 *   release by a caller that holds nothing, racing with a hand-off, may be rejected although the
 *   receiver already has its token; a release by a holder is never rejected, and no release ever
 *   creates a permit that was not taken.
 */
internal class TokenPool(val size: Int) {
  /** One element per free permit, or per permit on its way to a waiter. Never closed. */
  private val tokens = Channel<Unit>(Channel.UNLIMITED, onUndeliveredElement = { giveBack() })

  /** Permits acquired (receive completed) and not yet released; 0..size. */
  private val held = AtomicInteger()

  init {
    repeat(size) { tokens.trySend(Unit) }
  }

  val heldPermits: Int get() = held.get()

  /** Takes one token if one is free and nobody waits ahead; does not count it as held. */
  fun tryTake(): Boolean = tokens.tryReceive().isSuccess

  /**
   * Takes one token, suspending until one is free or [ctx] is done (then throws `ctx.err()`); does
   * not count it as held. A token that arrives when ctx is already done is given back and
   * `ctx.err()` thrown, as Go's x/sync semaphore does.
   */
  suspend fun take(ctx: Context) {
    if (tokens.tryReceive().isSuccess) return
    if (ctx === Context.background() || ctx === Context.todo()) {
      tokens.receive()
      return
    }
    val got = selectUnlessDone(ctx) { tokens.onReceive { true } } == true
    if (!got || ctx.isDone) {
      if (got) giveBack()
      throw ctx.err()!!
    }
  }

  /** Returns one token that was taken but never counted as held. */
  fun giveBack() {
    tokens.trySend(Unit)
  }

  /** Counts [n] taken tokens as held. */
  fun markHeld(n: Int) {
    held.addAndGet(n)
  }

  /** Releases [n] held permits, or throws if fewer are held (and then changes nothing). */
  fun release(n: Int, what: String) {
    while (true) {
      val h = held.get()
      check(n <= h) { "cannot release $n $what: only $h held" }
      if (held.compareAndSet(h, h - n)) break
    }
    repeat(n) { giveBack() }
  }
}

/** Blocking form of a suspending acquisition, for Java threads (interruptible). */
@Throws(InterruptedException::class)
internal fun blocking(acquire: suspend () -> Unit) {
  runBlocking { acquire() }
}

/**
 * [CompletableFuture] form of a suspending acquisition. Cancelling the future while it waits
 * abandons the wait; if the acquisition had already succeeded when the future could no longer be
 * completed, [undo] gives the permits back, so a cancelled future never leaves them held.
 */
@OptIn(DelicateCoroutinesApi::class)
internal fun future(acquire: suspend () -> Unit, undo: () -> Unit): CompletableFuture<Void?> {
  val future = CompletableFuture<Void?>()
  val job = GlobalScope.launch(Dispatchers.Unconfined, CoroutineStart.UNDISPATCHED) {
    try {
      acquire()
    } catch (e: Throwable) {
      future.completeExceptionally(e)
      return@launch
    }
    if (!future.complete(null)) undo()
  }
  future.whenComplete { _, _ -> if (future.isCancelled) job.cancel() }
  return future
}
