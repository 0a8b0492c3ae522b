package io.jcontext.samples.kotlin

import io.jcontext.ContextException
import io.jcontext.kotlin.awaitDone
import io.jcontext.kotlin.currentContext
import io.jcontext.kotlin.launch
import io.jcontext.kotlin.sleep
import io.jcontext.samples.Sample
import java.util.concurrent.CopyOnWriteArrayList
import kotlin.time.Duration.Companion.seconds
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.ExperimentalCoroutinesApi
import kotlinx.coroutines.coroutineScope
import kotlinx.coroutines.test.currentTime
import kotlinx.coroutines.test.runTest

/**
 * Seed 003 with coroutines: three workers launched with the bridge's `launch(ctx)` under one root
 * context; worker 2 derives a sub-context for worker 3, and worker 3, a grandchild, cancels the
 * root. All three stop, each seeing the root's one error instance, and their 3 s of work never
 * elapses: it runs on `runTest`'s virtual time, which ends at 0 ms.
 *
 * A bound coroutine is cancelled when its context is: the suspending [sleep] then throws the
 * coroutine's `CancellationException` (a `ContextDoneException` whose cause is `ctx.err()`), which
 * each worker rethrows after noting the error, as coroutine code should.
 */
@OptIn(ExperimentalCoroutinesApi::class)
public class CoroutineThreeWorkers : Sample {

  /** The events in order, the errors the workers saw, and the virtual time when all had stopped. */
  public data class Result(val events: List<String>, val errors: List<ContextException>, val endedAtMs: Long)

  /** Runs the scenario on `runTest` virtual time. */
  public fun runScenario(): Result {
    var result: Result? = null
    runTest {
      val events = CopyOnWriteArrayList<String>()
      val errors = CopyOnWriteArrayList<ContextException>()
      val root = currentContext().withCancel()
      try {
        coroutineScope {
          launch(root) { work(1, events, errors) }
          launch(root) {
            events += "worker 2 begin work"
            val sub = currentContext().withCancel() // a child of worker 2's context, hence of root
            try {
              launch(sub) {
                events += "worker 3 begin work"
                root.cancel() // a grandchild ends the whole tree
                events += "worker 3 ran cancel"
                awaitDone(currentContext())
                errors += currentContext().err()!!
                events += "worker 3 cancelled"
              }
              work(2, events, errors, announce = false)
            } finally {
              sub.cancel()
            }
          }
        }
      } finally {
        root.cancel()
      }
      result = Result(events.toList(), errors.toList(), currentTime)
    }
    return result!!
  }

  private suspend fun work(id: Int, events: MutableList<String>, errors: MutableList<ContextException>, announce: Boolean = true) {
    if (announce) events += "worker $id begin work"
    try {
      sleep(currentContext(), 3.seconds)
      events += "worker $id end work"
    } catch (e: CancellationException) {
      errors += currentContext().err()!!
      events += "worker $id cancelled"
      throw e
    }
  }

  override fun id(): String = "003-kt"

  override fun title(): String = "grandchild cancels the root (coroutines)"

  override fun run(): String {
    val r = runScenario()
    val cancelled = r.events.count { it.endsWith("cancelled") }
    check(cancelled == 3 && r.errors.size == 3 && r.errors.all { it === r.errors[0] } && r.endedAtMs == 0L) { r }
    return "3 of 3 coroutines cancelled at virtual ${r.endedAtMs} ms, one shared " +
      "${r.errors[0].javaClass.simpleName}; order: ${r.events.joinToString()}"
  }
}
