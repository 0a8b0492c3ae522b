package io.jcontext.kotlin

import io.jcontext.CancellableContext
import io.jcontext.Context
import io.jcontext.DeadlineExceededException
import io.jcontext.Stop
import java.time.Instant
import java.util.concurrent.atomic.AtomicInteger
import kotlin.coroutines.CoroutineContext
import kotlin.coroutines.EmptyCoroutineContext
import kotlin.time.Duration
import kotlin.time.toJavaDuration
import kotlinx.coroutines.CompletableJob
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.CoroutineStart
import kotlinx.coroutines.Deferred
import kotlinx.coroutines.Job
import kotlinx.coroutines.async as kxAsync
import kotlinx.coroutines.job
import kotlinx.coroutines.launch as kxLaunch
import kotlinx.coroutines.withContext as kxWithContext

/*
 * Implementation overview: binding a jcontext Context to a coroutine's Job, both ways.
 *
 * Each bound coroutine gets its own context `own = ctx.withCancel()`, installed as a bound
 * ContextElement (what currentContext() returns there and in its children).
 *  - Context -> Job: `own.onDone { job.cancel(own.err()) }`. own is done when ctx is (deadline,
 *    cancel), so the Job is cancelled with a ContextDoneException wrapping the ctx's
 *    ContextException (never copied by stack-trace recovery; isTimeout() tells a deadline).
 *  - Job -> Context, promptly: a probe `Job(job)` child. A cancelling Job cancels its children
 *    synchronously, and the probe, having no children or body, completes at once; its completion
 *    handler cancels own with the Job's exception. invokeOnCompletion on the Job itself would
 *    fire only after all children finished.
 *  - The probe must not keep the Job from completing: when the body returns, the probe completes
 *    as soon as the Job's other children have completed (counted with their own handlers).
 *  - Release: when the coroutine is over (withContext returned; launch/async Job completed) the
 *    ctx registration is stopped and own is cancelled, which unregisters it from ctx in O(1).
 */

/**
 * Calls [block] in a coroutine bound to [ctx] (optionally with extra [context] elements, e.g. a
 * dispatcher) and returns its result, like kotlinx's `withContext`.
 *
 * Contract:
 * - Inside, [currentContext] is a child of [ctx]: values and deadline come from [ctx].
 * - When [ctx] is done (cancelled or past its deadline) the block is cancelled with a
 *   [ContextDoneException] whose cause is `ctx.err()`: a [io.jcontext.ContextCancelledException],
 *   or a [DeadlineExceededException] (`isTimeout()`) for a deadline, itself carrying the ctx's
 *   cause. This function then throws that `ctx.err()`, as kotlinx's `withTimeout` throws its own
 *   exception (a `CancellationException`: uncaught, it ends the caller quietly).
 * - When the coroutine is cancelled (by its parent, by a failing child, ...), the context seen
 *   inside is cancelled at once, before children finish, with the Job's exception as cause (a
 *   failure, not kotlinx's wrapper around it).
 * - If [ctx] is already done, [block] does not run and `ctx.err()` is thrown.
 * - When this returns or throws, every registration it made on [ctx] is gone and the inner
 *   context is cancelled (as Go's `defer cancel()`).
 */
public suspend fun <T> withContext(
  ctx: Context,
  context: CoroutineContext = EmptyCoroutineContext,
  block: suspend CoroutineScope.() -> T,
): T {
  val own = ctx.withCancel()
  var reg: Stop? = null
  try {
    return kxWithContext(context + ContextElement(own, bound = true)) {
      val job = coroutineContext.job
      reg = own.onDone { job.cancel(ContextDoneException(own.err())) }
      runBound(own, job, block)
    }
  } catch (e: ContextDoneException) {
    // Our own context ended the block: hand the caller the context's exception itself.
    throw if (e.err === own.err()) e.err else e
  } finally {
    // Children have completed by now: stop Context -> Job, then release own from ctx.
    reg?.stop()
    own.cancel()
  }
}

/**
 * Launches a coroutine bound to [ctx], as kotlinx's `launch`, with the contract of [withContext]:
 * [ctx] done cancels it with `ctx.err()`; its cancellation cancels the [currentContext] seen
 * inside at once; when the Job completes, its registrations on [ctx] are removed. If [ctx] is
 * already done, the body does not run and the Job completes cancelled (a [ContextDoneException]).
 */
public fun CoroutineScope.launch(
  ctx: Context,
  context: CoroutineContext = EmptyCoroutineContext,
  start: CoroutineStart = CoroutineStart.DEFAULT,
  block: suspend CoroutineScope.() -> Unit,
): Job {
  val own = ctx.withCancel()
  val job = kxLaunch(context + ContextElement(own, bound = true), start) {
    runBound(own, coroutineContext.job, block)
  }
  bindJob(own, job)
  return job
}

/** [async] bound to [ctx]: the contract of [launch], with a result. */
public fun <T> CoroutineScope.async(
  ctx: Context,
  context: CoroutineContext = EmptyCoroutineContext,
  start: CoroutineStart = CoroutineStart.DEFAULT,
  block: suspend CoroutineScope.() -> T,
): Deferred<T> {
  val own = ctx.withCancel()
  val deferred = kxAsync(context + ContextElement(own, bound = true), start) {
    runBound(own, coroutineContext.job, block)
  }
  bindJob(own, deferred)
  return deferred
}

/**
 * Runs [block] under a child of the [currentContext] whose deadline is [deadline] (Go's
 * `WithDeadlineCause`), bound as [withContext]. Java code called inside sees it as `deadline()`;
 * at the deadline the block is cancelled and this throws the [DeadlineExceededException] (its
 * cause is [cause]). An earlier deadline already in force stays in force. The deadline follows
 * the context's clock: inside `runTest` that is virtual time.
 */
public suspend fun <T> withDeadline(
  deadline: Instant,
  cause: Throwable? = null,
  block: suspend CoroutineScope.() -> T,
): T {
  val child = currentContext().withDeadline(deadline, cause)
  return try {
    withContext(child, EmptyCoroutineContext, block)
  } finally {
    child.cancel()
  }
}

/**
 * [withDeadline] at now + [timeout] on the current context's clock (Go's `WithTimeoutCause`):
 * `withContextTimeout(5.seconds) { … }` throws [DeadlineExceededException] if the block has not
 * finished after 5 s (virtual seconds inside `runTest`). Zero or negative: already expired.
 * Named so as not to clash with kotlinx's `withTimeout`, which knows nothing of jcontext.
 */
public suspend fun <T> withContextTimeout(
  timeout: Duration,
  cause: Throwable? = null,
  block: suspend CoroutineScope.() -> T,
): T {
  val child = currentContext().withTimeout(timeout.toJavaDuration(), cause)
  return try {
    withContext(child, EmptyCoroutineContext, block)
  } finally {
    child.cancel()
  }
}

/** Context -> Job for launch/async, and release once the Job has completed. */
private fun bindJob(own: CancellableContext, job: Job) {
  val reg = own.onDone { job.cancel(ContextDoneException(own.err())) }
  job.invokeOnCompletion { cause ->
    reg.stop()
    if (cause == null) own.cancel() else own.cancel(jobCause(cause))
  }
}

/** Runs [block] inside the bound coroutine whose Job is [job], with the prompt Job -> own probe. */
private suspend fun <T> CoroutineScope.runBound(
  own: CancellableContext,
  job: Job,
  block: suspend CoroutineScope.() -> T,
): T {
  own.err()?.let { throw ContextDoneException(it) }
  val probe = Job(job)
  probe.invokeOnCompletion { cause -> if (cause != null) own.cancel(jobCause(cause)) }
  try {
    return block()
  } finally {
    completeAfterSiblings(job, probe)
  }
}

/** Completes [probe] once every other child of [job] has completed (at once if there is none). */
private fun completeAfterSiblings(job: Job, probe: CompletableJob) {
  var others: ArrayList<Job>? = null
  for (child in job.children) {
    if (child !== probe) (others ?: ArrayList<Job>().also { others = it }).add(child)
  }
  val list = others
  if (list == null) {
    probe.complete()
    return
  }
  val remaining = AtomicInteger(list.size)
  for (child in list) {
    child.invokeOnCompletion { if (remaining.decrementAndGet() == 0) probe.complete() }
  }
}
