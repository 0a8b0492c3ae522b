package io.jcontext.kotlin

import io.jcontext.Context
import io.jcontext.ContextCancelledException
import io.jcontext.DeadlineExceededException
import io.jcontext.testing.VirtualClock
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.booleans.shouldBeFalse
import io.kotest.matchers.booleans.shouldBeTrue
import io.kotest.matchers.shouldBe
import io.kotest.matchers.types.shouldBeSameInstanceAs
import java.io.IOException
import java.time.Duration
import java.util.concurrent.CompletableFuture
import kotlinx.coroutines.CoroutineStart
import kotlinx.coroutines.ExperimentalCoroutinesApi
import io.kotest.engine.coroutines.testScheduler
import kotlinx.coroutines.launch
import kotlinx.coroutines.async
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds
import io.jcontext.kotlin.test.backgroundContext

@OptIn(ExperimentalCoroutinesApi::class)
class SuspendingSpec : FunSpec({
  coroutineTestScope = true

  // ---- awaitDone ----

  test("awaitDone resumes when the context is cancelled and leaves nothing registered") {
    val ctx = CountingContext()
    val waiter = launch { awaitDone(ctx) }
    testScheduler.runCurrent()
    ctx.registrations shouldBe 1
    waiter.isActive.shouldBeTrue()
    ctx.cancel()
    waiter.join()
    waiter.isCancelled.shouldBeFalse()
    ctx.registrations shouldBe 0
  }

  test("awaitDone on a done context returns at once") {
    awaitDone(Context.background().withCancel().also { it.cancel() })
  }

  test("awaitDone: cancelling the coroutine while suspended removes the registration") {
    val ctx = CountingContext()
    val waiter = launch { awaitDone(ctx) }
    testScheduler.runCurrent()
    waiter.cancel()
    waiter.join()
    waiter.isCancelled.shouldBeTrue()
    ctx.registrations shouldBe 0
    ctx.isDone.shouldBeFalse()
  }

  test("awaitDone follows virtual time for deadlines") {
    val ctx = testScheduler.backgroundContext().withTimeout(Duration.ofSeconds(7))
    awaitDone(ctx)
    testScheduler.currentTime shouldBe 7_000
    ctx.err() shouldBe ctx.err()
    (ctx.err() is DeadlineExceededException).shouldBeTrue()
  }

  // ---- sleep ----

  test("sleep advances virtual time and returns") {
    val ctx = testScheduler.backgroundContext()
    sleep(ctx, 3.seconds)
    testScheduler.currentTime shouldBe 3_000
  }

  test("sleep is cut short by the context's deadline") {
    val ctx = testScheduler.backgroundContext().withTimeout(Duration.ofSeconds(1))
    shouldThrow<DeadlineExceededException> { sleep(ctx, 10.seconds) }
    testScheduler.currentTime shouldBe 1_000
  }

  test("sleep on a done context throws at once; zero duration returns") {
    val done = Context.background().withCancel().also { it.cancel(IOException("gone")) }
    shouldThrow<ContextCancelledException> { sleep(done, 1.seconds) }.cause!!.message shouldBe "gone"
    sleep(testScheduler.backgroundContext(), 0.milliseconds)
    testScheduler.currentTime shouldBe 0
  }

  test("sleep: cancelling the coroutine while suspended stops the timer and the registration") {
    val clock = VirtualClock()
    val ctx = CountingContext(clock.background().withCancel())
    val sleeper = launch { sleep(ctx, 1.seconds) }
    testScheduler.runCurrent()
    clock.pendingTimers() shouldBe 1
    ctx.registrations shouldBe 1
    sleeper.cancel()
    sleeper.join()
    clock.pendingTimers() shouldBe 0
    ctx.registrations shouldBe 0
  }

  test("sleep: the timer firing first stops the context registration") {
    val clock = VirtualClock()
    val ctx = CountingContext(clock.background().withCancel())
    val sleeper = launch(start = CoroutineStart.UNDISPATCHED) { sleep(ctx, 1.seconds) }
    clock.advance(Duration.ofSeconds(1))
    sleeper.join()
    sleeper.isCancelled.shouldBeFalse()
    ctx.registrations shouldBe 0
  }

  // ---- await ----

  test("await returns the stage's value, or throws its exception unwrapped") {
    val ctx = Context.background().withCancel()
    val f = CompletableFuture<String>()
    val r = async { await(ctx, f) }
    testScheduler.runCurrent()
    f.complete("v")
    r.await() shouldBe "v"
    val boom = IOException("boom")
    shouldThrow<IOException> { await(ctx, CompletableFuture.failedFuture<String>(boom)) } shouldBeSameInstanceAs boom
  }

  test("await: ctx done first throws ctx.err() and leaves the shared stage alone") {
    val ctx = CountingContext()
    val shared = CompletableFuture<String>()
    val r = async { runCatching { await(ctx, shared) } }
    testScheduler.runCurrent()
    val cause = IllegalStateException("deadline of caller")
    ctx.cancel(cause)
    val e = r.await().exceptionOrNull()
    (e is ContextCancelledException).shouldBeTrue()
    e!!.cause shouldBeSameInstanceAs cause
    shared.isCancelled.shouldBeFalse()
    shared.isDone.shouldBeFalse()
    ctx.registrations shouldBe 0
  }

  test("await: cancelling the coroutine does not cancel the stage and removes the registration") {
    val ctx = CountingContext()
    val shared = CompletableFuture<String>()
    val r = launch { await(ctx, shared) }
    testScheduler.runCurrent()
    r.cancel()
    r.join()
    shared.isDone.shouldBeFalse()
    ctx.registrations shouldBe 0
  }

  test("await: a completed stage wins over a done context") {
    val done = Context.background().withCancel().also { it.cancel() }
    await(done, CompletableFuture.completedFuture(7)) shouldBe 7
  }
})
