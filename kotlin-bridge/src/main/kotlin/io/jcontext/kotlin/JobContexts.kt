package io.jcontext.kotlin

import io.jcontext.CancellableContext
import io.jcontext.ChildContext
import io.jcontext.Context
import java.util.concurrent.CancellationException
import kotlin.coroutines.CoroutineContext
import kotlinx.coroutines.InternalCoroutinesApi
import kotlinx.coroutines.Job
import kotlinx.coroutines.NonCancellable

/*
 * Implementation overview: the own context of a coroutine that no builder of ours bound (a plain
 * kotlinx launch/async/coroutineScope/withContext/runBlocking, with a carried element, an
 * inherited bound element, or none).
 *
 * One JobContext per Job, made by the first currentContext() call in that coroutine: a child of
 * the inherited element's context (or of the default root) plus the Job handler that follows the
 * Job, which is also its own entry in `byJob` (a JobTable: entries chained through the
 * JobContexts, no allocation per entry). The JobContext is the context itself (a core
 * ChildContext), so the first call costs that one object and kotlinx's handler node. Later calls
 * find it there (JobTable.peek, without a lock; a miss takes the locked insert, which finds it),
 * so one coroutine always sees one instance.
 *
 * Where else the per-Job context could live, and why not: a Job of ours (only the bound builders
 * make those, and they need no lookup); the coroutine context (immutable, and a plain launch's
 * holds only the inherited element); the handler node kotlinx keeps on the Job (reachable only
 * through JobSupport's internal state); a ConcurrentHashMap (one more object per entry and a
 * shared size counter: BENCHMARKS.md, "first currentContext()").
 *
 * Job -> Context: the JobContext is registered with `invokeOnCompletion(onCancelling = true,
 * invokeImmediately = true)`, the same kotlinx hook as the bound withContext/async (see the
 * overview in Builders.kt and OnCancellingContractSpec). kotlinx calls it once, synchronously,
 * when the Job starts cancelling (before its children finish), with the root cause; or, when the
 * Job completes normally, with null after the children. A Job already cancelling or complete
 * calls it at once, inside the registration, so a Job cancel racing the first call always ends
 * with the context cancelled.
 *
 * Release: the handler cancels the context, which unlinks it from its parent context in O(1).
 * The byJob entry must outlive the cancelling phase (the body's finally blocks still call
 * currentContext() and must get the same, now cancelled, instance): on normal completion the
 * handler removes it at once; on cancellation it registers a plain completion handler (same
 * object, second call) that removes it when the Job completes. The Job drops its handler nodes
 * when it completes. So once the Job is complete nothing refers to the context: no byJob entry,
 * no registration on the parent context, no handler on the Job.
 *
 * Invariants: an entry (job -> jc) is in byJob iff jc was inserted and its Job has not yet
 * completed (or jc's completion call has not yet run); jc.context is cancelled no later than the
 * Job starts cancelling; byJob is written only by derive (insert) and JobContext (remove).
 */
internal object JobContexts {
  /** Live per-Job contexts; an entry is removed by its JobContext when the Job completes. */
  private val byJob = JobTable()

  /** Entries not yet removed (tests: nothing is retained). */
  val size: Int get() = byJob.size

  @OptIn(InternalCoroutinesApi::class)
  fun derive(coroutineContext: CoroutineContext, job: Job?, carried: Context?): Context {
    val parent = carried ?: VirtualTimeSupport.defaultRoot(coroutineContext)
    // No Job, or one that never completes (its handlers never run): nothing to follow.
    if (job == null || job === NonCancellable) return parent
    // Without the lock: a miss falls through to putIfAbsent, which decides. A Job's coroutine
    // context, hence its element, is fixed, so a found entry is the right one.
    byJob.peek(job)?.let { return it.context }
    val created = JobContext(job, parent)
    val inForce = byJob.putIfAbsent(created)
    if (inForce !== created) {
      created.cancel()
      return inForce.context
    }
    // Inserted first, so the removal (possibly at once, if the Job is cancelling) finds it.
    job.invokeOnCompletion(onCancelling = true, invokeImmediately = true, handler = created)
    return created
  }

  fun remove(jc: JobContext) {
    byJob.remove(jc)
  }
}

/**
 * The own context of a coroutine's [job], a child of [parent], which is also the Job handler that
 * follows it and its JobTable entry (see the overview above): one object per coroutine. kotlinx
 * calls [invoke] at most twice, never concurrently: as the onCancelling handler, then, only if
 * the Job was cancelled, as the completion handler registered by the first call.
 */
internal class JobContext(val job: Job, parent: Context) : ChildContext(parent), (Throwable?) -> Unit {
  /** This object: the context the coroutine sees. */
  val context: CancellableContext get() = this

  /** The next entry in this one's JobTable chain; guarded by that table's segment lock. */
  @JvmField
  var next: JobContext? = null

  /** Set by the first call when the Job started cancelling: the next call is its completion. */
  @Volatile
  private var cancelling = false

  override fun invoke(cause: Throwable?) {
    if (cancelling) {
      JobContexts.remove(this) // the Job has completed
    } else if (cause == null) {
      JobContexts.remove(this) // the Job has completed normally, after its children
      cancel()
    } else {
      cancelling = true
      cancel(jobCause(cause))
      job.invokeOnCompletion(this) // at once if the Job is already complete
    }
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
