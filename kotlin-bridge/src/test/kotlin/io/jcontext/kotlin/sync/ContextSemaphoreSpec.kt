package io.jcontext.kotlin.sync

import io.jcontext.Context
import io.jcontext.ContextCancelledException
import io.jcontext.kotlin.CountingContext
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.booleans.shouldBeFalse
import io.kotest.matchers.booleans.shouldBeTrue
import io.kotest.matchers.shouldBe
import java.util.concurrent.CountDownLatch
import java.util.concurrent.TimeUnit
import java.util.concurrent.atomic.AtomicInteger
import java.util.concurrent.atomic.AtomicReference
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.ExperimentalCoroutinesApi
import kotlinx.coroutines.coroutineScope
import kotlinx.coroutines.launch
import kotlinx.coroutines.test.runCurrent
import kotlinx.coroutines.test.runTest

@OptIn(ExperimentalCoroutinesApi::class)
class ContextSemaphoreSpec : FunSpec({

  test("bad input: size, weights and over-release fail clearly and change nothing") {
    runTest {
      shouldThrow<IllegalArgumentException> { ContextSemaphore(0) }
      val s = ContextSemaphore(3)
      shouldThrow<IllegalArgumentException> { s.acquire(n = 0) }
      shouldThrow<IllegalArgumentException> { s.acquire(n = 4) }
      shouldThrow<IllegalArgumentException> { s.tryAcquire(-1) }
      shouldThrow<IllegalArgumentException> { s.release(0) }
      shouldThrow<IllegalStateException> { s.release() }
      s.acquire(n = 2)
      shouldThrow<IllegalStateException> { s.release(3) }
      s.availablePermits shouldBe 1
      s.release(2)
      s.availablePermits shouldBe 3
    }
  }

  test("weighted FIFO: a large request at the head is served before later ones") {
    runTest {
      val s = ContextSemaphore(3)
      s.acquire(n = 2)
      val order = mutableListOf<String>()
      val big = launch { s.acquire(n = 3); order += "big"; s.release(3) }
      runCurrent()
      val small = launch { s.acquire(n = 2); order += "small"; s.release(2) }
      runCurrent()
      order shouldBe emptyList()
      s.release(2)
      big.join(); small.join()
      order shouldBe listOf("big", "small")
      s.availablePermits shouldBe 3
    }
  }

  test("tryAcquire never takes permits from a waiter") {
    runTest {
      val s = ContextSemaphore(2)
      s.acquire(n = 2)
      val w = launch { s.acquire() ; s.release() }
      runCurrent()
      s.release()
      s.tryAcquire().shouldBeFalse() // the released permit went to the waiter
      w.join()
      s.release()
      s.availablePermits shouldBe 2
    }
  }

  test("a cancelled weighted head gives back its partial permits and the next waiter proceeds") {
    runTest {
      val s = ContextSemaphore(3)
      s.acquire(n = 2)
      val ctx = CountingContext()
      val head = launch { runCatching { s.acquire(ctx, 3) }.exceptionOrNull().let { (it is ContextCancelledException).shouldBeTrue() } }
      runCurrent()
      var nextGot = false
      val next = launch { s.acquire(n = 2); nextGot = true }
      runCurrent()
      s.availablePermits shouldBe 1 // the head collected one permit (not yet counted as held)
      nextGot.shouldBeFalse()
      ctx.cancel()
      head.join()
      ctx.registrations shouldBe 0
      s.release(2)
      next.join()
      nextGot.shouldBeTrue()
      s.release(2)
      s.availablePermits shouldBe 3
      s.tryAcquire(3).shouldBeTrue()
      s.release(3)
    }
  }

  test("Job cancellation while waiting and prompt cancellation leak no permit") {
    runTest {
      val s = ContextSemaphore(2)
      s.acquire(n = 2)
      val a = launch { s.acquire(n = 2) }
      val b = launch { s.acquire() }
      runCurrent()
      a.cancel()
      a.join()
      s.release() // hands to b
      b.cancel() // before b runs: prompt cancellation gives it back
      runCurrent()
      s.release()
      s.availablePermits shouldBe 2
      s.tryAcquire(2).shouldBeTrue()
      s.release(2)
    }
  }

  test("prompt cancellation on the ctx-aware path: a waiter cancelled as the permit reaches it gives it back") {
    runTest {
      val s = ContextSemaphore(1)
      s.acquire()
      val ctx = CountingContext()
      val a = launch { s.acquire(ctx) }
      runCurrent()
      s.release() // hands the permit to a, which has not run yet
      a.cancel()
      runCurrent()
      a.isCancelled.shouldBeTrue()
      ctx.registrations shouldBe 0
      s.availablePermits shouldBe 1
      s.tryAcquire().shouldBeTrue()
      s.release()
    }
  }

  test("ctx done as the permit reaches the waiter: acquire throws ctx.err() and the permit comes back") {
    runTest {
      val s = ContextSemaphore(1)
      s.acquire()
      val ctx = Context.background().withCancel()
      val result = AtomicReference<Throwable?>()
      val a = launch { result.set(runCatching { s.acquire(ctx) }.exceptionOrNull()) }
      runCurrent()
      s.release() // to a
      ctx.cancel()
      a.join()
      (result.get() is ContextCancelledException).shouldBeTrue()
      s.availablePermits shouldBe 1
      s.tryAcquire().shouldBeTrue()
      s.release()
    }
  }

  test("withPermits releases however the action ends") {
    runTest {
      val s = ContextSemaphore(2)
      runCatching { s.withPermits(n = 2) { error("x") } }
      s.availablePermits shouldBe 2
      s.withPermits(Context.background(), 1) { s.availablePermits shouldBe 1 }
      s.availablePermits shouldBe 2
    }
  }

  test("Java forms: acquireBlocking waits, acquireAsync fails with ctx.err(), cancelled futures leak nothing") {
    val s = ContextSemaphore(2)
    s.acquireBlocking(Context.background(), 2)
    val ctx = Context.background().withCancel()
    val f = s.acquireAsync(ctx, 1)
    ctx.cancel()
    // get() throws a CancellationException on every JDK (JDK 21+ wraps ctx.err() in a new one);
    // the future's own failure, as handle() sees it, is ctx.err() everywhere.
    shouldThrow<java.util.concurrent.CancellationException> { f.get(10, TimeUnit.SECONDS) }
    (f.handle { _, e -> e }.get(10, TimeUnit.SECONDS) is ContextCancelledException).shouldBeTrue()
    val g = s.acquireAsync(Context.background(), 2)
    g.cancel(false)
    val done = CountDownLatch(1)
    val error = AtomicReference<Throwable?>()
    val t = Thread {
      error.set(runCatching { s.acquireBlocking(Context.background(), 1) }.exceptionOrNull())
      done.countDown()
    }
    t.start()
    s.release(2)
    done.await(10, TimeUnit.SECONDS).shouldBeTrue()
    error.get() shouldBe null
    s.availablePermits shouldBe 1
    s.release(1)
    s.availablePermits shouldBe 2
  }

  test("stress: never more than size holders, all permits back at the end") {
    val s = ContextSemaphore(3)
    val inside = AtomicInteger()
    val maxInside = AtomicInteger()
    coroutineScope {
      repeat(6) { k ->
        launch(Dispatchers.Default) {
          repeat(1_000) { i ->
            val n = 1 + (i + k) % 3
            val ctx = Context.background().withCancel()
            if (i % 11 == 0) ctx.cancel()
            try {
              s.withPermits(ctx, n) {
                val now = inside.addAndGet(n)
                maxInside.accumulateAndGet(now, ::maxOf)
                inside.addAndGet(-n)
              }
            } catch (_: ContextCancelledException) {
            }
          }
        }
      }
    }
    (maxInside.get() <= 3).shouldBeTrue()
    s.availablePermits shouldBe 3
  }
})
