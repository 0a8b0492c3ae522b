package io.jcontext.kotlin

import io.jcontext.sync.Group
import java.util.concurrent.ExecutionException
import kotlin.coroutines.CoroutineContext
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.runInterruptible

/*
 * Implementation overview: Group has no completion future or callback in its public API; the only
 * way to learn that every task has returned is the blocking Group.await(). So the suspending form
 * runs that blocking wait on a thread of [context] (Dispatchers.IO by default) with
 * runInterruptible: the calling coroutine suspends, an IO thread blocks. Cancelling the coroutine
 * interrupts that thread; Group.await() reacts to the interrupt by cancelling the group's context
 * (cause: the InterruptedException) and returning at once, so the IO thread is freed and nothing
 * stays behind. No state of its own: nothing to leak. The ExecutionException is returned, not
 * thrown, across the dispatcher hop and rethrown in the caller (see below).
 */

/**
 * Suspends until every task started on this group so far has returned, then, like [Group.await],
 * cancels the group's context and throws the group's first failure, if any.
 *
 * Contract:
 * - **Result**: returns normally if no task failed; otherwise throws an [ExecutionException]
 *   whose cause is the group's first failure (by completion order), exactly as the blocking
 *   [Group.await] does. (It is not unwrapped: a task failing with a `CancellationException`, e.g.
 *   a `ContextException`, would otherwise look like the cancellation of the caller.) Afterwards
 *   [Group.context] is done, as after the blocking form.
 * - **Threads**: the group's public API offers no completion signal, so the wait blocks one thread
 *   of [context] (default [Dispatchers.IO], which is sized for blocking) for as long as the tasks
 *   run; the calling coroutine's own thread is not blocked. Pass a different dispatcher to bound
 *   or observe that thread.
 * - **Cancellation of the awaiting coroutine** while it waits interrupts the blocked thread. The
 *   blocking [Group.await] then cancels the group's context with the `InterruptedException` as
 *   cause, so the tasks are told to stop, but this function does not wait for them: it throws the
 *   coroutine's `CancellationException` at once and the thread returns to its pool. The tasks may
 *   still be running; the group stays usable and may be awaited again (blocking or suspending)
 *   to join them. If the coroutine is cancelled before the wait has started, the group is not
 *   touched. If it is cancelled just as the wait completes, the coroutine's cancellation wins
 *   (the group's outcome is then only visible through another await).
 * - **Memory**: everything a task did happens-before this function returns or throws its
 *   failure (through [Group.await] and the dispatcher's hand-off back to the caller).
 *
 * @throws ExecutionException with the group's first failure as cause
 * @throws kotlinx.coroutines.CancellationException if the calling coroutine is cancelled first
 */
public suspend fun Group.awaitSuspending(context: CoroutineContext = Dispatchers.IO) {
  val group = this
  // The failure travels back as a value and is thrown here, in the caller's frame: resuming with
  // it would let kotlinx's stack-trace recovery (debug mode) hand the caller a copy whose cause is
  // the ExecutionException, not the ExecutionException whose cause is the first failure.
  val failure: ExecutionException? = runInterruptible(context) {
    try {
      group.await()
      null
    } catch (e: ExecutionException) {
      e
    }
  }
  if (failure != null) throw failure
}
