package io.jcontext.kotlin

import io.jcontext.sync.ContextTask
import io.jcontext.sync.Group
import java.util.concurrent.CompletionException
import java.util.concurrent.ExecutionException
import kotlinx.coroutines.currentCoroutineContext
import kotlinx.coroutines.ensureActive
import java.util.concurrent.CompletionStage
import kotlinx.coroutines.suspendCancellableCoroutine

/*
 * Implementation overview: both functions suspend on the stages of the Java Group's non-blocking
 * forms (Group.awaitAsync, Group.goAsync), so no thread is held while they wait. Cancelling the
 * coroutine cancels the stage, and the Group reacts to
 * that: awaitAsync's cancellation cancels the group's context, goAsync's withdraws the request
 * from the limit's line. No state of their own: nothing to leak.
 */

/**
 * Suspends until every task started on this group so far has returned, then, like [Group.await],
 * cancels the group's context and throws the group's first failure, if any. No thread is held
 * while it waits.
 *
 * Contract:
 * - **Result**: returns normally if no task failed; otherwise throws an [ExecutionException]
 *   whose cause is the group's first failure (by completion order), exactly as the blocking
 *   [Group.await]. (It is not unwrapped: a task failing with a `CancellationException`, e.g. a
 *   `ContextException`, would otherwise look like the cancellation of the caller.) Afterwards
 *   [Group.context] is done.
 * - **Cancellation of the awaiting coroutine** cancels the group's context (cause: the
 *   `CancellationException`), as an interrupt of the blocking form does, and throws at once
 *   without waiting for the tasks; the group stays usable and may be awaited again. A coroutine
 *   already cancelled when it calls this leaves the group alone.
 * - **Memory**: everything a task did happens-before this function returns or throws.
 *
 * @throws ExecutionException with the group's first failure as cause
 * @throws kotlinx.coroutines.CancellationException if the calling coroutine is cancelled first
 */
public suspend fun Group.awaitSuspending() {
  currentCoroutineContext().ensureActive() // already cancelled: leave the group alone
  awaitStage(awaitAsync())
}

/**
 * Starts [task] on the group like [Group.go], but waits for a slot of the limit ([Group.setLimit])
 * by suspending in the limit's FIFO line instead of blocking a thread. Without a limit, or with a
 * free slot, it starts the task at once without suspending.
 *
 * Cancellation: if the coroutine is cancelled while waiting for a slot, the request leaves the
 * line and the task never starts, unless the slot was granted at that very instant, in which case
 * the task starts (and counts for [Group.await]) although this function throws.
 *
 * @throws java.util.concurrent.RejectedExecutionException if the group's executor rejects the task
 * @throws kotlinx.coroutines.CancellationException if the coroutine is cancelled while waiting
 */
public suspend fun Group.goSuspending(task: ContextTask) {
  currentCoroutineContext().ensureActive() // already cancelled: start nothing
  awaitStage(goAsync(task))
}

/**
 * Suspends until [stage] completes and throws its failure in this frame. (Resuming with the failure
 * would let kotlinx's stack-trace recovery in debug mode hand the caller a copy whose cause is the
 * ExecutionException, not the ExecutionException whose cause is the first failure.) Cancelling
 * the coroutine cancels the stage, which the Group turns into its documented reaction.
 */
private suspend fun awaitStage(stage: CompletionStage<Void?>) {
  val future = stage.toCompletableFuture()
  val failure: Throwable? = suspendCancellableCoroutine { c ->
    future.whenComplete { _, e -> c.resume(e, null) }
    c.invokeOnCancellation { future.cancel(false) }
  }
  if (failure != null) throw (failure as? CompletionException)?.cause ?: failure
}
