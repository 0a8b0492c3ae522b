package io.jcontext.kotlin

import io.jcontext.Clock
import io.jcontext.Context
import io.jcontext.ContextCancelledException
import io.jcontext.Key
import io.kotest.assertions.withClue
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.booleans.shouldBeFalse
import io.kotest.matchers.booleans.shouldBeTrue
import io.kotest.matchers.nulls.shouldNotBeNull
import io.kotest.matchers.shouldBe
import io.kotest.matchers.shouldNotBe
import io.kotest.matchers.types.shouldBeInstanceOf
import io.kotest.matchers.types.shouldBeSameInstanceAs
import io.kotest.matchers.types.shouldNotBeSameInstanceAs
import java.io.IOException
import java.lang.ref.WeakReference
import java.time.Duration
import java.util.concurrent.CancellationException
import java.util.concurrent.CountDownLatch
import java.util.concurrent.CyclicBarrier
import java.util.concurrent.TimeUnit
import kotlin.time.Duration.Companion.seconds
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.CoroutineExceptionHandler
import kotlinx.coroutines.CoroutineStart
import kotlinx.coroutines.CopyableThrowable
import kotlinx.coroutines.DelicateCoroutinesApi
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.ExperimentalCoroutinesApi
import kotlinx.coroutines.GlobalScope
import kotlinx.coroutines.Job
import kotlinx.coroutines.NonCancellable
import kotlinx.coroutines.TimeoutCancellationException
import kotlinx.coroutines.async as kxAsync
import kotlinx.coroutines.awaitCancellation
import kotlinx.coroutines.coroutineScope
import kotlinx.coroutines.delay
import kotlinx.coroutines.job
import kotlinx.coroutines.launch as kxLaunch
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.supervisorScope
import kotlinx.coroutines.test.StandardTestDispatcher
import kotlinx.coroutines.test.TestScope
import kotlinx.coroutines.test.UnconfinedTestDispatcher
import kotlinx.coroutines.test.currentTime
import kotlinx.coroutines.test.runCurrent
import kotlinx.coroutines.test.runTest
import kotlinx.coroutines.withContext as kxWithContext
import kotlinx.coroutines.withTimeout

private val REQUEST_ID: Key<String> = Key.of("requestId", String::class.java)

/** Runs [body] under both test dispatchers: ordering must not matter to the bridge. */
@OptIn(ExperimentalCoroutinesApi::class)
private fun bothDispatchers(body: suspend TestScope.() -> Unit) {
  runTest(StandardTestDispatcher(), timeout = 20.seconds) { body() }
  runTest(UnconfinedTestDispatcher(), timeout = 20.seconds) { body() }
}

/** A failure without stack trace that kotlinx does not copy (stack-trace recovery): cheap to throw 25 000 times. */
@OptIn(ExperimentalCoroutinesApi::class)
private class Failure(message: String) : Exception(message, null, false, false), CopyableThrowable<Failure> {
  override fun createCopy(): Failure? = null
}

/** The same for a cancellation (kotlinx's default one fills a stack trace in debug mode). */
@OptIn(ExperimentalCoroutinesApi::class)
private class Stop : CancellationException("stop"), CopyableThrowable<Stop> {
  override fun fillInStackTrace(): Throwable = this
  override fun createCopy(): Stop? = null
}

/** How often the real-thread tests run (`-Djc.repeat=50` for the loaded runs). */
private val REPEAT: Int = System.getProperty("jc.repeat")?.toInt() ?: 1

/** Waits (liveness bound 10 s) until the per-Job entries are back to [baseline]; they are removed just after a Job completes. */
private fun awaitEntries(baseline: Int) {
  val until = System.nanoTime() + 10_000_000_000L
  while (JobContexts.size != baseline && System.nanoTime() < until) Thread.yield()
  JobContexts.size shouldBe baseline
}

/**
 * The own context of every coroutine ([currentContext] in a plain, carried or bound coroutine):
 * cancelled as soon as that coroutine's Job starts cancelling, with the Job's exception as cause;
 * a child of the inherited context; one instance per coroutine; nothing retained once the Job
 * has completed (no per-Job entry, no registration on the parent context, no Job handler).
 */
@OptIn(ExperimentalCoroutinesApi::class, DelicateCoroutinesApi::class)
class JobContextSpec : FunSpec({

  // ---- plain coroutines (no element) -------------------------------------------------------

  test("plain launch: cancelled when its Job starts cancelling, before its child finishes, with the Job's exception") {
    bothDispatchers {
      val release = CompletableDeferred<Unit>()
      var own: Context? = null
      var childRunning = false
      var ownDoneWhileChildRan: Boolean? = null
      var again: Context? = null
      val job = kxLaunch {
        own = currentContext()
        kxLaunch {
          kxWithContext(NonCancellable) {
            childRunning = true
            release.await()
            ownDoneWhileChildRan = own!!.isDone
          }
        }
        try {
          awaitCancellation()
        } finally {
          again = currentContext() // the same instance, also after cancellation began
        }
      }
      runCurrent()
      childRunning.shouldBeTrue()
      val ctx = own.shouldNotBeNull()
      val liveBefore = !ctx.isDone
      val stop = CancellationException("stop")
      job.cancel(stop)
      val doneInCancel = ctx.isDone // inside cancel(), while the child still runs
      val completedInCancel = job.isCompleted
      release.complete(Unit) // before any assertion can throw: the child must not outlive the test
      job.join()
      liveBefore.shouldBeTrue()
      doneInCancel.shouldBeTrue()
      completedInCancel.shouldBeFalse()
      ctx.clock() shouldNotBe Clock.system() // a child of runTest's virtual-time root
      ctx.err().shouldBeInstanceOf<ContextCancelledException>()
      ctx.cause() shouldBeSameInstanceAs stop
      ownDoneWhileChildRan shouldBe true
      again shouldBeSameInstanceAs ctx
    }
  }

  test("plain async, coroutineScope and nested withContext: each coroutine has its own context, a child of the one it inherited") {
    bothDispatchers {
      val outer = Context.background().withCancel().withValue(REQUEST_ID, "r-1")
      kxWithContext(outer.asCoroutineContext()) {
        val mine = currentContext()
        mine shouldBeSameInstanceAs currentContext()
        mine shouldNotBeSameInstanceAs outer
        mine[REQUEST_ID] shouldBe "r-1"
        coroutineScope {
          val scoped = currentContext()
          scoped shouldNotBeSameInstanceAs mine
          scoped[REQUEST_ID] shouldBe "r-1"
          val d = kxAsync { currentContext() to coroutineContext.job }
          val (asyncCtx, asyncJob) = d.await()
          asyncCtx shouldNotBeSameInstanceAs scoped
          asyncCtx.isDone.shouldBeTrue() // its Job completed: released
          asyncCtx.cause().shouldBeInstanceOf<ContextCancelledException>()
          asyncJob.isCompleted.shouldBeTrue()
        }
        // the outer (carried) context is a parent, never cancelled by a coroutine
        outer.isDone.shouldBeFalse()
      }
    }
  }

  test("runBlocking: its own context is cancelled when the block fails, while a child still runs").config(invocations = REPEAT) {
    val boom = IOException("boom")
    var own: Context? = null
    var sawDoneInChild: Boolean? = null
    val result = runCatching {
      runBlocking {
        own = currentContext()
        kxLaunch(start = CoroutineStart.UNDISPATCHED) {
          kxWithContext(NonCancellable) {
            delay(10) // the block fails meanwhile
            sawDoneInChild = own!!.isDone
          }
        }
        throw boom
      }
    }
    result.exceptionOrNull().shouldBeInstanceOf<IOException>().message shouldBe "boom"
    sawDoneInChild shouldBe true
    own.shouldNotBeNull().cause() shouldBeSameInstanceAs boom
  }

  // ---- carried -----------------------------------------------------------------------------

  test("carried element: each coroutine's context is a child of the carried one and follows its own Job") {
    bothDispatchers {
      val carried = CountingContext()
      val element = carried.asCoroutineContext()
      var a: Context? = null
      var b: Context? = null
      val jobA = kxLaunch(element) { a = currentContext(); awaitCancellation() }
      val jobB = kxLaunch(element) { b = currentContext(); awaitCancellation() }
      runCurrent()
      a shouldNotBeSameInstanceAs b
      jobA.cancel(CancellationException("a only"))
      a.shouldNotBeNull().isDone.shouldBeTrue()
      a!!.cause()!!.message shouldBe "a only"
      b.shouldNotBeNull().isDone.shouldBeFalse()
      carried.isDone.shouldBeFalse()
      carried.cancel(IOException("from Java"))
      b!!.isDone.shouldBeTrue() // a child of the carried context
      b!!.cause().shouldBeInstanceOf<IOException>()
      jobB.isActive.shouldBeTrue() // carried: nothing cancels the coroutine
      jobB.cancel()
      jobA.join()
      jobB.join()
      carried.registrations shouldBe 0
    }
  }

  // ---- bound -------------------------------------------------------------------------------

  test("inside withContext(ctx): a plain child has its own context, cancelled with the child, not the parent's") {
    bothDispatchers {
      val ctx = CountingContext()
      val stop = CancellationException("parent")
      val result = runCatching { withContext(ctx) {
        val parentCtx = currentContext()
        var childCtx: Context? = null
        val child = kxLaunch { childCtx = currentContext(); awaitCancellation() }
        runCurrent()
        childCtx shouldNotBeSameInstanceAs parentCtx
        child.cancel(CancellationException("child only"))
        childCtx.shouldNotBeNull().isDone.shouldBeTrue()
        childCtx!!.cause()!!.message shouldBe "child only"
        parentCtx.isDone.shouldBeFalse()
        child.join()
        // and the parent's cancellation reaches a live child's context through the context tree
        var second: Context? = null
        kxLaunch(start = CoroutineStart.UNDISPATCHED) { second = currentContext(); awaitCancellation() }
        coroutineContext.job.cancel(stop)
        parentCtx.isDone.shouldBeTrue()
        second.shouldNotBeNull().isDone.shouldBeTrue()
      } }
      // (a copy of stop, maybe: kotlinx recovers stack traces across coroutines in debug mode)
      result.exceptionOrNull().shouldBeInstanceOf<CancellationException>().message shouldBe "parent"
      ctx.registrations shouldBe 0
    }
  }

  test("bound launch(ctx) and async(ctx): the bound coroutine sees its own context, its plain children theirs") {
    bothDispatchers {
      val ctx = Context.background().withValue(REQUEST_ID, "b")
      for (useAsync in listOf(false, true)) {
        var own: Context? = null
        var inChild: Context? = null
        val body: suspend kotlinx.coroutines.CoroutineScope.() -> Unit = {
          own = currentContext()
          own shouldBeSameInstanceAs currentContext()
          kxLaunch { inChild = currentContext() }.join()
        }
        val job = if (useAsync) async(ctx, block = body) else launch(ctx, block = body)
        job.join()
        inChild.shouldNotBeNull() shouldNotBeSameInstanceAs own
        inChild!![REQUEST_ID] shouldBe "b"
        own.shouldNotBeNull().isDone.shouldBeTrue()
      }
    }
  }

  test("a coroutine cancelled while its child runs: its context is already cancelled in the child's finally") {
    bothDispatchers {
      val ctx = Context.background()
      for (bound in listOf(false, true)) {
        var parentCtx: Context? = null
        var seenInFinally: Boolean? = null
        var childOwnInFinally: Boolean? = null
        val body: suspend kotlinx.coroutines.CoroutineScope.() -> Unit = {
          parentCtx = currentContext()
          kxLaunch {
            val mine = currentContext()
            try {
              awaitCancellation()
            } finally {
              seenInFinally = parentCtx!!.isDone
              childOwnInFinally = mine.isDone
            }
          }
          awaitCancellation()
        }
        val job = if (bound) launch(ctx, block = body) else kxLaunch(block = body)
        runCurrent()
        job.cancel()
        job.join()
        withClue("bound=$bound") {
          seenInFinally shouldBe true
          childOwnInFinally shouldBe true
        }
      }
    }
  }

  // ---- failing siblings, on real threads ---------------------------------------------------

  test("a failing sibling wakes a blocking Java call on a plain child's context at once (inside withContext(ctx))").config(invocations = REPEAT) {
    repeat(3) { round ->
      for (bound in listOf(true, false)) {
        val boom = IOException("boom $round")
        val entered = CountDownLatch(1)
        var woke: Boolean? = null
        var seenCause: Throwable? = null
        val outer: suspend () -> Unit = {
          coroutineScope {
            kxLaunch {
              val ctx = currentContext()
              // Not runInterruptible: an interrupt would wake the call too and hide a context
              // that is not cancelled. Only ctx can end this wait before the liveness bound.
              kxWithContext(Dispatchers.IO) {
                entered.countDown()
                woke = ctx.awaitDone(Duration.ofSeconds(30))
                seenCause = ctx.cause()
              }
            }
            kxLaunch(Dispatchers.IO) {
              entered.await(30, TimeUnit.SECONDS).shouldBeTrue()
              throw boom
            }
          }
        }
        val result = runCatching {
          if (bound) withContext(Context.background()) { outer() } else outer()
        }
        withClue("round $round, bound=$bound") {
          result.exceptionOrNull().shouldBeInstanceOf<IOException>().message shouldBe boom.message
          woke shouldBe true
          seenCause shouldBeSameInstanceAs boom
        }
      }
    }
  }

  test("the Java call blocks the coroutine's own thread: Job cancel from another thread wakes it").config(invocations = REPEAT) {
    val entered = CountDownLatch(1)
    var woke: Boolean? = null
    val job = GlobalScope.kxLaunch(Dispatchers.IO) {
      val ctx = currentContext()
      entered.countDown()
      woke = ctx.awaitDone(Duration.ofSeconds(30)) // not cooperative: only the context wakes it
    }
    entered.await(30, TimeUnit.SECONDS).shouldBeTrue()
    job.cancel()
    job.join()
    woke shouldBe true
  }

  // ---- kotlinx withTimeout ------------------------------------------------------------------

  test("kotlinx withTimeout: the context is cancelled at the virtual timeout with the TimeoutCancellationException") {
    bothDispatchers {
      var inside: Context? = null
      var inChild: Context? = null
      var cancelledAt = -1L
      val thrown = runCatching {
        withTimeout(5.seconds) {
          inside = currentContext()
          inside!!.onDone { cancelledAt = currentTime }
          kxLaunch {
            inChild = currentContext()
            try {
              awaitCancellation()
            } finally {
              kxWithContext(NonCancellable) { delay(1_000) } // the block completes at 6 000
            }
          }
          awaitCancellation()
        }
      }.exceptionOrNull()
      val tce = thrown.shouldBeInstanceOf<TimeoutCancellationException>()
      currentTime shouldBe 6_000L
      cancelledAt shouldBe 5_000L // when the timeout cancelled the Job, not when it completed
      inside.shouldNotBeNull().cause().shouldBeInstanceOf<TimeoutCancellationException>()
      inChild.shouldNotBeNull().cause().shouldBeInstanceOf<TimeoutCancellationException>()
      tce.shouldNotBeNull()
    }
  }

  // ---- hygiene ------------------------------------------------------------------------------

  test("100 000 cycles (complete, cancel, fail, cancel before the first call) retain nothing") {
    val carried = CountingContext()
    val baseline = JobContexts.size
    val sample = ArrayList<WeakReference<Any>>()
    val quiet = CoroutineExceptionHandler { _, _ -> } // the failing quarter
    val stop = Stop()
    runTest {
      supervisorScope {
        repeat(100_000) { i ->
          val keep = i % 1_000 == 0
          val job = kxLaunch(carried.asCoroutineContext() + quiet, CoroutineStart.UNDISPATCHED) {
            if (i % 4 == 3) coroutineContext.job.cancel(stop) // cancelling before the first call
            val c = currentContext()
            if (keep) sample += WeakReference(c)
            when (i % 4) {
              0 -> Unit
              1 -> awaitCancellation()
              2 -> throw Failure("fail $i")
              else -> c.isDone.shouldBeTrue()
            }
          }
          if (keep) sample += WeakReference(job)
          if (i % 4 == 1) job.cancel(stop)
          job.join()
        }
      }
    }
    awaitEntries(baseline)
    carried.registrations shouldBe 0
    carried.isDone.shouldBeFalse()
    // Nothing else refers to the contexts or Jobs: the weak references clear (liveness bound).
    val until = System.nanoTime() + 30_000_000_000L
    while (sample.any { it.get() != null } && System.nanoTime() < until) {
      System.gc()
      Thread.sleep(10) // gives reference processing time; not a timing assumption
    }
    sample.count { it.get() != null } shouldBe 0
  }

  test("race on real threads: Job cancel vs the first currentContext(), either order ends cancelled, nothing retained").config(invocations = REPEAT) {
    val baseline = JobContexts.size
    val carried = CountingContext()
    repeat(3_000) { i ->
      val barrier = CyclicBarrier(2)
      var seen: Context? = null
      var again: Context? = null
      val job = GlobalScope.kxLaunch(carried.asCoroutineContext() + Dispatchers.Default) {
        barrier.await(30, TimeUnit.SECONDS)
        seen = currentContext() // no suspension point: runs even if the cancel came first
        again = currentContext()
      }
      barrier.await(30, TimeUnit.SECONDS)
      val stop = CancellationException("race $i")
      job.cancel(stop)
      runBlocking { withTimeout(30_000) { job.join() } }
      withClue("iteration $i") {
        val ctx = seen.shouldNotBeNull()
        again shouldBeSameInstanceAs ctx
        if (job.isCancelled) {
          // Cancelled inside cancel() or inside the first call, whichever came second: before
          // the body could complete, so before join() returns.
          ctx.isDone.shouldBeTrue()
          ctx.cause() shouldBeSameInstanceAs stop
        } else {
          // The body completed before cancel(): released by the Job's completion handlers, which
          // kotlinx runs just after the Job turned complete; a join() that did not suspend may
          // return first (liveness bound).
          val until = System.nanoTime() + 10_000_000_000L
          while (!ctx.isDone && System.nanoTime() < until) Thread.yield()
          ctx.isDone.shouldBeTrue()
          ctx.cause().shouldBeInstanceOf<ContextCancelledException>() // no cause of its own
        }
      }
    }
    awaitEntries(baseline)
    carried.registrations shouldBe 0
  }
})
