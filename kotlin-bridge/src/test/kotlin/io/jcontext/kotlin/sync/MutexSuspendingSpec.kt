package io.jcontext.kotlin.sync

import io.jcontext.Context
import io.jcontext.ContextCancelledException
import io.jcontext.DeadlineExceededException
import io.jcontext.kotlin.CountingContext
import io.jcontext.kotlin.currentContext
import io.jcontext.sync.Mutex
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

/** The suspending forms of [Mutex] on virtual time (runTest): contract, Go's fairness model, cancellation. */
@OptIn(ExperimentalCoroutinesApi::class)
class MutexSuspendingSpec : FunSpec({
  val bg = Context.background()

  test("lock/unlock; withLockSuspending unlocks however the action ends; default ctx is the coroutine's") {
    runTest {
      val m = Mutex.create()
      m.lockSuspending()
      m.isLocked.shouldBeTrue()
      m.unlock()
      runCatching { m.withLockSuspending { error("x") } }
      m.isLocked.shouldBeFalse()
      m.withLockSuspending(bg) { m.isLocked.shouldBeTrue() } 
      m.isLocked.shouldBeFalse()
    }
  }

  test("waiters get the lock in line order when nobody barges") {
    runTest {
      val m = Mutex.create()
      m.lockSuspending(bg)
      val order = mutableListOf<Int>()
      val jobs = (1..3).map { i -> launch { m.lockSuspending(bg); order += i; m.unlock() } }
      runCurrent()
      waitersOf(m) shouldBe 3
      m.unlock()
      jobs.forEach { it.join() }
      order shouldBe listOf(1, 2, 3)
      m.isLocked.shouldBeFalse()
      waitersOf(m) shouldBe 0
    }
  }

  test("normal mode: a freed mutex may be taken by a newcomer; the woken waiter stays first and waits again") {
    runTest {
      val m = Mutex.create()
      m.lockSuspending(bg)
      var aGot = false
      val a = launch { m.lockSuspending(bg); aGot = true }
      runCurrent()
      m.unlock() // wakes a (not yet run)
      m.tryLock().shouldBeTrue() // barging: the free mutex goes to whoever takes it
      runCurrent() // a retries, loses, waits again first in line
      aGot.shouldBeFalse()
      waitersOf(m) shouldBe 1
      m.unlock()
      a.join()
      aGot.shouldBeTrue()
      m.unlock()
    }
  }

  test("starvation mode: a waiter that lost after waiting over 1 ms gets the mutex handed over; no barging meanwhile") {
    runTest {
      val m = Mutex.create()
      m.lockSuspending(bg)
      var aGot = false
      val a = launch { m.lockSuspending(bg); aGot = true }
      runCurrent()
      // Real (not virtual) time is the starvation clock: let 1 ms of it pass (liveness bound only).
      val start = System.nanoTime()
      while (System.nanoTime() - start < 2_000_000) Thread.onSpinWait()
      m.unlock()
      m.tryLock().shouldBeTrue() // still normal mode: barges
      runCurrent() // a loses after > 1 ms: starvation mode
      starvingOf(m).shouldBeTrue()
      aGot.shouldBeFalse()
      m.unlock() // hands the mutex to a without freeing it
      m.tryLock().shouldBeFalse()
      m.isLocked.shouldBeTrue()
      a.join()
      aGot.shouldBeTrue()
      starvingOf(m).shouldBeFalse() // a was the last waiter
      m.unlock()
      m.isLocked.shouldBeFalse()
    }
  }

  test("a done ctx fails up front; a ctx ending mid-wait throws ctx.err() and leaves no waiter or registration") {
    runTest {
      val m = Mutex.create()
      val done = Context.background().withCancel().also { it.cancel() }
      shouldThrow<ContextCancelledException> { m.lockSuspending(done) }
      m.isLocked.shouldBeFalse()
      m.lockSuspending(bg)
      val ctx = CountingContext()
      val failure = AtomicReference<Throwable?>()
      val a = launch { failure.set(runCatching { m.lockSuspending(ctx) }.exceptionOrNull()) }
      runCurrent()
      ctx.cancel()
      a.join()
      failure.get().shouldBeInstanceOf<ContextCancelledException>()
      ctx.registrations shouldBe 0
      waitersOf(m) shouldBe 0
      m.unlock()
      m.isLocked.shouldBeFalse()
    }
  }

  test("a ctx timeout on virtual time ends the wait") {
    runTest {
      val m = Mutex.create()
      m.lockSuspending(bg)
      val ctx = currentContext().withTimeout(Duration.ofSeconds(5))
      val failure = AtomicReference<Throwable?>()
      val a = launch { failure.set(runCatching { m.lockSuspending(ctx) }.exceptionOrNull()) }
      advanceTimeBy(4_999); runCurrent()
      a.isCompleted.shouldBeFalse()
      advanceTimeBy(2); runCurrent()
      failure.get().shouldBeInstanceOf<DeadlineExceededException>()
      m.unlock()
    }
  }

  test("prompt cancellation: a waiter woken or handed the mutex and cancelled before it runs passes it on") {
    runTest {
      val m = Mutex.create()
      m.lockSuspending(bg)
      val a = launch { m.lockSuspending(bg) }
      var bGot = false
      val b = launch { m.lockSuspending(bg); bGot = true }
      runCurrent()
      m.unlock() // wakes a
      a.cancel()
      runCurrent()
      a.isCancelled.shouldBeTrue()
      b.join()
      bGot.shouldBeTrue()
      m.unlock()
      m.isLocked.shouldBeFalse()
      waitersOf(m) shouldBe 0
    }
  }

  test("bad input: unlock of an unlocked mutex throws and changes nothing") {
    runTest {
      val m = Mutex.create()
      shouldThrow<IllegalStateException> { m.unlock() }
      m.isLocked.shouldBeFalse()
      m.lockSuspending(bg)
      m.unlock()
      shouldThrow<IllegalStateException> { m.unlock() }
      m.tryLock().shouldBeTrue()
      m.unlock()
    }
  }

  test("bad input: a null ctx from Java fails clearly and changes nothing") {
    runTest {
      val m = Mutex.create()
      val s = io.jcontext.sync.Semaphore.create(1)
      val rw = io.jcontext.sync.RWMutex.create()
      val calls = listOf(
        Triple("io.jcontext.kotlin.sync.MutexSuspendingKt", "lockSuspending", arrayOf<Any?>(m, null)),
        Triple("io.jcontext.kotlin.sync.SemaphoreSuspendingKt", "acquireSuspending", arrayOf<Any?>(s, null, 1L)),
        Triple("io.jcontext.kotlin.sync.RWMutexSuspendingKt", "rLockSuspending", arrayOf<Any?>(rw, null)),
        Triple("io.jcontext.kotlin.sync.RWMutexSuspendingKt", "lockSuspending", arrayOf<Any?>(rw, null)),
      )
      for ((cls, name, args) in calls) {
        val method = Class.forName(cls).methods.single {
          it.name == name && it.parameterCount == args.size + 1 && it.parameterTypes[1] == Context::class.java
        }
        val noCont = object : kotlin.coroutines.Continuation<Any?> {
          override val context = kotlin.coroutines.EmptyCoroutineContext
          override fun resumeWith(result: Result<Any?>) = Unit
        }
        val e = shouldThrow<java.lang.reflect.InvocationTargetException> { method.invoke(null, *args, noCont) }
        e.cause.shouldBeInstanceOf<NullPointerException>()
        (e.cause!!.message ?: "").contains("ctx").shouldBeTrue()
      }
      m.isLocked.shouldBeFalse()
      s.availablePermits() shouldBe 1L
      rw.readers() shouldBe 0L
      rw.isWriteLocked.shouldBeFalse()
    }
  }
})
