package io.jcontext.kotlin

import io.jcontext.DeadlineExceededException
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.booleans.shouldBeFalse
import io.kotest.matchers.booleans.shouldBeTrue
import io.kotest.matchers.nulls.shouldBeNull
import io.kotest.matchers.shouldBe
import io.kotest.matchers.types.shouldBeInstanceOf
import java.time.Duration
import kotlin.coroutines.ContinuationInterceptor
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds
import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.ExperimentalCoroutinesApi
import io.kotest.engine.coroutines.testScheduler
import kotlinx.coroutines.asExecutor
import kotlinx.coroutines.currentCoroutineContext
import kotlinx.coroutines.delay

/**
 * The synctest examples of seed 002 (TestAfterFunc, TestWithTimeout) on kotlinx-coroutines-test
 * virtual time: `testScheduler.runCurrent()` plays the part of `synctest.Wait()`, `delay` the part of
 * `time.Sleep`. The scheduler counts whole milliseconds, so "just before" is 1 ms before.
 */
@OptIn(ExperimentalCoroutinesApi::class)
class VirtualTimeSpec : FunSpec({
  coroutineTestScope = true

  test("TestAfterFunc: not called before cancel, called after") {
    val ctx = currentContext().withCancel()
    var funcCalled = false
    // The function runs on the test dispatcher, so testScheduler.runCurrent() is synctest.Wait().
    val testExecutor = (currentCoroutineContext()[ContinuationInterceptor] as CoroutineDispatcher).asExecutor()
    ctx.afterFunc({ funcCalled = true }, testExecutor)

    testScheduler.runCurrent()
    funcCalled.shouldBeFalse()

    ctx.cancel()

    testScheduler.runCurrent()
    funcCalled.shouldBeTrue()
  }

  test("TestWithTimeout: no error just before the timeout, DeadlineExceeded at it") {
    val timeout = 5.seconds
    val ctx = currentContext().withTimeout(Duration.ofSeconds(5))
    try {
      delay(timeout - 1.milliseconds)
      testScheduler.runCurrent()
      ctx.err().shouldBeNull()

      delay(1.milliseconds)
      testScheduler.runCurrent()
      ctx.err().shouldBeInstanceOf<DeadlineExceededException>()
      testScheduler.currentTime shouldBe 5_000
    } finally {
      ctx.cancel()
    }
  }

  test("withContextTimeout(5.seconds) on a jcontext expires at virtual 5000 ms, no real waiting") {
    val started = System.nanoTime()
    shouldThrow<DeadlineExceededException> {
      withContextTimeout(5.seconds) { sleep(currentContext(), 1.seconds * 3600) }
    }
    testScheduler.currentTime shouldBe 5_000
    (System.nanoTime() - started < 30_000_000_000L).shouldBeTrue() // an hour of virtual time, not real
  }

  test("the bridge's clock starts at 2000-01-01T00:00:00Z like synctest") {
    val clock = currentContext().clock()
    java.time.Instant.ofEpochSecond(0, clock.nanoTime()) shouldBe java.time.Instant.parse("2000-01-01T00:00:00Z")
    delay(1_500)
    java.time.Instant.ofEpochSecond(0, clock.nanoTime()) shouldBe java.time.Instant.parse("2000-01-01T00:00:01.500Z")
  }

  test("a stopped virtual timer never fires and leaves no event behind") {
    val ctx = currentContext().withTimeout(Duration.ofSeconds(5))
    ctx.cancel()
    delay(10.seconds)
    ctx.err().shouldBeInstanceOf<io.jcontext.ContextCancelledException>()
  }
})
