package io.jcontext.kotlin.sync

import io.jcontext.Context
import io.jcontext.ContextCancelledException
import io.jcontext.DeadlineExceededException
import io.jcontext.kotlin.CountingContext
import io.jcontext.kotlin.currentContext
import io.jcontext.sync.Semaphore
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.booleans.shouldBeFalse
import io.kotest.matchers.booleans.shouldBeTrue
import io.kotest.matchers.shouldBe
import io.kotest.matchers.types.shouldBeInstanceOf
import java.time.Duration
import java.util.concurrent.atomic.AtomicInteger
import java.util.concurrent.atomic.AtomicReference
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.ExperimentalCoroutinesApi
import kotlinx.coroutines.coroutineScope
import kotlinx.coroutines.delay
import kotlinx.coroutines.launch
import kotlinx.coroutines.test.advanceTimeBy
import kotlinx.coroutines.test.runCurrent
import kotlinx.coroutines.test.runTest
import kotlinx.coroutines.yield

/** Ports of Go's x/sync semaphore_test.go (names as in SemaphoreTest), suspending forms, then the bridge contract. */
@OptIn(ExperimentalCoroutinesApi::class)
class SemaphoreSuspendingSpec : FunSpec({
  val bg = Context.background()

  test("weighted: hammering with every weight never holds more than size") {
    val n = maxOf(4, Runtime.getRuntime().availableProcessors())
    val sem = Semaphore.create(n.toLong())
    val held = AtomicInteger()
    coroutineScope {
      for (w in 1..n) {
        launch(Dispatchers.Default) {
          repeat(10_000 / n) {
            sem.acquireSuspending(bg, w.toLong())
            (held.addAndGet(w) <= n).shouldBeTrue()
            yield()
            held.addAndGet(-w)
            sem.release(w.toLong())
          }
        }
      }
    }
    sem.availablePermits() shouldBe n.toLong()
    waitersOf(sem) shouldBe 0
  }

  test("weightedPanic: releasing more than held throws and keeps the count") {
    val sem = Semaphore.create(1)
    shouldThrow<IllegalStateException> { sem.release(1) }
    sem.availablePermits() shouldBe 1
  }

  test("weightedTryAcquire") {
    runTest {
      val sem = Semaphore.create(2)
      val tries = mutableListOf<Boolean>()
      sem.acquireSuspending(bg, 1)
      tries += sem.tryAcquire(1)
      tries += sem.tryAcquire(1)
      sem.release(2)
      tries += sem.tryAcquire(1)
      sem.acquireSuspending(bg, 1)
      tries += sem.tryAcquire(1)
      tries shouldBe listOf(true, false, true, false)
    }
  }

  test("weightedAcquire: Go's 10 ms tryAcquire helper, on virtual time") {
    runTest {
      val sem = Semaphore.create(2)
      suspend fun acquireWithin10ms(): Boolean {
        val ctx = currentContext().withTimeout(Duration.ofMillis(10))
        return try {
          sem.acquireSuspending(ctx, 1)
          true
        } catch (e: DeadlineExceededException) {
          false
        } finally {
          ctx.cancel()
        }
      }
      val tries = mutableListOf<Boolean>()
      sem.acquireSuspending(bg, 1)
      tries += acquireWithin10ms()
      tries += acquireWithin10ms()
      sem.release(2)
      tries += acquireWithin10ms()
      sem.acquireSuspending(bg, 1)
      tries += acquireWithin10ms()
      tries shouldBe listOf(true, false, true, false)
      sem.availablePermits() shouldBe 0
    }
  }

  test("weightedDoesntBlockIfTooBig: n > size waits for its ctx without joining the line") {
    runTest {
      val n = 2L
      val sem = Semaphore.create(n)
      val big = Context.background().withCancel()
      val failure = AtomicReference<Throwable?>()
      val tooBig = launch { failure.set(runCatching { sem.acquireSuspending(big, n + 1) }.exceptionOrNull()) }
      runCurrent()
      coroutineScope {
        repeat((n * 3).toInt()) {
          launch {
            sem.acquireSuspending(bg, 1)
            yield()
            sem.release(1)
          }
        }
      }
      tooBig.isCompleted.shouldBeFalse()
      waitersOf(sem) shouldBe 0
      big.cancel()
      tooBig.join()
      failure.get().shouldBeInstanceOf<ContextCancelledException>()
      sem.availablePermits() shouldBe n
    }
  }

  test("largeAcquireDoesntStarve: a large request is served while small ones hammer") {
    val n = maxOf(4, Runtime.getRuntime().availableProcessors())
    val sem = Semaphore.create(n.toLong())
    val running = AtomicInteger(1)
    coroutineScope {
      repeat(n) {
        sem.acquireSuspending(bg, 1)
        launch(Dispatchers.Default) {
          try {
            while (running.get() == 1) {
              yield()
              sem.release(1)
              sem.acquireSuspending(bg, 1)
            }
          } finally {
            sem.release(1)
          }
        }
      }
      sem.acquireSuspending(bg, n.toLong())
      running.set(0)
      sem.release(n.toLong())
    }
    sem.availablePermits() shouldBe n.toLong()
  }

  test("allocCancelDoesntStarve: a writer timing out at the head lets the reader behind it in") {
    runTest {
      val sem = Semaphore.create(10)
      sem.acquireSuspending(bg, 1)
      val writeCtx = currentContext().withTimeout(Duration.ofMillis(300))
      val writerFailure = AtomicReference<Throwable?>()
      val writer = launch { writerFailure.set(runCatching { sem.acquireSuspending(writeCtx, 10) }.exceptionOrNull()) }
      runCurrent()
      val reader = launch {
        sem.acquireSuspending(bg, 1)
        sem.release(1)
      }
      runCurrent()
      waitersOf(sem) shouldBe 2
      advanceTimeBy(301)
      runCurrent()
      writer.join()
      writerFailure.get().shouldBeInstanceOf<DeadlineExceededException>()
      reader.join()
      sem.availablePermits() shouldBe 9
      waitersOf(sem) shouldBe 0
    }
  }

  // ---- The bridge contract ------------------------------------------------------------------

  test("reproduction: permits released for a waiting weighted acquire are not barged by tryAcquire") {
    runTest {
      val s = Semaphore.create(3)
      val ctx = bg
      s.acquireSuspending(ctx, 3)
      val w = launch { s.acquireSuspending(ctx, 3) }
      runCurrent() // waits for 3 permits
      s.release(1)
      s.release(1) // both belong to that waiter
      s.tryAcquire(1).shouldBeFalse() // must not barge
      val late = launch { s.acquireSuspending(ctx, 1) } // a new acquire does not overtake either
      runCurrent()
      waitersOf(s) shouldBe 2
      s.release(1)
      w.join()
      late.isCompleted.shouldBeFalse()
      s.release(3)
      late.join()
      s.release(1)
      s.availablePermits() shouldBe 3
    }
  }

  test("a weighted waiter is not overtaken by later 1-permit waiters (head-of-line)") {
    runTest {
      val s = Semaphore.create(3)
      s.acquireSuspending(bg, 2)
      val order = mutableListOf<String>()
      val big = launch { s.acquireSuspending(bg, 3); order += "big"; s.release(3) }
      runCurrent()
      val small = launch { s.acquireSuspending(bg, 1); order += "small"; s.release(1) }
      runCurrent()
      order shouldBe emptyList()
      s.release(2)
      big.join(); small.join()
      order shouldBe listOf("big", "small")
    }
  }

  test("a done ctx fails up front even with free permits; a ctx ending mid-wait throws ctx.err() and leaves nothing") {
    runTest {
      val s = Semaphore.create(1)
      val done = Context.background().withCancel().also { it.cancel() }
      shouldThrow<ContextCancelledException> { s.acquireSuspending(done, 1) }
      s.availablePermits() shouldBe 1
      s.acquireSuspending(bg, 1)
      val ctx = CountingContext()
      val failure = AtomicReference<Throwable?>()
      val a = launch { failure.set(runCatching { s.acquireSuspending(ctx, 1) }.exceptionOrNull()) }
      runCurrent()
      waitersOf(s) shouldBe 1
      ctx.cancel()
      a.join()
      failure.get().shouldBeInstanceOf<ContextCancelledException>()
      ctx.registrations shouldBe 0
      waitersOf(s) shouldBe 0
      s.release(1)
      s.availablePermits() shouldBe 1
    }
  }

  test("prompt cancellation: a waiter cancelled as the permits reach it passes them on") {
    runTest {
      val s = Semaphore.create(2)
      s.acquireSuspending(bg, 2)
      val ctx = CountingContext()
      val a = launch { s.acquireSuspending(ctx, 2) }
      runCurrent()
      var bGot = false
      val b = launch { s.acquireSuspending(bg, 1); bGot = true }
      runCurrent()
      s.release(2) // granted to a, which has not run yet
      a.cancel()
      runCurrent()
      a.isCancelled.shouldBeTrue()
      b.join()
      bGot.shouldBeTrue() // a's permits went on to b
      ctx.registrations shouldBe 0
      s.release(1)
      s.availablePermits() shouldBe 2
    }
  }

  test("ctx done as the permit reaches the waiter: throws ctx.err() and the permit comes back") {
    runTest {
      val s = Semaphore.create(1)
      s.acquireSuspending(bg, 1)
      val ctx = Context.background().withCancel()
      val result = AtomicReference<Throwable?>()
      val a = launch { result.set(runCatching { s.acquireSuspending(ctx, 1) }.exceptionOrNull()) }
      runCurrent()
      s.release(1)
      ctx.cancel()
      a.join()
      result.get().shouldBeInstanceOf<ContextCancelledException>()
      s.availablePermits() shouldBe 1
    }
  }

  test("n > size waits until the ctx is done, as in Java (and until Job cancellation)") {
    runTest {
      val s = Semaphore.create(2)
      val ctx = currentContext().withTimeout(Duration.ofSeconds(5))
      val failure = AtomicReference<Throwable?>()
      val a = launch { failure.set(runCatching { s.acquireSuspending(ctx, 3) }.exceptionOrNull()) }
      advanceTimeBy(4_999)
      runCurrent()
      a.isCompleted.shouldBeFalse()
      advanceTimeBy(2)
      runCurrent()
      a.join()
      failure.get().shouldBeInstanceOf<DeadlineExceededException>()
      val b = launch { s.acquireSuspending(bg, 3) }
      runCurrent()
      b.cancel()
      b.join()
      s.availablePermits() shouldBe 2
    }
  }

  test("bad input: weights below 1 and over-release fail clearly and change nothing") {
    runTest {
      val s = Semaphore.create(3)
      shouldThrow<IllegalArgumentException> { s.acquireSuspending(bg, 0) }
      shouldThrow<IllegalArgumentException> { s.acquireSuspending(bg, -1) }
      shouldThrow<IllegalArgumentException> { s.withPermitsSuspending(bg, 0) { } }
      s.acquireSuspending(bg, 2)
      shouldThrow<IllegalStateException> { s.release(3) }
      s.availablePermits() shouldBe 1
      s.release(2)
      s.availablePermits() shouldBe 3
    }
  }

  test("withPermitsSuspending releases however the action ends; the default ctx is the coroutine's") {
    runTest {
      val s = Semaphore.create(2)
      runCatching { s.withPermitsSuspending(2) { error("x") } }
      s.availablePermits() shouldBe 2
      s.withPermitsSuspending(bg, 1) { s.availablePermits() shouldBe 1 }
      s.availablePermits() shouldBe 2
    }
  }

  test("one line for threads and coroutines: a blocked thread queued first is served first") {
    runTest {
      val s = Semaphore.create(1)
      s.acquireSuspending(bg, 1)
      val order = java.util.concurrent.ConcurrentLinkedQueue<String>()
      val t = Thread { s.acquire(bg, 1); order += "thread"; s.release(1) }
      t.start()
      while (waitersOf(s) < 1) Thread.onSpinWait()
      val c = launch(Dispatchers.Default) { s.acquireSuspending(bg, 1); order += "coroutine"; s.release(1) }
      while (waitersOf(s) < 2) delay(1)
      s.release(1)
      c.join()
      t.join(10_000)
      order.toList() shouldBe listOf("thread", "coroutine")
      s.availablePermits() shouldBe 1
    }
  }
})
