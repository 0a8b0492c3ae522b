package io.jcontext.kotlin

import io.kotest.assertions.withClue
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.booleans.shouldBeFalse
import io.kotest.matchers.booleans.shouldBeTrue
import io.kotest.matchers.collections.shouldBeEmpty
import io.kotest.matchers.collections.shouldContainExactly
import io.kotest.matchers.nulls.shouldBeNull
import io.kotest.matchers.shouldBe
import io.kotest.matchers.types.shouldBeInstanceOf
import io.kotest.matchers.types.shouldBeSameInstanceAs
import java.io.IOException
import java.util.Collections
import java.util.concurrent.CancellationException
import kotlin.coroutines.CoroutineContext
import kotlinx.coroutines.AbstractCoroutine
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.CoroutineStart
import kotlinx.coroutines.ExperimentalCoroutinesApi
import kotlinx.coroutines.InternalCoroutinesApi
import kotlinx.coroutines.Job
import kotlinx.coroutines.NonCancellable
import kotlinx.coroutines.awaitCancellation
import kotlinx.coroutines.coroutineScope
import kotlinx.coroutines.job
import kotlinx.coroutines.launch
import kotlinx.coroutines.newCoroutineContext
import kotlinx.coroutines.test.StandardTestDispatcher
import kotlinx.coroutines.test.TestScope
import kotlinx.coroutines.test.runCurrent
import kotlinx.coroutines.test.runTest
import kotlinx.coroutines.withContext

/**
 * Pins the kotlinx.coroutines behaviour the bound builders (Builders.kt) rely on, for both hooks
 * they use, both internal to kotlinx 1.11.0:
 * - [Hook.HANDLER]: `Job.invokeOnCompletion(onCancelling = true, invokeImmediately = true, h)`
 *   (`@InternalCoroutinesApi`), the bound `withContext`'s hook;
 * - [Hook.OVERRIDE]: an `AbstractCoroutine` subclass overriding `onCancelling` (the bound
 *   `launch`/`async` coroutines).
 * If a kotlinx upgrade changes any of this, this spec fails, and the bridge must go back to a
 * probe child Job for the prompt Job -> Context link (see the overview in Builders.kt).
 *
 * Relied on: the hook runs exactly once; synchronously inside `cancel()` (the Job starts
 * cancelling), before a child that is still running finishes, with the root cause; with `null`
 * when the Job completes normally, only after its children completed; for a LAZY Job cancelled
 * before it started; with the failure itself when a child or the body fails; a handler registered
 * on a Job that is already cancelling or complete runs at once. A parent's failure reaches a
 * child's hook wrapped in kotlinx's JobCancellationException, which [jobCause] unwraps. The
 * per-Job contexts of plain coroutines (JobContexts) use the HANDLER hook on kotlinx's own Jobs,
 * and also rely on a completion handler registered from inside it running once at completion.
 */
@OptIn(InternalCoroutinesApi::class, ExperimentalCoroutinesApi::class)
class OnCancellingContractSpec : FunSpec({

  test("fires inside cancel(), before a running child finishes, with the cause, exactly once") {
    forEachHook { hook ->
      val release = CompletableDeferred<Unit>()
      val (job, calls) = launchWithHook(hook) {
        launch { withContext(NonCancellable) { release.await() } }
        awaitCancellation()
      }
      runCurrent()
      calls.shouldBeEmpty()
      val stop = CancellationException("stop")
      job.cancel(stop)
      calls.size shouldBe 1 // synchronously, in cancel()
      calls[0] shouldBeSameInstanceAs stop
      job.isCompleted.shouldBeFalse() // the child still runs
      release.complete(Unit)
      job.join()
      calls.size shouldBe 1 // not again at completion
    }
  }

  test("normal completion: fires once with null, only after the children completed") {
    forEachHook { hook ->
      val gate = CompletableDeferred<Unit>()
      val (job, calls) = launchWithHook(hook) { launch { gate.await() } }
      runCurrent() // the body has returned; its child waits
      job.isActive.shouldBeTrue()
      calls.shouldBeEmpty()
      gate.complete(Unit)
      job.join()
      calls shouldContainExactly listOf(null)
    }
  }

  test("normal completion of a Job with no child and no other handler (kotlinx's fast path)") {
    forEachHook { hook ->
      val (job, calls) = launchWithHook(hook) {}
      runCurrent()
      job.isCompleted.shouldBeTrue()
      calls shouldContainExactly listOf(null)
    }
  }

  test("a LAZY Job cancelled before it started runs the hook with the cause") {
    forEachHook { hook ->
      val (job, calls) = launchWithHook(hook, CoroutineStart.LAZY) { awaitCancellation() }
      val stop = CancellationException("before start")
      job.cancel(stop)
      calls.size shouldBe 1
      calls[0] shouldBeSameInstanceAs stop
    }
  }

  test("a failing body: the hook gets the failure itself") {
    forEachHook { hook ->
      val boom = IOException("boom")
      var calls: List<Throwable?> = emptyList()
      runCatching {
        coroutineScope { calls = launchWithHook(hook) { throw boom }.second }
      }.exceptionOrNull().shouldBeInstanceOf<IOException>() // maybe a stack-trace-recovered copy
      calls.size shouldBe 1
      calls[0] shouldBeSameInstanceAs boom
    }
  }

  test("a failing child: the hook gets the failure itself, before the siblings finish") {
    forEachHook { hook ->
      val boom = IOException("boom")
      val release = CompletableDeferred<Unit>()
      var sibling: Job? = null
      var siblingDoneAtHook: Boolean? = null
      var calls: List<Throwable?> = emptyList()
      runCatching {
        coroutineScope {
          calls = launchWithHook(hook, onHook = {
            siblingDoneAtHook = sibling!!.isCompleted
            release.complete(Unit) // lets the sibling finish, after the hook looked
          }) {
            sibling = launch { withContext(NonCancellable) { release.await() } }
            launch { throw boom }
            awaitCancellation()
          }.second
        }
      }.exceptionOrNull().shouldBeInstanceOf<IOException>()
      calls.size shouldBe 1
      calls[0] shouldBeSameInstanceAs boom
      siblingDoneAtHook shouldBe false
    }
  }

  test("a parent's failure reaches a child's hook as JobCancellationException around it") {
    forEachHook { hook ->
      val boom = IOException("boom")
      var calls: List<Throwable?> = emptyList()
      runCatching {
        coroutineScope {
          calls = launchWithHook(hook) { awaitCancellation() }.second
          launch { throw boom }
        }
      }
      calls.size shouldBe 1
      val wrapper = calls[0].shouldBeInstanceOf<CancellationException>()
      wrapper.javaClass.name shouldBe "kotlinx.coroutines.JobCancellationException"
      jobCause(wrapper) shouldBeSameInstanceAs boom
    }
  }

  test("a handler registered on a cancelling Job runs at once with the root cause; on a complete Job, at once") {
    runTest(StandardTestDispatcher()) {
      val release = CompletableDeferred<Unit>()
      val job = launch { withContext(NonCancellable) { release.await() } }
      runCurrent()
      val stop = CancellationException("stop")
      job.cancel(stop)
      var seen: Throwable? = null
      var calls = 0
      job.invokeOnCompletion(onCancelling = true, invokeImmediately = true) { seen = it; calls++ }
      calls shouldBe 1
      seen shouldBeSameInstanceAs stop
      release.complete(Unit)
      job.join()
      calls shouldBe 1

      val done = launch {}
      done.join()
      var late: Throwable? = CancellationException("not called")
      done.invokeOnCompletion(onCancelling = true, invokeImmediately = true) { late = it }
      late.shouldBeNull()
    }
  }

  test("JobContexts: a completion handler registered inside the onCancelling handler runs once, when the Job completes") {
    // The per-Job context of a plain coroutine (JobContexts) is cancelled by the onCancelling
    // handler and dropped from its cache by a plain completion handler that this one registers:
    // it must run after the children, once, also on a Job that was already cancelling.
    runTest(StandardTestDispatcher()) {
      for (alreadyCancelling in listOf(false, true)) {
        val release = CompletableDeferred<Unit>()
        val events = Collections.synchronizedList(mutableListOf<String>())
        val job = launch {
          launch { withContext(NonCancellable) { release.await(); events += "child done" } }
          awaitCancellation()
        }
        runCurrent()
        if (alreadyCancelling) job.cancel()
        job.invokeOnCompletion(onCancelling = true, invokeImmediately = true) { cause ->
          events += "cancelling ${cause != null}"
          job.invokeOnCompletion { events += "completed ${job.isCompleted}" }
        }
        if (!alreadyCancelling) job.cancel()
        withClue("alreadyCancelling=$alreadyCancelling") {
          events shouldContainExactly listOf("cancelling true")
          release.complete(Unit)
          job.join()
          events shouldContainExactly listOf("cancelling true", "child done", "completed true")
        }
      }
    }
  }
})

/** The two kotlinx hooks the bridge uses to see a Job begin cancelling. */
private enum class Hook { HANDLER, OVERRIDE }

private fun forEachHook(body: suspend TestScope.(Hook) -> Unit) {
  for (hook in Hook.values()) {
    withClue("hook $hook") { runTest(StandardTestDispatcher()) { body(hook) } }
  }
}

/**
 * Launches [block] with [hook] recording each call (and running [onHook]) in the returned list:
 * HANDLER registers it on a kotlinx `launch` right after launching (before the body runs under
 * the test dispatcher); OVERRIDE is an AbstractCoroutine whose onCancelling records.
 */
@OptIn(InternalCoroutinesApi::class, ExperimentalCoroutinesApi::class)
private fun CoroutineScope.launchWithHook(
  hook: Hook,
  start: CoroutineStart = CoroutineStart.DEFAULT,
  onHook: () -> Unit = {},
  block: suspend CoroutineScope.() -> Unit,
): Pair<Job, List<Throwable?>> {
  val calls = Collections.synchronizedList(mutableListOf<Throwable?>())
  val record = { cause: Throwable? ->
    calls += cause
    onHook()
  }
  return when (hook) {
    Hook.HANDLER -> {
      val job = launch(start = start, block = block)
      job.invokeOnCompletion(onCancelling = true, invokeImmediately = true, handler = record)
      job to calls
    }
    Hook.OVERRIDE -> {
      val coroutine = RecordingCoroutine(newCoroutineContext(coroutineContext), !start.isLazy, record)
      coroutine.start(start, coroutine, block)
      coroutine to calls
    }
  }
}

/** The shape of the bridge's BoundCoroutine: an AbstractCoroutine whose onCancelling is the hook. */
@OptIn(InternalCoroutinesApi::class)
private class RecordingCoroutine(
  parentContext: CoroutineContext,
  active: Boolean,
  private val record: (Throwable?) -> Unit,
) : AbstractCoroutine<Unit>(parentContext, initParentJob = true, active = active) {
  override fun onCancelling(cause: Throwable?) {
    super.onCancelling(cause)
    record(cause)
  }
}
