package io.jcontext.kotlin

import io.jcontext.ContextException
import java.util.concurrent.CancellationException
import kotlinx.coroutines.CopyableThrowable
import kotlinx.coroutines.ExperimentalCoroutinesApi

/**
 * The `CancellationException` a bound coroutine (see [withContext]) is cancelled with when its
 * jcontext context is done. Its [cause] is the context's [err] — a
 * [io.jcontext.ContextCancelledException] or [io.jcontext.DeadlineExceededException] — whose own
 * cause is the cause given to the cancellation or deadline; [isTimeout] tells a deadline apart.
 *
 * It is never copied by kotlinx's stack-trace recovery, so code inside the coroutine sees this
 * very instance and the context's exception as its cause. The bound builders themselves
 * ([withContext], [withDeadline], [withContextTimeout]) throw [err] to their caller, as kotlinx's
 * `withTimeout` throws its own exception.
 */
@OptIn(ExperimentalCoroutinesApi::class)
public class ContextDoneException internal constructor(
  /** The context's `err()`: the reason the coroutine was cancelled. */
  public val err: ContextException,
) : CancellationException(err.message), CopyableThrowable<ContextDoneException> {

  init {
    initCause(err)
  }

  /** Whether the context's deadline (rather than an explicit cancel) ended the coroutine. */
  public val isTimeout: Boolean get() = err.isTimeout

  /** Not copied: the instance (and its cause chain) is what code inside the coroutine sees. */
  override fun createCopy(): ContextDoneException? = null
}
