package io.jcontext.kotlin

import io.jcontext.Context
import kotlin.coroutines.CoroutineContext

/*
 * Finds the root for contexts the bridge creates: inside runTest (a TestCoroutineScheduler in the
 * coroutine context) a root on the scheduler's virtual clock, else Context.background().
 * kotlinx-coroutines-test is an optional dependency: its classes are touched only when present.
 */
internal object VirtualTimeSupport {
  private val present: Boolean =
    try {
      Class.forName("kotlinx.coroutines.test.TestCoroutineScheduler", false, VirtualTimeSupport::class.java.classLoader)
      true
    } catch (_: ClassNotFoundException) {
      false
    } catch (_: LinkageError) {
      false
    }

  fun defaultRoot(coroutineContext: CoroutineContext): Context =
    if (present) io.jcontext.kotlin.test.SchedulerClocks.rootOrNull(coroutineContext) ?: Context.background()
    else Context.background()
}
