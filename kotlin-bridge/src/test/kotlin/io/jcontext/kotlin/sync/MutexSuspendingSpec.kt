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

  test("normal mode: unlock hands the freed mutex to the suspended waiter first in line; a newcomer after that cannot take it") {
    runTest {
      val m = Mutex.create()
      m.lockSuspending(bg)
      var aGot = false
      val a = launch { m.lockSuspending(bg); aGot = true }
      runCurrent()
      m.unlock() // grants a before a runs: the resumption carries the mutex
      m.isLocked.shouldBeTrue()
      m.tryLock().shouldBeFalse()
      waitersOf(m) shouldBe 0
      aGot.shouldBeFalse()
      runCurrent()
      aGot.shouldBeTrue()
      a.join()
      m.unlock()
      m.isLocked.shouldBeFalse()
    }
  }

  test("a thread and a coroutine in one line: the thread is woken to compete, the coroutine behind it is handed the mutex in turn").config(invocations = 50) {
    runTest {
      val m = Mutex.create()
      m.lockSuspending(bg)
      val threadGot = java.util.concurrent.CountDownLatch(1)
      val release = java.util.concurrent.CountDownLatch(1)
      val t = Thread {
        m.lock(bg)
        threadGot.countDown()
        release.await()
        m.unlock()
      }
      t.start()
      while (waitersOf(m) < 1) Thread.onSpinWait() // liveness only: the thread joins the line
      var cGot = false
      val c = launch { m.lockSuspending(bg); cGot = true }
      runCurrent()
      waitersOf(m) shouldBe 2
      m.unlock() // wakes the thread (first); the coroutine stays in line
      threadGot.await(30, java.util.concurrent.TimeUnit.SECONDS).shouldBeTrue()
      runCurrent()
      cGot.shouldBeFalse()
      release.countDown() // the thread's unlock hands the mutex to the coroutine
      t.join(30_000)
      t.isAlive.shouldBeFalse()
      m.isLocked.shouldBeTrue()
      runCurrent()
      cGot.shouldBeTrue()
      c.join()
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
