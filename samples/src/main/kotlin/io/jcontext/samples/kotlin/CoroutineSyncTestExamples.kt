package io.jcontext.samples.kotlin

import io.jcontext.Context
import io.jcontext.ContextException
import io.jcontext.DeadlineExceededException
import io.jcontext.kotlin.currentContext
import io.jcontext.kotlin.sleep
import io.jcontext.kotlin.test.backgroundContext
import io.jcontext.kotlin.withContextTimeout
import io.jcontext.samples.Sample
import io.jcontext.testing.Bubble
import java.util.concurrent.atomic.AtomicBoolean
import kotlin.time.Duration.Companion.hours
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds
import kotlinx.coroutines.ExperimentalCoroutinesApi
import kotlinx.coroutines.asExecutor
import kotlinx.coroutines.test.StandardTestDispatcher
import kotlinx.coroutines.test.TestScope
import kotlinx.coroutines.test.currentTime
import kotlinx.coroutines.test.runCurrent
import kotlinx.coroutines.test.runTest

/**
 * Seed 002's `synctest` examples in Kotlin: `runTest`'s virtual time plays Go's bubble, through
 * the bridge (a jcontext context created inside `runTest` runs on the test scheduler's clock).
 *
 * - `TestAfterFunc`: the function is handed to a test dispatcher (as an `Executor`), so
 *   `runCurrent()` is `synctest.Wait`: it runs everything that can run now, and then the test
 *   looks whether the function has been called.
 * - `TestWithTimeout`: a jcontext 5 s timeout is still live at virtual 4 999 ms and expired at
 *   5 000 ms; the bridge's suspending [sleep] advances virtual time, nothing waits for real.
 * - The same with the bridge's [withContextTimeout]: a block sleeping for an hour is ended with
 *   a [DeadlineExceededException] at exactly virtual 5 000 ms.
 * - Both tests once more in a jcontext [Bubble], for Kotlin code that blocks threads rather than
 *   suspends: written as Go writes them (sleep, `bubble.await()` for `synctest.Wait`, look).
 */
@OptIn(ExperimentalCoroutinesApi::class)
public class CoroutineSyncTestExamples : Sample {

  /** What TestAfterFunc saw: called before cancel, called right after cancel (before Wait), after. */
  public data class AfterFunc(val calledBeforeCancel: Boolean, val calledInsideCancel: Boolean, val calledAfterWait: Boolean)

  /** What TestWithTimeout saw at 4 999 ms and 5 000 ms (virtual), and when the bridge's timeout fired. */
  public data class WithTimeout(
    val errJustBefore: ContextException?,
    val errAtDeadline: ContextException?,
    val blockTimeout: DeadlineExceededException?,
    val blockEndedAtMs: Long,
  )

  /** Go's TestAfterFunc, on `runTest`. */
  public fun afterFunc(): AfterFunc {
    var result: AfterFunc? = null
    runTest {
      val ctx = backgroundContext().withCancel()
      var called = false
      ctx.afterFunc({ called = true }, StandardTestDispatcher(testScheduler).asExecutor())
      runCurrent() // synctest.Wait()
      val before = called
      ctx.cancel()
      val inside = called // handed to the dispatcher, not run inside cancel
      runCurrent()
      result = AfterFunc(before, inside, called)
    }
    return result!!
  }

  /** Go's TestWithTimeout, then the same deadline around a suspending block. */
  public fun withTimeout(): WithTimeout {
    var result: WithTimeout? = null
    runTest { result = withTimeoutOn(this) }
    return result!!
  }

  private suspend fun withTimeoutOn(scope: TestScope): WithTimeout {
    val root: Context = scope.backgroundContext()
    val ctx = root.withTimeout(java.time.Duration.ofSeconds(5))
    sleep(root, 4_999.milliseconds) // virtual
    val before = ctx.err()
    sleep(root, 1.milliseconds)
    val at = ctx.err()
    ctx.cancel()

    val start = scope.currentTime
    var timeout: DeadlineExceededException? = null
    try {
      withContextTimeout(5.seconds) { sleep(currentContext(), 1.hours) }
    } catch (e: DeadlineExceededException) {
      timeout = e
    }
    return WithTimeout(before, at, timeout, scope.currentTime - start)
  }

  /** Go's TestAfterFunc in a bubble: [AfterFunc.calledInsideCancel] is what the body saw right after cancel. */
  public fun afterFuncInBubble(): AfterFunc = Bubble.call { bubble ->
    val ctx = bubble.context().withCancel()
    val called = AtomicBoolean()
    ctx.afterFunc { called.set(true) } // runs on a new thread of the bubble
    bubble.await() // synctest.Wait()
    val before = called.get()
    ctx.cancel()
    bubble.await()
    AfterFunc(before, calledInsideCancel = false, calledAfterWait = called.get())
  }

  /** Go's TestWithTimeout in a bubble: blocking [Context.sleep] on the bubble's clock. */
  public fun withTimeoutInBubble(): Pair<ContextException?, ContextException?> = Bubble.call { bubble ->
    val timeout = java.time.Duration.ofSeconds(5)
    bubble.context().withTimeout(timeout).use { ctx ->
      Context.sleep(bubble.context(), timeout.minusNanos(1))
      bubble.await()
      val before = ctx.err()
      Context.sleep(bubble.context(), java.time.Duration.ofNanos(1))
      bubble.await()
      before to ctx.err()
    }
  }

  override fun id(): String = "002-synctest-kt"

  override fun title(): String = "synctest examples on runTest (Kotlin)"

  override fun run(): String {
    val a = afterFunc()
    val t = withTimeout()
    check(a == AfterFunc(calledBeforeCancel = false, calledInsideCancel = false, calledAfterWait = true)) { a }
    check(t.errJustBefore == null && t.errAtDeadline is DeadlineExceededException && t.blockTimeout != null &&
      t.blockEndedAtMs == 5_000L) { t }
    val ab = afterFuncInBubble()
    val tb = withTimeoutInBubble()
    check(!ab.calledBeforeCancel && ab.calledAfterWait) { ab }
    check(tb.first == null && tb.second is DeadlineExceededException) { tb }
    return "AfterFunc: not called before cancel, queued by cancel, called after runCurrent; WithTimeout 5 s: " +
      "err null at 4 999 ms, ${t.errAtDeadline.javaClass.simpleName} at 5 000 ms; withContextTimeout(5.seconds) " +
      "around sleep(1 h) ended at virtual ${t.blockEndedAtMs} ms; the same two tests in a Bubble (threads): " +
      "not called before cancel, called after Wait; err null at 5 s - 1 ns, deadline exceeded at 5 s"
  }
}
