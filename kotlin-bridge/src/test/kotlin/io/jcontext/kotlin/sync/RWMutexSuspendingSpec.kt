package io.jcontext.kotlin.sync

import io.jcontext.Context
import io.jcontext.DeadlineExceededException
import io.jcontext.kotlin.currentContext
import io.jcontext.sync.RWMutex
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.booleans.shouldBeFalse
import io.kotest.matchers.booleans.shouldBeTrue
import io.kotest.matchers.shouldBe
import io.kotest.matchers.types.shouldBeInstanceOf
import java.time.Duration
import java.util.concurrent.atomic.AtomicReference
import kotlinx.coroutines.ExperimentalCoroutinesApi
import kotlinx.coroutines.launch
import kotlinx.coroutines.test.advanceTimeBy
import kotlinx.coroutines.test.runCurrent
import kotlinx.coroutines.test.runTest

/** The suspending forms of [RWMutex]: Go's writer preference, cancellation, bad input. */
@OptIn(ExperimentalCoroutinesApi::class)
class RWMutexSuspendingSpec : FunSpec({
  val bg = Context.background()

  test("readers share; a waiting writer keeps new readers out (writer preference), then readers enter together") {
    runTest {
      val rw = RWMutex.create()
      rw.rLockSuspending(bg)
      rw.rLockSuspending(bg)
      rw.readers() shouldBe 2
      var wrote = false
      val writer = launch { rw.withLockSuspending(bg) { wrote = true } }
      runCurrent()
      rw.tryRLock().shouldBeFalse()
      var lateReaders = 0
      val late = (1..2).map { launch { rw.withRLockSuspending(bg) { lateReaders++ } } }
      runCurrent()
      lateReaders shouldBe 0
      waitersOf(rw) shouldBe 3
      rw.rUnlock(); rw.rUnlock()
      writer.join()
      wrote.shouldBeTrue()
      late.forEach { it.join() }
      lateReaders shouldBe 2
      rw.readers() shouldBe 0
      rw.isWriteLocked.shouldBeFalse()
    }
  }

  test("a waiting writer whose ctx times out leaves the line and lets the readers behind it in") {
    runTest {
      val rw = RWMutex.create()
      rw.rLockSuspending(bg)
      val ctx = currentContext().withTimeout(Duration.ofMillis(100))
      val failure = AtomicReference<Throwable?>()
      val writer = launch { failure.set(runCatching { rw.lockSuspending(ctx) }.exceptionOrNull()) }
      runCurrent()
      var readerIn = false
      val reader = launch { rw.rLockSuspending(bg); readerIn = true; rw.rUnlock() }
      runCurrent()
      readerIn.shouldBeFalse()
      advanceTimeBy(101); runCurrent()
      writer.join(); reader.join()
      failure.get().shouldBeInstanceOf<DeadlineExceededException>()
      readerIn.shouldBeTrue()
      rw.rUnlock()
      rw.readers() shouldBe 0
      waitersOf(rw) shouldBe 0
    }
  }

  test("prompt cancellation: a writer handed the lock and cancelled before it runs passes it to the readers") {
    runTest {
      val rw = RWMutex.create()
      rw.lockSuspending(bg)
      val writer = launch { rw.lockSuspending(bg) }
      var readerIn = false
      val reader = launch { rw.rLockSuspending(bg); readerIn = true }
      runCurrent()
      rw.unlock() // hands it to the writer
      writer.cancel()
      runCurrent()
      reader.join()
      readerIn.shouldBeTrue()
      rw.rUnlock()
      rw.readers() shouldBe 0
      rw.isWriteLocked.shouldBeFalse()
    }
  }

  test("bad input: rUnlock without rLock, unlock without lock throw and change nothing") {
    runTest {
      val rw = RWMutex.create()
      shouldThrow<IllegalStateException> { rw.rUnlock() }
      shouldThrow<IllegalStateException> { rw.unlock() }
      rw.rLockSuspending(bg)
      shouldThrow<IllegalStateException> { rw.unlock() }
      rw.readers() shouldBe 1
      rw.rUnlock()
      rw.lockSuspending(bg)
      shouldThrow<IllegalStateException> { rw.rUnlock() }
      rw.isWriteLocked.shouldBeTrue()
      rw.unlock()
      rw.tryLock().shouldBeTrue()
      rw.unlock()
    }
  }
})
