package io.jcontext.kotlin

import io.jcontext.CancellableContext
import java.util.concurrent.atomic.AtomicBoolean
import kotlinx.coroutines.InternalCoroutinesApi
import kotlinx.coroutines.Job

// The binding of withContext(ctx) and async(ctx); see the implementation overview of Builders.kt.

/**
 * The binding of a coroutine whose Job is kotlinx's own (a [withContext] block, an [async]):
 * own's onDone callback (Context -> Job) and the Job's onCancelling handler (Job -> Context and
 * release), attached once, by the body's first line or the builder, whichever comes first.
 * Thread-safe; each role runs at most once.
 */
@OptIn(InternalCoroutinesApi::class)
internal class JobBinding(
  private val own: CancellableContext,
  /** The bound element installed with own; [enter] makes the Job its owner. */
  private val element: ContextElement,
) : Runnable, (Throwable?) -> Unit {
  /** The Job: set once by the [attach] that wins [attached], before it publishes this binding. */
  @Volatile
  private var job: Job? = null

  /** Whether [attach] has run (only the first call registers). */
  private val attached = AtomicBoolean()

  /** As [BoundCoroutine]'s: set once the Job has begun cancelling or has completed. */
  @Volatile
  private var over = false

  /**
   * First statement of the body: makes [job] the element's owner (before any user code), throws if
   * own is already done (the body must not run), else attaches.
   */
  fun enter(job: Job) {
    element.owner = job
    own.err()?.let { throw ContextDoneException(it) }
    attach(job)
  }

  /** Registers both roles on [job], once. */
  fun attach(job: Job) {
    if (!attached.compareAndSet(false, true)) return
    this.job = job
    // An already cancelling or complete Job runs the handler at once: own is released here.
    job.invokeOnCompletion(onCancelling = true, invokeImmediately = true, handler = this)
    // Then Context -> Job; if own is already done this runs at once and cancels the Job.
    if (!over) own.onDone(this)
  }

  /** own is done: cancel the Job with own's error, unless the Job is over (own was released). */
  override fun run() {
    if (over) return
    val err = own.err() ?: return
    job?.cancel(ContextDoneException(err))
  }

  /** The Job began cancelling ([cause]) or completed normally (null): cancel and release own. */
  override fun invoke(cause: Throwable?) {
    over = true
    own.releaseWithJob(cause)
  }
}
