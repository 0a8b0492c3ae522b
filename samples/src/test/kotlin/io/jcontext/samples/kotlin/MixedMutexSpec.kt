package io.jcontext.samples.kotlin

import io.jcontext.ContextCancelledException
import io.jcontext.sync.Mutex
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.booleans.shouldBeFalse
import io.kotest.matchers.booleans.shouldBeTrue
import io.kotest.matchers.shouldBe
import io.kotest.matchers.types.shouldBeInstanceOf
import java.time.Duration
import kotlinx.coroutines.CancellationException

class MixedMutexSpec : FunSpec({
  val sample = MixedMutex()

  test("a Java thread waiting on a lock a coroutine holds gives up when its context is cancelled") {
    val w = sample.javaWaiterCancelled()
    w.error.shouldBeInstanceOf<ContextCancelledException>()
    w.heldByOtherAfter.shouldBeTrue()
    w.lockedAfterRelease.shouldBeFalse()
    w.usableAfter.shouldBeTrue()
  }

  test("a coroutine waiting on a lock a Java thread holds gives up when its context is cancelled") {
    val w = sample.coroutineWaiterCancelled()
    w.error.shouldBeInstanceOf<ContextCancelledException>()
    w.heldByOtherAfter.shouldBeTrue()
    w.lockedAfterRelease.shouldBeFalse()
    w.usableAfter.shouldBeTrue()
  }

  test("a waiting coroutine cancelled through its Job leaves the lock with its holder, then free") {
    val w = sample.coroutineJobCancelled()
    w.error.shouldBeInstanceOf<CancellationException>()
    w.heldByOtherAfter.shouldBeTrue()
    w.lockedAfterRelease.shouldBeFalse()
    w.usableAfter.shouldBeTrue()
  }

  test("Java threads and coroutines contending with timeouts: every attempt accounted for, mutex free") {
    val c = sample.contend(Mutex.create(), 100, Duration.ofMillis(5))
    (c.acquired + c.timedOut) shouldBe 200
    c.other shouldBe 0
    c.lockedAfter.shouldBeFalse()
  }

  test("without timeouts pressing, every contender of both kinds gets the lock") {
    val c = sample.contend(Mutex.create(), 50, Duration.ofSeconds(30))
    c.acquired shouldBe 100
    c.lockedAfter.shouldBeFalse()
  }
})
