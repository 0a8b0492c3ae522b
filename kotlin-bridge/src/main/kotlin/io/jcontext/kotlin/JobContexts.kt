package io.jcontext.kotlin

import io.jcontext.CancellableContext
import io.jcontext.Context
import java.util.concurrent.CancellationException
import java.util.concurrent.ConcurrentHashMap
import kotlin.coroutines.CoroutineContext
import kotlinx.coroutines.Job

/*
 * Implementation overview: contexts derived from a Job when no bound element is installed.
 *
 * One CancellableContext per Job (so repeated currentContext() calls see one instance), created on
 * first request as a child of the carried element's context or of the default root, and cancelled
 * by a Job.invokeOnCompletion handler, which also drops it from the cache: nothing is retained
 * once the Job completes. invokeOnCompletion is the only public hook a Job offers without running
 * code inside it, and it fires after the Job's children complete; the bound forms avoid that delay.
 */
internal object JobContexts {
  /** Live derived contexts by Job. An entry is removed by its Job's completion handler. */
  private val byJob = ConcurrentHashMap<Job, CancellableContext>()

  fun derive(coroutineContext: CoroutineContext, carried: Context?): Context {
    val parent = carried ?: VirtualTimeSupport.defaultRoot(coroutineContext)
    val job = coroutineContext[Job] ?: return parent
    byJob[job]?.let { return it } // a Job's coroutine context, hence its carried element, is fixed
    val created = parent.withCancel()
    val existing = byJob.putIfAbsent(job, created)
    if (existing != null) {
      created.cancel()
      return existing
    }
    job.invokeOnCompletion { cause ->
      byJob.remove(job, created)
      if (cause == null) created.cancel() else created.cancel(jobCause(cause))
    }
    return created
  }
}

/**
 * Returns the exception a Job was cancelled with, as seen by one of its children: a failure is
 * delivered to children wrapped in kotlinx's internal `JobCancellationException`, which this
 * unwraps so the context's cause is the failure itself.
 */
internal fun jobCause(cause: Throwable): Throwable {
  if (cause is CancellationException && cause !is io.jcontext.ContextException) {
    val inner = cause.cause
    if (inner != null && cause.javaClass.name == "kotlinx.coroutines.JobCancellationException") {
      return inner
    }
  }
  return cause
}

/**
 * Releases the own context of a bound coroutine (BoundCoroutine, JobBinding) when its Job began
 * cancelling with [cause] (the context is cancelled with the Job's exception, unwrapped) or
 * completed normally (`null`: cancelled without a cause).
 */
internal fun CancellableContext.releaseWithJob(cause: Throwable?) {
  if (cause == null) cancel() else cancel(jobCause(cause))
}
