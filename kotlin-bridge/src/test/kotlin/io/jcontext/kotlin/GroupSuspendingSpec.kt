package io.jcontext.kotlin

import io.jcontext.Context
import io.jcontext.ContextCancelledException
import io.jcontext.sync.Group
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.assertions.withClue
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.booleans.shouldBeFalse
import io.kotest.matchers.booleans.shouldBeTrue
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldStartWith
import io.kotest.matchers.types.shouldBeInstanceOf
import io.kotest.matchers.types.shouldBeSameInstanceAs
import java.io.IOException
import java.time.Duration
import java.util.concurrent.CountDownLatch
import java.util.concurrent.ExecutionException
import java.util.concurrent.Executors
import java.util.concurrent.TimeUnit
import java.util.concurrent.atomic.AtomicReference
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.asCoroutineDispatcher
import kotlinx.coroutines.cancel
import kotlinx.coroutines.coroutineScope
import kotlinx.coroutines.launch
import kotlinx.coroutines.delay

/** Real threads (the group's tasks are Java threads); real time only as liveness bounds. */
class GroupSuspendingSpec : FunSpec({

  test("returns when every task has returned; the group's context is done afterwards") {
    val g = Group.withContext(Context.background())
    val ran = CountDownLatch(3)
    repeat(3) { g.go { ran.countDown() } }
    g.awaitSuspending()
    ran.count shouldBe 0L
    g.context().isDone.shouldBeTrue()
    g.context().err().shouldBeInstanceOf<ContextCancelledException>()
  }

  test("throws the first failure in an ExecutionException, after the other tasks have returned") {
    val g = Group.withContext(Context.background())
    val boom = IOException("boom")
    val otherSawCause = AtomicReference<Throwable?>()
    val otherReturned = CountDownLatch(1)
    g.go { gctx ->
      // Returns only once the failure below has cancelled the group's context.
      gctx.awaitDone(Duration.ofSeconds(10)).shouldBeTrue()
      otherSawCause.set(gctx.cause())
      otherReturned.countDown()
    }
    g.go { throw boom }
    val e = shouldThrow<ExecutionException> { g.awaitSuspending() }
    e.cause shouldBeSameInstanceAs boom
    otherReturned.count shouldBe 0L // await joined it before throwing
    otherSawCause.get() shouldBeSameInstanceAs boom
    g.context().isDone.shouldBeTrue()
    g.context().cause() shouldBeSameInstanceAs boom
  }

  test("a failure that is a CancellationException comes back wrapped, not as the caller's cancellation") {
    val parent = Context.background().withCancel()
    val g = Group.withContext(parent)
    g.go { gctx -> gctx.throwIfDone() }
    parent.cancel()
    g.go { gctx -> gctx.awaitDone(); gctx.throwIfDone() }
    val e = shouldThrow<ExecutionException> { g.awaitSuspending() }
    e.cause.shouldBeInstanceOf<ContextCancelledException>()
  }

  test("cancelling the awaiting coroutine frees the blocked thread and cancels the group's context") {
    val executor = Executors.newSingleThreadExecutor { r -> Thread(r, "group-await").apply { isDaemon = true } }
    try {
      val dispatcher = executor.asCoroutineDispatcher()
      val g = Group.withContext(Context.background())
      val taskReturned = CountDownLatch(1)
      g.go { gctx ->
        gctx.awaitDone() // only the group's cancellation ends it
        taskReturned.countDown()
      }
      coroutineScope {
        val waiter = launch { g.awaitSuspending(dispatcher) }
        // Liveness only (polls, asserts no duration): until the thread is blocked in Group.await.
        val deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10)
        while (!blockedInGroupAwait() && System.nanoTime() < deadline) delay(2)
        withClue(Thread.getAllStackTraces().filterKeys { it.name.startsWith("group-await") }.map { (t, st) -> "${t.state} ${st.take(8).joinToString()}" }) {
          blockedInGroupAwait().shouldBeTrue()
        }
        waiter.cancel()
        waiter.join()
        waiter.isCancelled.shouldBeTrue()
      }
      // The thread is back: a new task runs on it.
      executor.submit<String> { Thread.currentThread().name }.get(10, TimeUnit.SECONDS) shouldStartWith "group-await"
      // The group's context was cancelled by the interrupted await, so the task returns...
      taskReturned.await(10, TimeUnit.SECONDS).shouldBeTrue()
      g.context().cause().shouldBeInstanceOf<InterruptedException>()
      // ...and the group can still be joined.
      g.awaitSuspending()
    } finally {
      executor.shutdownNow()
    }
  }

  test("a coroutine cancelled before the wait starts leaves the group alone") {
    val g = Group.withContext(Context.background())
    val release = CountDownLatch(1)
    g.go { release.await() }
    coroutineScope {
      val waiter = launch {
        cancel()
        shouldThrow<CancellationException> { g.awaitSuspending() }
      }
      waiter.join()
    }
    g.context().isDone.shouldBeFalse()
    release.countDown()
    g.awaitSuspending()
    g.context().isDone.shouldBeTrue()
  }
})

/** Whether the thread named group-await… is parked inside `Group.await`. */
private fun blockedInGroupAwait(): Boolean =
  Thread.getAllStackTraces().entries.any { (thread, stack) ->
    thread.name.startsWith("group-await") && // debug mode appends " @coroutine#n"
       thread.state == Thread.State.WAITING &&
      stack.any { it.className == Group::class.java.name && it.methodName == "await" }
  }
