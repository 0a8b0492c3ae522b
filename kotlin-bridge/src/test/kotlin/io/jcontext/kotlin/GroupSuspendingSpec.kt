package io.jcontext.kotlin

import io.jcontext.Context
import io.jcontext.ContextCancelledException
import io.jcontext.sync.Group
import io.kotest.assertions.throwables.shouldThrow
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
import java.util.concurrent.TimeUnit
import java.util.concurrent.atomic.AtomicReference
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.cancel
import kotlinx.coroutines.coroutineScope
import kotlinx.coroutines.launch
import kotlinx.coroutines.delay
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.async
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import kotlinx.coroutines.yield
import java.util.concurrent.atomic.AtomicInteger

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

  test("cancelling the awaiting coroutine cancels the group's context and leaves no stage behind") {
    val g = Group.withContext(Context.background())
    val taskReturned = CountDownLatch(1)
    g.go { gctx ->
      gctx.awaitDone() // only the group's cancellation ends it
      taskReturned.countDown()
    }
    coroutineScope {
      val waiter = launch { g.awaitSuspending() }
      delay(10) // liveness only: let it suspend (the outcome is the same if it has not)
      waiter.cancel()
      waiter.join()
      waiter.isCancelled.shouldBeTrue()
    }
    taskReturned.await(10, TimeUnit.SECONDS).shouldBeTrue()
    g.context().cause().shouldBeInstanceOf<CancellationException>()
    g.awaitSuspending() // can still be joined
    g.toString() shouldStartWith "Group[0 running"
  }

  test("awaitSuspending holds no thread: it waits on one thread that the task needs") {
    runBlocking { // one thread: if the await blocked it, the release below could never run
      val g = Group.withContext(Context.background())
      val gate = CompletableDeferred<Unit>()
      g.go { runBlocking { gate.await() } }
      val waiter = async { g.awaitSuspending() }
      yield()
      waiter.isCompleted.shouldBeFalse()
      gate.complete(Unit)
      withTimeout(10_000) { waiter.await() }
    }
  }

  test("goLimit (errgroup), suspending: goSuspending with a limit suspends until a slot is free") {
    runBlocking {
      val g = Group.withContext(Context.background())
      g.setLimit(2)
      val active = AtomicInteger()
      val maxActive = AtomicInteger()
      repeat(20) {
        g.goSuspending {
          val now = active.incrementAndGet()
          maxActive.accumulateAndGet(now, ::maxOf)
          Thread.sleep(1) // liveness: let tasks overlap
          active.decrementAndGet()
        }
      }
      g.awaitSuspending()
      (maxActive.get() <= 2).shouldBeTrue()
    }
  }

  test("goSuspending: a coroutine cancelled while waiting for a slot starts nothing; the line moves on") {
    runBlocking {
      val g = Group.withContext(Context.background())
      g.setLimit(1)
      val gate = CountDownLatch(1)
      g.go { gate.await() }
      val started = AtomicInteger()
      val waiting = launch { g.goSuspending { started.incrementAndGet() } }
      yield()
      waiting.cancel()
      waiting.join()
      val next = launch { g.goSuspending { started.addAndGet(10) } }
      yield()
      gate.countDown()
      next.join()
      g.awaitSuspending()
      started.get() shouldBe 10
    }
  }

  test("zeroGroup (errgroup), suspending: the first error is the group's error") {
    val err1 = IOException("errgroup_test: 1")
    val err2 = IOException("errgroup_test: 2")
    for (errs in listOf(listOf<Throwable?>(), listOf(null), listOf(err1), listOf(err1, null), listOf(err1, null, err2))) {
      val g = Group.withContext(Context.background())
      var first: Throwable? = null
      for (e in errs) {
        if (first == null) first = e
        g.go { if (e != null) throw e }
        // Go's test waits after each Go: the first error is deterministic
        val got = runCatching { g.awaitSuspending() }.exceptionOrNull()
        (got?.cause) shouldBe first
      }
    }
  }

  test("withContext and cancelCause (errgroup), suspending: await cancels the context; the first error is its cause") {
    val doom = IOException("group_test: doomed")
    val cases = listOf(listOf<Throwable?>(), listOf(null), listOf(doom), listOf(doom, null))
    val wants = listOf(null, null, doom, doom)
    runBlocking {
      for ((i, errs) in cases.withIndex()) {
        val g = Group.withContext(Context.background())
        for (e in errs) g.goSuspending { if (e != null) throw e }
        val got = runCatching { g.awaitSuspending() }.exceptionOrNull()
        (got as? ExecutionException)?.cause shouldBe wants[i]
        g.context().isDone.shouldBeTrue()
        val cause = g.context().cause()
        if (wants[i] == null) cause.shouldBeInstanceOf<ContextCancelledException>() else cause shouldBeSameInstanceAs wants[i]
      }
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

