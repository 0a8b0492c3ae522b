package io.jcontext.kotlin.sync

import io.jcontext.Context
import io.jcontext.ContextCancelledException
import io.jcontext.DeadlineExceededException
import io.jcontext.kotlin.CountingContext
import io.jcontext.kotlin.test.backgroundContext
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.booleans.shouldBeFalse
import io.kotest.matchers.booleans.shouldBeTrue
import io.kotest.matchers.shouldBe
import io.kotest.matchers.types.shouldBeSameInstanceAs
import java.io.IOException
import java.time.Duration
import java.util.concurrent.CancellationException
import java.util.concurrent.CountDownLatch
import java.util.concurrent.TimeUnit
import java.util.concurrent.atomic.AtomicReference
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.ExperimentalCoroutinesApi
import kotlinx.coroutines.coroutineScope
import kotlinx.coroutines.launch
import kotlinx.coroutines.test.currentTime
import kotlinx.coroutines.test.runCurrent
import kotlinx.coroutines.test.runTest
import kotlinx.coroutines.withContext

@OptIn(ExperimentalCoroutinesApi::class)
class ContextMutexSpec : FunSpec({

  test("lock, tryLock, unlock; unheld unlock fails clearly and leaves the mutex usable") {
    runTest {
      val m = ContextMutex()
      shouldThrow<IllegalStateException> { m.unlock() }
      m.isLocked.shouldBeFalse()
      m.lock()
      m.isLocked.shouldBeTrue()
      m.tryLock().shouldBeFalse()
      m.unlock()
      shouldThrow<IllegalStateException> { m.unlock() }
      m.tryLock().shouldBeTrue()
      m.unlock()
    }
  }

  test("waiters get the lock first-in first-out; tryLock does not barge") {
    runTest {
      val m = ContextMutex()
      m.lock()
      val order = mutableListOf<Int>()
      val jobs = (1..3).map { i -> launch { m.lock(); order += i; m.unlock() } }
      runCurrent()
      m.tryLock().shouldBeFalse()
      m.unlock()
      jobs.forEach { it.join() }
      order shouldBe listOf(1, 2, 3)
      m.isLocked.shouldBeFalse()
    }
  }

  test("ctx cancelled while waiting: lock throws ctx.err() with its cause; nothing registered; lock usable") {
    runTest {
      val m = ContextMutex()
      m.lock()
      val ctx = CountingContext()
      val result = AtomicReference<Throwable?>()
      val waiter = launch { result.set(runCatching { m.lock(ctx) }.exceptionOrNull()) }
      runCurrent()
      ctx.registrations shouldBe 1
      val cause = IOException("client gone")
      ctx.cancel(cause)
      waiter.join()
      (result.get() is ContextCancelledException).shouldBeTrue()
      result.get()!!.cause shouldBeSameInstanceAs cause
      ctx.registrations shouldBe 0
      m.unlock()
      m.tryLock().shouldBeTrue()
      m.unlock()
    }
  }

  test("Job cancelled while waiting releases the wait; the lock goes to the next waiter") {
    runTest {
      val m = ContextMutex()
      m.lock()
      val a = launch { m.lock(Context.background().withCancel()) }
      var bGot = false
      val b = launch { m.lock(); bGot = true }
      runCurrent()
      a.cancel()
      a.join()
      m.unlock()
      b.join()
      bGot.shouldBeTrue()
      m.unlock()
      m.isLocked.shouldBeFalse()
    }
  }

  test("prompt cancellation: a waiter cancelled as the lock is handed to it gives it back") {
    runTest {
      val m = ContextMutex()
      m.lock()
      val b = launch { m.lock() }
      runCurrent()
      m.unlock() // hands the token to b, which has not run yet
      b.cancel()
      runCurrent()
      b.isCancelled.shouldBeTrue()
      m.isLocked.shouldBeFalse()
      m.tryLock().shouldBeTrue()
      m.unlock()
    }
  }

  test("prompt cancellation on the ctx-aware path: the lock goes on to the next waiter") {
    runTest {
      val m = ContextMutex()
      m.lock()
      val ctx = CountingContext()
      val a = launch { m.lock(ctx) }
      val order = mutableListOf<String>()
      val b = launch { m.lock(); order += "b"; m.unlock() }
      runCurrent()
      m.unlock() // hands the lock to a, which has not run yet
      a.cancel()
      runCurrent()
      a.isCancelled.shouldBeTrue()
      b.join()
      order shouldBe listOf("b")
      ctx.registrations shouldBe 0
      m.isLocked.shouldBeFalse()
      m.drainWaitingForTest() shouldBe 0
    }
  }

  test("ctx done as the lock is handed over: lock throws ctx.err() and passes the lock on") {
    runTest {
      val m = ContextMutex()
      m.lock()
      val ctx = Context.background().withCancel()
      val result = AtomicReference<Throwable?>()
      val a = launch { result.set(runCatching { m.lock(ctx) }.exceptionOrNull()) }
      runCurrent()
      m.unlock() // to a
      m.isLocked.shouldBeTrue() // a mutex being handed over is locked
      ctx.cancel()
      a.join()
      (result.get() is ContextCancelledException).shouldBeTrue()
      m.isLocked.shouldBeFalse()
      m.tryLock().shouldBeTrue()
      m.unlock()
    }
  }

  test("an unlock hands the lock to a waiter already in line: a later lock() or tryLock() cannot overtake it") {
    runTest {
      val m = ContextMutex()
      m.lock()
      val order = mutableListOf<String>()
      val a = launch { m.lock(); order += "a"; m.unlock() }
      runCurrent()
      m.unlock() // a owns the lock from here, although it has not run yet
      m.tryLock().shouldBeFalse()
      val b = launch { m.lock(); order += "b"; m.unlock() }
      a.join(); b.join()
      order shouldBe listOf("a", "b")
      m.isLocked.shouldBeFalse()
    }
  }

  test("waiters that give up in any order leave no waiter behind and the lock usable") {
    runTest {
      val m = ContextMutex()
      m.lock()
      val ctxs = (0 until 6).map { Context.background().withCancel() }
      val got = mutableListOf<Int>()
      val jobs = (0 until 6).map { i -> launch { m.lock(ctxs[i]); got += i; m.unlock() } }
      runCurrent()
      ctxs[1].cancel() // by ctx
      jobs[3].cancel() // by Job
      runCurrent()
      m.unlock() // to 0, which has not run yet
      ctxs[5].cancel()
      jobs[4].cancel()
      runCurrent()
      jobs.forEach { it.join() }
      got shouldBe listOf(0, 2)
      m.isLocked.shouldBeFalse()
      m.drainWaitingForTest() shouldBe 0
    }
  }

  test("waits abandoned behind a live waiter while the lock stays held are purged: the line stays bounded") {
    runTest {
      val m = ContextMutex()
      m.lock()
      val first = launch { m.lock(); m.unlock() } // waits the whole time, at the head of the line
      runCurrent()
      val rnd = java.util.Random(3)
      var maxLine = 0
      repeat(20) {
        val ctxs = (0 until 50).map { Context.background().withCancel() }
        val jobs = ctxs.map { c ->
          launch {
            try {
              m.lock(c)
              error("an abandoned wait got the lock")
            } catch (_: CancellationException) { // ctx.err() or the Job's exception
            }
          }
        }
        runCurrent()
        ctxs.shuffled(rnd).forEachIndexed { i, c -> if (i % 2 == 0) c.cancel() else jobs[ctxs.indexOf(c)].cancel() }
        runCurrent()
        maxLine = maxOf(maxLine, m.lineLengthForTest)
      }
      // 1 000 abandoned waits, but the line holds the live waiter and at most ~2 x PURGE_AT withdrawn ones.
      (maxLine <= 1 + 2 * 16).shouldBeTrue()
      m.isLocked.shouldBeTrue()
      m.unlock() // to the waiter at the head, which has waited throughout
      first.join()
      m.isLocked.shouldBeFalse()
      m.drainWaitingForTest() shouldBe 0
    }
  }

  test("a lock deadline on virtual time fires at 1000 ms") {
    runTest {
      val m = ContextMutex()
      m.lock()
      val ctx = backgroundContext().withTimeout(Duration.ofSeconds(1))
      shouldThrow<DeadlineExceededException> { m.lock(ctx) }
      currentTime shouldBe 1_000
      m.unlock()
    }
  }

  test("a done ctx fails even when the lock is free, and takes nothing") {
    runTest {
      val m = ContextMutex()
      val done = Context.background().withCancel().also { it.cancel() }
      shouldThrow<ContextCancelledException> { m.lock(done) }
      m.isLocked.shouldBeFalse()
    }
  }

  test("withLock unlocks when the action throws") {
    runTest {
      val m = ContextMutex()
      shouldThrow<IOException> { m.withLock { throw IOException("x") } }
      m.isLocked.shouldBeFalse()
      m.withLock(Context.background()) { 5 } shouldBe 5
      m.isLocked.shouldBeFalse()
    }
  }

  // ---- Java threads and coroutines on one lock ----

  test("mixed: a Java thread holds, a coroutine waits; cancelling the coroutine's ctx releases its wait") {
    val m = ContextMutex()
    val held = CountDownLatch(1)
    val release = CountDownLatch(1)
    val thread = Thread {
      m.lockBlocking(Context.background())
      held.countDown()
      release.await()
      m.unlock()
    }
    thread.start()
    held.await(10, TimeUnit.SECONDS).shouldBeTrue()
    coroutineScope {
      val ctx = Context.background().withCancel()
      val waiter = launch(Dispatchers.Default) { runCatching { m.lock(ctx) }.exceptionOrNull().let { e -> (e is ContextCancelledException).shouldBeTrue() } }
      ctx.cancel()
      waiter.join()
    }
    release.countDown()
    thread.join(10_000)
    thread.isAlive.shouldBeFalse()
    m.tryLock().shouldBeTrue()
    m.unlock()
  }

  test("mixed: a coroutine holds, a Java thread waits; cancelling the thread's ctx releases its wait") {
    val m = ContextMutex()
    m.lock()
    val ctx = Context.background().withCancel()
    val error = AtomicReference<Throwable?>()
    val waiting = CountDownLatch(1)
    val thread = Thread {
      waiting.countDown()
      error.set(runCatching { m.lockBlocking(ctx) }.exceptionOrNull())
    }
    thread.start()
    waiting.await(10, TimeUnit.SECONDS).shouldBeTrue()
    ctx.cancel(IOException("timeout upstream"))
    thread.join(10_000)
    thread.isAlive.shouldBeFalse()
    (error.get() is ContextCancelledException).shouldBeTrue()
    m.unlock()
    m.tryLock().shouldBeTrue()
    m.unlock()
  }

  test("mixed: lockAsync and a Java thread queue behind a coroutine and get the lock in turn") {
    val m = ContextMutex()
    m.lock()
    val future = m.lockAsync(Context.background()) // queued first
    future.isDone.shouldBeFalse()
    val got = CountDownLatch(1)
    val thread = Thread {
      m.lockBlocking(Context.background())
      got.countDown()
      m.unlock()
    }
    thread.start()
    m.unlock() // to the future: it was first in line
    future.get(10, TimeUnit.SECONDS)
    m.isLocked.shouldBeTrue() // held by the future's caller now
    m.unlock() // to the thread
    got.await(10, TimeUnit.SECONDS).shouldBeTrue()
    thread.join(10_000)
    thread.isAlive.shouldBeFalse()
    m.isLocked.shouldBeFalse()
  }

  test("lockAsync: a cancelled future never leaves the lock held; ctx done fails the future") {
    val m = ContextMutex()
    m.lock()
    val f = m.lockAsync(Context.background())
    f.cancel(false).shouldBeTrue()
    m.unlock()
    m.isLocked.shouldBeFalse()
    m.lock()
    val ctx = Context.background().withCancel()
    val g = m.lockAsync(ctx)
    ctx.cancel()
    // ctx.err() is a CancellationException: the future reports it as its cancellation.
    // get() throws a CancellationException on every JDK (JDK 21+ wraps ctx.err() in a new one);
    // the future's own failure, as handle() sees it, is ctx.err() everywhere.
    shouldThrow<java.util.concurrent.CancellationException> { g.get(10, TimeUnit.SECONDS) }
    (g.handle { _, e -> e }.get(10, TimeUnit.SECONDS) is ContextCancelledException).shouldBeTrue()
    g.isCompletedExceptionally.shouldBeTrue()
    m.unlock()
    m.isLocked.shouldBeFalse()
  }

  test("lockBlocking: an interrupted thread stops waiting with InterruptedException, nothing held") {
    val m = ContextMutex()
    m.lock()
    val error = AtomicReference<Throwable?>()
    val thread = Thread { error.set(runCatching { m.lockBlocking(Context.background()) }.exceptionOrNull()) }
    thread.start()
    thread.interrupt()
    thread.join(10_000)
    thread.isAlive.shouldBeFalse()
    (error.get() is InterruptedException || error.get() is CancellationException).shouldBeTrue()
    m.unlock()
    m.isLocked.shouldBeFalse()
    withContext(Dispatchers.Default) { m.withLock { } }
  }

  test("stress: coroutines and threads on one lock keep mutual exclusion and leave it free") {
    val m = ContextMutex()
    var counter = 0
    val threads = (1..2).map {
      Thread {
        repeat(2_000) {
          m.lockBlocking(Context.background())
          counter++
          m.unlock()
        }
      }.also { it.start() }
    }
    coroutineScope {
      repeat(4) {
        launch(Dispatchers.Default) {
          repeat(2_000) { i ->
            val ctx = Context.background().withCancel()
            if (i % 7 == 0) ctx.cancel()
            try {
              m.withLock(ctx) { counter++ }
            } catch (_: ContextCancelledException) {
            }
          }
        }
      }
    }
    threads.forEach { it.join(60_000) }
    m.isLocked.shouldBeFalse()
    counter shouldBe 4_000 + 4 * (2_000 - (0 until 2_000).count { it % 7 == 0 })
  }
})
