package io.jcontext.kotlin

import io.jcontext.CancellableContext
import io.jcontext.Clock
import io.jcontext.Context
import io.jcontext.ContextCancelledException
import io.jcontext.DeadlineExceededException
import io.jcontext.Key
import io.jcontext.testing.VirtualClock
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.assertions.withClue
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.booleans.shouldBeFalse
import io.kotest.matchers.booleans.shouldBeTrue
import io.kotest.matchers.nulls.shouldBeNull
import io.kotest.matchers.nulls.shouldNotBeNull
import io.kotest.matchers.shouldBe
import io.kotest.matchers.shouldNotBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.types.shouldBeInstanceOf
import io.kotest.matchers.types.shouldBeSameInstanceAs
import java.io.IOException
import java.time.Duration
import java.util.concurrent.CancellationException
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.CoroutineStart
import kotlinx.coroutines.DelicateCoroutinesApi
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.ExperimentalCoroutinesApi
import kotlinx.coroutines.NonCancellable
import kotlinx.coroutines.awaitCancellation
import kotlinx.coroutines.coroutineScope
import kotlinx.coroutines.delay
import kotlinx.coroutines.job
import kotlinx.coroutines.launch as kxLaunch
import kotlinx.coroutines.async as kxAsync
import kotlinx.coroutines.test.StandardTestDispatcher
import kotlinx.coroutines.test.TestScope
import kotlinx.coroutines.test.UnconfinedTestDispatcher
import kotlinx.coroutines.test.currentTime
import kotlinx.coroutines.test.runCurrent
import kotlinx.coroutines.test.runTest
import kotlinx.coroutines.withContext as kxWithContext
import kotlinx.coroutines.yield
import kotlin.time.Duration.Companion.seconds
import io.jcontext.kotlin.test.backgroundContext

private val REQUEST_ID: Key<String> = Key.of("requestId", String::class.java)

/** Runs [body] under both test dispatchers: ordering must not matter to the bridge. */
@OptIn(ExperimentalCoroutinesApi::class)
private fun bothDispatchers(body: suspend TestScope.() -> Unit) {
  runTest(StandardTestDispatcher()) { body() }
  runTest(UnconfinedTestDispatcher()) { body() }
}

@OptIn(ExperimentalCoroutinesApi::class, DelicateCoroutinesApi::class)
class BridgeSpec : FunSpec({

  // ---- Context -> Job --------------------------------------------------------------------

  test("ctx cancelled cancels the launched coroutine with ctx.err(), cause preserved") {
    bothDispatchers {
      val parent = Context.background().withCancel()
      val cause = IllegalStateException("shutdown")
      var seen: Throwable? = null
      val job = launch(parent) {
        try {
          awaitCancellation()
        } catch (e: CancellationException) {
          seen = e
          throw e
        }
      }
      runCurrent()
      parent.cancel(cause)
      job.join()
      job.isCancelled.shouldBeTrue()
      val e = seen.shouldBeInstanceOf<ContextDoneException>()
      e.isTimeout.shouldBeFalse()
      e.cause shouldBeSameInstanceAs parent.err()
      e.err.shouldBeInstanceOf<ContextCancelledException>()
      e.err.cause shouldBeSameInstanceAs cause
    }
  }

  test("ctx deadline cancels withContext and is thrown as a timeout at virtual 5000 ms") {
    bothDispatchers {
      val ctx = backgroundContext().withTimeout(Duration.ofSeconds(5))
      val e = shouldThrow<DeadlineExceededException> {
        withContext(ctx) { delay(10.seconds) }
      }
      e.isTimeout.shouldBeTrue()
      currentTime shouldBe 5_000
    }
  }

  test("already-done ctx: the block does not run") {
    bothDispatchers {
      val ctx = Context.background().withCancel().also { it.cancel() }
      var ran = false
      shouldThrow<ContextCancelledException> { withContext(ctx) { ran = true } }
      val job = launch(ctx) { ran = true }
      job.join()
      job.isCancelled.shouldBeTrue()
      ran.shouldBeFalse()
    }
  }

  // ---- Job -> Context --------------------------------------------------------------------

  test("Job cancelled: currentContext is cancelled at once, before children finish, with the Job's exception") {
    bothDispatchers {
      val release = CompletableDeferred<Unit>()
      var inner: Context? = null
      var childSawDone = false
      val job = launch(Context.background()) {
        inner = currentContext()
        kxLaunch {
          kxWithContext(NonCancellable) {
            release.await()
            childSawDone = currentContext().isDone
          }
        }
        awaitCancellation()
      }
      runCurrent()
      val stop = CancellationException("stop")
      job.cancel(stop)
      val ctx = inner.shouldNotBeNull()
      ctx.isDone.shouldBeTrue() // synchronously, while the child still runs
      job.isCompleted.shouldBeFalse()
      ctx.cause() shouldBeSameInstanceAs stop
      ctx.err().shouldBeInstanceOf<ContextCancelledException>()
      release.complete(Unit)
      job.join()
      childSawDone.shouldBeTrue()
    }
  }

  test("a failing child cancels currentContext with the failure itself as cause") {
    bothDispatchers {
      var inner: Context? = null
      val boom = IOException("boom")
      val result = runCatching {
        withContext(Context.background()) {
          inner = currentContext()
          kxLaunch { throw boom }
          awaitCancellation()
        }
      }
      result.exceptionOrNull().shouldBeInstanceOf<IOException>().message shouldBe "boom"
      inner.shouldNotBeNull().cause() shouldBeSameInstanceAs boom
    }
  }

  test("UNDISPATCHED body: the Job cancelled on its first line cancels currentContext at once") {
    bothDispatchers {
      for (useAsync in listOf(false, true)) {
        val stop = CancellationException("stop")
        var sawDone: Boolean? = null
        var sawCause: Throwable? = null
        val body: suspend kotlinx.coroutines.CoroutineScope.() -> Unit = {
          val inner = currentContext()
          coroutineContext.job.cancel(stop) // before the builder has returned
          sawDone = inner.isDone
          sawCause = inner.cause()
        }
        val job = if (useAsync) {
          async(Context.background(), start = CoroutineStart.UNDISPATCHED, block = body)
        } else {
          launch(Context.background(), start = CoroutineStart.UNDISPATCHED, block = body)
        }
        sawDone shouldBe true
        sawCause shouldBeSameInstanceAs stop
        job.join()
        job.isCancelled.shouldBeTrue()
      }
    }
  }

  test("Job cancelled: its registration on ctx is released at once, while a child still runs") {
    bothDispatchers {
      val ctx = CountingContext()
      val release = CompletableDeferred<Unit>()
      var inner: Context? = null
      val job = launch(ctx) {
        inner = currentContext()
        kxLaunch { kxWithContext(NonCancellable) { release.await() } }
        awaitCancellation()
      }
      runCurrent()
      ctx.registrations shouldBe 1
      job.cancel()
      ctx.registrations shouldBe 0 // released when cancelling began, not when the Job completes
      inner.shouldNotBeNull().isDone.shouldBeTrue()
      job.isCompleted.shouldBeFalse()
      release.complete(Unit)
      job.join()
      ctx.registrations shouldBe 0
      ctx.isDone.shouldBeFalse()
    }
  }

  test("blocking Java code in a bound coroutine sees the Job's cancellation promptly") {
    // Context.sleep on a virtual clock nobody advances returns only if the context is cancelled.
    val clock = VirtualClock()
    val started = CompletableDeferred<Unit>()
    coroutineScope {
      val job = launch(clock.background(), Dispatchers.IO) {
        started.complete(Unit)
        Context.sleep(currentContext(), Duration.ofHours(1))
      }
      started.await()
      clock.awaitPendingTimers(1, Duration.ofSeconds(10)).shouldBeTrue()
      job.cancel()
      job.join()
      job.isCancelled.shouldBeTrue()
      clock.pendingTimers() shouldBe 0
    }
  }

  test("children still see a live context after the body returned, until they finish") {
    bothDispatchers {
      var seenDone: Boolean? = null
      var outer: Context? = null
      val job = launch(Context.background()) {
        outer = currentContext()
        kxLaunch {
          delay(1_000)
          seenDone = currentContext().isDone
        }
      }
      job.join()
      seenDone shouldBe false
      outer.shouldNotBeNull().isDone.shouldBeTrue() // released on completion
      outer!!.cause().shouldBeInstanceOf<ContextCancelledException>()
    }
  }

  // ---- Release --------------------------------------------------------------------------

  test("normal completion releases every registration (withContext, launch, async)") {
    bothDispatchers {
      val ctx = CountingContext()
      withContext(ctx) {
        ctx.registrations shouldBe 1
        delay(10)
      }
      ctx.registrations shouldBe 0
      launch(ctx) { delay(10) }.join()
      ctx.registrations shouldBe 0
      async(ctx) { delay(10); 42 }.await() shouldBe 42
      ctx.registrations shouldBe 0
      runCatching { withContext(ctx) { throw IOException("x") } }
      ctx.registrations shouldBe 0
      val j = launch(ctx) { awaitCancellation() }
      runCurrent()
      j.cancel()
      j.join()
      ctx.registrations shouldBe 0
      ctx.isDone.shouldBeFalse()
    }
  }

  test("a coroutine cancelled before it started leaves no registration") {
    bothDispatchers {
      val ctx = CountingContext()
      val j = launch(ctx, start = kotlinx.coroutines.CoroutineStart.LAZY) { awaitCancellation() }
      j.cancel()
      j.join()
      ctx.registrations shouldBe 0
    }
  }

  test("ctx done after the coroutine completed normally: the Job stays completed, nothing left") {
    bothDispatchers {
      val ctx = CountingContext()
      var inner: Context? = null
      val job = launch(ctx) { inner = currentContext() }
      job.join()
      ctx.registrations shouldBe 0
      inner.shouldNotBeNull().isDone.shouldBeTrue()
      ctx.cancel(IOException("late"))
      job.isCancelled.shouldBeFalse()
      inner.cause().shouldBeInstanceOf<ContextCancelledException>() // released, not by ctx
    }
  }

  test("stress: every order of start, ctx cancel, Job cancel and completion leaves nothing registered") {
    // launch or async; bodies start on Dispatchers.Default (DEFAULT start) or on this thread
    // (UNDISPATCHED); the ctx or the Job is cancelled concurrently with the start, or neither.
    val random = java.util.Random(42)
    repeat(2_000) { i ->
      val ctx = CountingContext()
      val start = if (i % 2 == 0) CoroutineStart.DEFAULT else CoroutineStart.UNDISPATCHED
      val mode = random.nextInt(4)
      var inner: Context? = null
      val body: suspend kotlinx.coroutines.CoroutineScope.() -> Unit = {
        inner = currentContext()
        if (mode != 3) awaitCancellation()
      }
      val job = if (random.nextBoolean()) {
        kotlinx.coroutines.GlobalScope.launch(ctx, Dispatchers.Default, start, body)
      } else {
        kotlinx.coroutines.GlobalScope.async(ctx, Dispatchers.Default, start, body)
      }
      when (mode) {
        0 -> ctx.cancel(IOException("ctx $i"))
        1 -> job.cancel(CancellationException("job $i"))
        2 -> {
          ctx.cancel(IOException("ctx $i"))
          job.cancel(CancellationException("job $i"))
        }
      }
      kotlinx.coroutines.withTimeout(10_000) { job.join() }
      if (mode == 3) {
        // Normal completion releases in the Job's completion handlers, which kotlinx runs just
        // after the Job turned complete: a join() that did not suspend (the body finished on
        // another thread first) may return while the body's thread is still in them.
        val until = System.nanoTime() + 10_000_000_000L
        while (ctx.registrations != 0 && System.nanoTime() < until) Thread.yield()
      }
      withClue("iteration $i, start $start, mode $mode") { ctx.registrations shouldBe 0 }
      inner?.isDone?.shouldBeTrue() // null: cancelled before the body ran
      when (mode) {
        0 -> {
          job.isCancelled.shouldBeTrue()
          ctx.err().shouldNotBeNull()
        }
        3 -> job.isCancelled.shouldBeFalse()
        else -> job.isCancelled.shouldBeTrue()
      }
    }
  }

  // ---- launch/async behave as kotlinx's builders ------------------------------------------

  test("already-done ctx: the body runs for no CoroutineStart, launch and async") {
    bothDispatchers {
      val ctx = Context.background().withCancel().also { it.cancel(IOException("gone")) }
      for (start in CoroutineStart.values()) {
        var ran = false
        val job = launch(ctx, start = start) { ran = true }
        val deferred = async(ctx, start = start) { ran = true; 1 }
        job.join()
        val e = shouldThrow<ContextDoneException> { deferred.await() }
        e.err shouldBeSameInstanceAs ctx.err()
        withClue(start) {
          ran.shouldBeFalse()
          job.isCancelled.shouldBeTrue()
          deferred.isCancelled.shouldBeTrue()
        }
      }
    }
  }

  test("LAZY: nothing runs before start; once started the body is bound; nothing left after") {
    bothDispatchers {
      val ctx = CountingContext(Context.background().withCancel())
      val valued = ctx.withValue(REQUEST_ID, "lazy")
      val d = async(valued, start = CoroutineStart.LAZY) { currentContext()[REQUEST_ID] }
      val j = launch(ctx, start = CoroutineStart.LAZY) { awaitCancellation() }
      runCurrent()
      d.isActive.shouldBeFalse()
      d.await() shouldBe "lazy"
      j.start().shouldBeTrue()
      runCurrent()
      ctx.cancel(IOException("stop"))
      j.join()
      j.isCancelled.shouldBeTrue()
      ctx.registrations shouldBe 0
    }
  }

  test("async: await, getCompleted, onAwait and failures as kotlinx's async") {
    bothDispatchers {
      val d = async(Context.background()) { 42 }
      d.await() shouldBe 42
      d.getCompleted() shouldBe 42
      kotlinx.coroutines.selects.select { d.onAwait { it + 1 } } shouldBe 43
      val pending = async(Context.background(), start = CoroutineStart.LAZY) { 1 }
      shouldThrow<IllegalStateException> { pending.getCompleted() }
      pending.cancel()
      kotlinx.coroutines.supervisorScope {
        val failed = async(Context.background()) { throw IOException("x") }
        failed.join()
        failed.getCompletionExceptionOrNull().shouldBeInstanceOf<IOException>()
        shouldThrow<IOException> { failed.getCompleted() }.message shouldBe "x"
        shouldThrow<IOException> { failed.await() }.message shouldBe "x"
      }
    }
  }

  test("launch: an uncaught failure goes to the exception handler and fails the parent") {
    val handled = CompletableDeferred<Throwable>()
    val parent = kotlinx.coroutines.Job()
    val scope = kotlinx.coroutines.CoroutineScope(
      parent + Dispatchers.Default + kotlinx.coroutines.CoroutineExceptionHandler { _, e -> handled.complete(e) },
    )
    scope.launch(Context.background()) { throw IOException("boom") }.join()
    handled.await().shouldBeInstanceOf<IOException>().message shouldBe "boom"
    parent.isCancelled.shouldBeTrue()
  }

  test("structured concurrency: the parent waits for a bound child, a failing one fails it; names show") {
    bothDispatchers {
      var done = false
      coroutineScope {
        launch(Context.background()) {
          delay(100)
          done = true
        }
      }
      done.shouldBeTrue()
      val e = runCatching {
        coroutineScope { async(Context.background()) { throw IOException("child") } }
      }.exceptionOrNull()
      e.shouldBeInstanceOf<IOException>().message shouldBe "child"
      val named = launch(Context.background(), kotlinx.coroutines.CoroutineName("worker")) {}
      named.toString() shouldContain "worker"
      named.join()
    }
  }

  // ---- Values, deadline both ways --------------------------------------------------------

  test("values: ctx[key] inside the coroutine and its children") {
    bothDispatchers {
      val ctx = Context.background().withValue(REQUEST_ID, "r-42")
      withContext(ctx) {
        currentContext()[REQUEST_ID] shouldBe "r-42"
        contextValue(REQUEST_ID) shouldBe "r-42"
        kxAsync { currentContext()[REQUEST_ID] }.await() shouldBe "r-42"
      }
    }
  }

  test("a Kotlin deadline is visible to Java code as deadline()") {
    bothDispatchers {
      withContextTimeout(5.seconds) {
        val d = currentContext().deadline().shouldNotBeNull()
        d shouldBe currentContext().clock().let { java.time.Instant.ofEpochSecond(0, it.nanoTime()) }.plusSeconds(5)
        currentContext().remaining() shouldBe Duration.ofSeconds(5)
        delay(2_000)
        currentContext().remaining() shouldBe Duration.ofSeconds(3)
      }
    }
  }

  test("withContextTimeout expires at virtual 5000 ms with DeadlineExceededException") {
    bothDispatchers {
      val cause = IllegalStateException("budget")
      val e = shouldThrow<DeadlineExceededException> {
        withContextTimeout(5.seconds, cause) { delay(60.seconds) }
      }
      e.cause shouldBeSameInstanceAs cause
      currentTime shouldBe 5_000
    }
  }

  test("withDeadline keeps an earlier deadline in force") {
    bothDispatchers {
      val root = backgroundContext()
      val far = java.time.Instant.ofEpochSecond(0, root.clock().nanoTime()).plusSeconds(60)
      shouldThrow<DeadlineExceededException> {
        withContext(root.withTimeout(Duration.ofSeconds(2))) {
          withDeadline(far) {
            currentContext().remaining() shouldBe Duration.ofSeconds(2)
            delay(10.seconds)
          }
        }
      }
      currentTime shouldBe 2_000
    }
  }

  test("a deadline inside the coroutine: the coroutine sees ContextDoneException with isTimeout") {
    bothDispatchers {
      var seen: Throwable? = null
      val job = launch(backgroundContext().withTimeout(Duration.ofMillis(300))) {
        try {
          delay(1_000)
        } catch (e: CancellationException) {
          seen = e
          throw e
        }
      }
      job.join()
      val e = seen.shouldBeInstanceOf<ContextDoneException>()
      e.isTimeout.shouldBeTrue()
      e.err.shouldBeInstanceOf<DeadlineExceededException>()
      currentTime shouldBe 300
    }
  }

  // ---- currentContext without element, carried element, nesting, dispatchers ---------------

  test("currentContext with no element: derived from the Job, on virtual time, one instance") {
    bothDispatchers {
      val a = currentContext()
      a shouldBeSameInstanceAs currentContext()
      a.isDone.shouldBeFalse()
      a.clock() shouldNotBe Clock.system()
      var inner: Context? = null
      val job = kxLaunch { inner = currentContext(); awaitCancellation() }
      runCurrent()
      job.cancel()
      job.join()
      inner.shouldNotBeNull().isDone.shouldBeTrue()
      inner!!.cause().shouldBeInstanceOf<CancellationException>()
    }
  }

  test("carried element (asCoroutineContext): values travel, currentContext derives from it") {
    bothDispatchers {
      val ctx = Context.background().withCancel()
      val withValue = ctx.withValue(REQUEST_ID, "carried")
      var inner: Context? = null
      val job = kxLaunch(withValue.asCoroutineContext()) {
        inner = currentContext()
        currentContext()[REQUEST_ID] shouldBe "carried"
        awaitCancellation()
      }
      runCurrent()
      ctx.cancel()
      inner.shouldNotBeNull().isDone.shouldBeTrue() // a child of ctx
      job.cancel()
      job.join()
    }
  }

  test("nested elements: the inner context wins inside, the outer one is back after") {
    bothDispatchers {
      val outer = Context.background().withValue(REQUEST_ID, "outer")
      withContext(outer) {
        val outerCtx = currentContext()
        withContext(currentContext().withValue(REQUEST_ID, "inner")) {
          currentContext()[REQUEST_ID] shouldBe "inner"
        }
        currentContext() shouldBeSameInstanceAs outerCtx
        currentContext()[REQUEST_ID] shouldBe "outer"
        outerCtx.isDone.shouldBeFalse()
      }
    }
  }

  test("outer Job cancellation reaches a nested element's context at once") {
    bothDispatchers {
      var inner: Context? = null
      val job = launch(Context.background()) {
        withContext(Context.background().withValue(REQUEST_ID, "x")) {
          inner = currentContext()
          awaitCancellation()
        }
      }
      runCurrent()
      job.cancel()
      inner.shouldNotBeNull().isDone.shouldBeTrue()
      job.join()
    }
  }

  test("withContext switching dispatchers keeps the context and both directions of cancellation") {
    val parent = Context.background().withCancel().withValue(REQUEST_ID, "io")
    val cancelMe = Context.background().withCancel()
    val entered = CompletableDeferred<Unit>()
    val caller = Thread.currentThread()
    coroutineScope {
      val job = launch(cancelMe) {
        withContext(parent, Dispatchers.Default) {
          Thread.currentThread() shouldNotBe caller
          currentContext()[REQUEST_ID] shouldBe "io"
          entered.complete(Unit)
          awaitCancellation()
        }
      }
      entered.await()
      cancelMe.cancel(IOException("client went away"))
      job.join()
      job.isCancelled.shouldBeTrue()
    }
  }

  test("Kotlin cancellation of the caller is not turned into a ctx error by withContext") {
    bothDispatchers {
      val ctx = Context.background().withCancel()
      val job = kxLaunch { withContext(ctx) { awaitCancellation() } }
      runCurrent()
      job.cancel()
      job.join()
      ctx.isDone.shouldBeFalse() // cancelling the coroutine cancels its own child context only
    }
  }

  // ---- Thread-local current context -------------------------------------------------------

  test("thread-local current context follows the coroutine across threads and is restored") {
    ThreadLocalContext.currentOrNull().shouldBeNull()
    val ctx = Context.background().withValue(REQUEST_ID, "tl")
    kxWithContext(ctx.asThreadContextElement()) {
      ThreadLocalContext.current() shouldBeSameInstanceAs ctx
      kxWithContext(Dispatchers.Default) {
        ThreadLocalContext.current()[REQUEST_ID] shouldBe "tl"
      }
      yield()
      ThreadLocalContext.current() shouldBeSameInstanceAs ctx
    }
    ThreadLocalContext.currentOrNull().shouldBeNull()
    ThreadLocalContext.current() shouldBeSameInstanceAs Context.background()
  }

  test("thread-local element under UnconfinedTestDispatcher restores on suspension") {
    runTest(UnconfinedTestDispatcher()) {
      val ctx = Context.background().withValue(REQUEST_ID, "u")
      val gate = CompletableDeferred<Unit>()
      kxLaunch(ctx.asThreadContextElement()) {
        ThreadLocalContext.current() shouldBeSameInstanceAs ctx
        gate.await()
        ThreadLocalContext.current() shouldBeSameInstanceAs ctx
      }
      ThreadLocalContext.currentOrNull().shouldBeNull()
      gate.complete(Unit)
      ThreadLocalContext.currentOrNull().shouldBeNull()
    }
  }
})
