package io.jcontext.kotlin

import io.jcontext.CancellableContext
import kotlin.coroutines.CoroutineContext
import kotlinx.coroutines.AbstractCoroutine
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.CoroutineStart
import kotlinx.coroutines.InternalCoroutinesApi
import kotlinx.coroutines.handleCoroutineException

// The coroutine of a bound launch; why it subclasses kotlinx's AbstractCoroutine is in the
// implementation overview of Builders.kt.

/**
 * A coroutine bound to its context [own] (see the overview above): its [onCancelling] hook is
 * Job -> Context and the release, and it is own's onDone callback ([run]: Context -> Job).
 * Thread-safe; each role runs at most once. (Being Runnable is an implementation detail of the
 * Job returned to users, as kotlinx's coroutines are Continuations: it saves a callback object;
 * calling run() from outside only does what own being done does.)
 */
@OptIn(InternalCoroutinesApi::class)
internal abstract class BoundCoroutine<T>(
  parentContext: CoroutineContext,
  private val own: CancellableContext,
  active: Boolean,
) : AbstractCoroutine<T>(parentContext, initParentJob = true, active = active), Runnable {
  /**
   * Set (never cleared) once this Job has begun cancelling or has completed: from then on own is
   * being released, and own being done must not cancel the Job again.
   */
  @Volatile
  private var over = false

  /**
   * Registers Context -> Job, then starts [block] as [mode] says. If own is already done, the
   * Job is cancelled by then: a LAZY one is complete already (never started), any other is
   * started DEFAULT, which does not run the body of a cancelled Job (ATOMIC and UNDISPATCHED
   * would run it).
   */
  fun startBound(mode: CoroutineStart, block: suspend CoroutineScope.() -> T) {
    own.onDone(this)
    start(if (own.isDone && mode != CoroutineStart.LAZY) CoroutineStart.DEFAULT else mode, this, block)
  }

  /** kotlinx: this Job began cancelling ([cause]) or completed normally (null), once. */
  override fun onCancelling(cause: Throwable?) {
    super.onCancelling(cause)
    over = true
    own.releaseWithJob(cause)
  }

  /** own is done: cancel this Job with own's error, unless it is over (own was released). */
  override fun run() {
    if (over) return
    val err = own.err() ?: return
    cancel(ContextDoneException(err))
  }
}

/** The Job of a bound [launch]: uncaught exceptions go to the handler, as kotlinx's `launch`. */
@OptIn(InternalCoroutinesApi::class)
internal open class BoundStandaloneCoroutine(
  parentContext: CoroutineContext,
  own: CancellableContext,
  active: Boolean,
) : BoundCoroutine<Unit>(parentContext, own, active) {
  override fun handleJobException(exception: Throwable): Boolean {
    handleCoroutineException(context, exception)
    return true
  }
}

/** A bound [launch] with [CoroutineStart.LAZY]: the body is started (DEFAULT) by `start()`. */
@OptIn(InternalCoroutinesApi::class)
internal class LazyBoundStandaloneCoroutine(
  parentContext: CoroutineContext,
  own: CancellableContext,
  private val block: suspend CoroutineScope.() -> Unit,
) : BoundStandaloneCoroutine(parentContext, own, active = false) {
  override fun onStart() {
    CoroutineStart.DEFAULT(block, this, this)
  }
}
