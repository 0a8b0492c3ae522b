package io.jcontext.kotlin.sync

import io.jcontext.Context
import io.jcontext.sync.Mutex
import io.jcontext.sync.Semaphore
import java.util.concurrent.CancellationException
import java.util.concurrent.CountDownLatch
import java.util.concurrent.TimeUnit
import java.util.concurrent.atomic.AtomicBoolean
import java.util.concurrent.atomic.AtomicInteger
import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.DelicateCoroutinesApi
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.GlobalScope
import kotlinx.coroutines.Job
import kotlinx.coroutines.launch
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.params.ParameterizedTest
import org.junit.jupiter.params.provider.EnumSource

/**
 * Races on real threads, at the instant a promise could break, for every kind of waiter: a parked
 * thread, a coroutine on Default, a coroutine on Unconfined. Real time only as liveness bounds.
 */
@OptIn(DelicateCoroutinesApi::class)
class LockRaceTest {
  enum class Mode { THREAD, DEFAULT, UNCONFINED }

  /** Starts a waiter of [mode] running [body]; returns a handle to cancel it (coroutines) and a latch. */
  private class Waiter(mode: Mode, body: suspend () -> Unit, blocking: () -> Unit) {
    val done = CountDownLatch(1)
    val job: Job?

    init {
      if (mode == Mode.THREAD) {
        job = null
        Thread { try { blocking() } finally { done.countDown() } }.start()
      } else {
        val d: CoroutineDispatcher = if (mode == Mode.DEFAULT) Dispatchers.Default else Dispatchers.Unconfined
        job = GlobalScope.launch(d) { try { body() } finally { done.countDown() } }
      }
    }

    fun await() = assertTrue(done.await(30, TimeUnit.SECONDS), "a waiter is stuck")
  }

  private fun awaitWaiters(s: Any, n: Int) {
    val deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30)
    while (waitersOf(s) < n) {
      assertTrue(System.nanoTime() < deadline, "waiter never queued")
      Thread.onSpinWait()
    }
  }

  /**
   * A weighted waiter needs all 3 permits; they come back one by one from a releasing thread while
   * another thread hammers tryAcquire(1). The released permits belong to the waiter: tryAcquire
   * must fail throughout (the old bridge semaphore let it barge in most rounds).
   */
  @ParameterizedTest
  @EnumSource(Mode::class)
  fun neverBarges(mode: Mode) {
    val bg = Context.background()
    repeat(300) {
      val s = Semaphore.create(3)
      s.acquire(bg, 3)
      val w = Waiter(mode, { s.acquireSuspending(bg, 3) }, { s.acquire(bg, 3) })
      awaitWaiters(s, 1)
      val go = CountDownLatch(1)
      val stop = AtomicBoolean()
      val barged = AtomicInteger()
      val prober = Thread {
        go.await()
        while (!stop.get()) if (s.tryAcquire(1)) barged.incrementAndGet()
      }
      prober.start()
      go.countDown()
      s.release(1)
      s.release(1)
      s.release(1) // the waiter now holds all 3
      w.await()
      stop.set(true)
      prober.join()
      assertEquals(0, barged.get(), "tryAcquire took permits that belonged to the waiter")
      assertEquals(0, s.availablePermits())
      s.release(3)
    }
  }

  /**
   * The permit is released to waiter W exactly while W is cancelled (ctx, or its Job); X waits
   * behind W. Whatever wins, the permit is never lost: either W holds it (and gives it back) or it
   * passes on to X. End state: all permits back, nobody in line.
   */
  @ParameterizedTest
  @EnumSource(Mode::class)
  fun cancelledAsGrantedPassesPermitsOn(mode: Mode) {
    val bg = Context.background()
    repeat(300) { round ->
      val s = Semaphore.create(1)
      s.acquire(bg, 1)
      val ctx = bg.withCancel()
      val wGot = AtomicBoolean()
      val w = Waiter(mode, {
        try { s.acquireSuspending(ctx, 1); wGot.set(true); s.release(1) } catch (_: CancellationException) {}
      }, {
        try { s.acquire(ctx, 1); wGot.set(true); s.release(1) } catch (_: CancellationException) {}
      })
      awaitWaiters(s, 1)
      val xGot = AtomicBoolean()
      val x = Waiter(Mode.THREAD, {}, { s.acquire(bg, 1); xGot.set(true); s.release(1) })
      awaitWaiters(s, 2)
      val go = CountDownLatch(1)
      val canceller = Thread {
        go.await()
        if (w.job != null && round % 2 == 1) w.job.cancel() else ctx.cancel()
      }
      canceller.start()
      go.countDown()
      s.release(1)
      canceller.join()
      w.await()
      x.await()
      assertTrue(xGot.get(), "the permit did not reach the next waiter")
      assertEquals(1, s.availablePermits())
      assertEquals(0, waitersOf(s))
      assertFalse(s.tryAcquire(2))
    }
  }

  /**
   * A coroutine first in line is passed the mutex by the unlock without it being freed: a
   * thread hammering tryLock from before the unlock until the coroutine holds it never gets it.
   * (A parked thread is instead woken to compete with newcomers: Go's model, not tested here.)
   */
  @ParameterizedTest
  @EnumSource(Mode::class, names = ["DEFAULT", "UNCONFINED"])
  fun unlockPassesTheMutexToASuspendedWaiterWithoutFreeingIt(mode: Mode) {
    val bg = Context.background()
    repeat(300) {
      val m = Mutex.create()
      m.lock(bg)
      val w = Waiter(mode, { m.lockSuspending(bg) }, {})
      awaitWaiters(m, 1)
      val go = CountDownLatch(1)
      val stop = AtomicBoolean()
      val barged = AtomicInteger()
      val prober = Thread {
        go.await()
        while (!stop.get()) {
          if (m.tryLock()) {
            barged.incrementAndGet()
            m.unlock() // so the waiter still gets it and the count is reported
          }
        }
      }
      prober.start()
      go.countDown()
      m.unlock() // the coroutine holds it from here; it never unlocks
      w.await()
      stop.set(true)
      prober.join()
      assertEquals(0, barged.get(), "tryLock took the mutex the unlock handed to the waiter")
      assertTrue(m.isLocked)
      assertEquals(0, waitersOf(m))
    }
  }

  /**
   * The starvation clock of a coroutine waiter starts at its first lost chance, not when it
   * joined the line (unlocks hand it the mutex directly, so only a freed mutex it could not
   * take counts, e.g. as a waiter ahead of it leaves while the mutex is held): a first such
   * loss after 2 ms of waiting leaves normal mode; a second one over 1 ms after the first
   * switches to starvation mode, and the coroutine is then handed the mutex.
   */
  @ParameterizedTest
  @EnumSource(Mode::class, names = ["DEFAULT", "UNCONFINED"])
  fun coroutineStarvationClockStartsAtItsFirstLoss(mode: Mode) {
    val bg = Context.background()
    val m = Mutex.create()
    m.lock(bg)
    val ctx1 = bg.withCancel()
    val ctx2 = bg.withCancel()
    val t1 = Thread { runCatching { m.lock(ctx1) } }.apply { start() }
    awaitWaiters(m, 1)
    val got = AtomicBoolean()
    val c = Waiter(mode, { m.lockSuspending(bg); got.set(true) }, {})
    awaitWaiters(m, 2)
    val t2 = Thread { runCatching { m.lock(ctx2) } }.apply { start() }
    awaitWaiters(m, 3)
    spinPast(2_000_000)
    ctx1.cancel() // the first thread leaves: the coroutine is first, the mutex held
    t1.join()
    assertFalse(starvingOf(m), "the first loss starts the clock, it does not switch modes")
    spinPast(2_000_000)
    ctx2.cancel() // a second loss, 2 ms after the first
    t2.join()
    assertTrue(starvingOf(m), "a coroutine that lost again after 1 ms starves")
    m.unlock() // hand-off
    c.await()
    assertTrue(got.get())
    assertFalse(starvingOf(m), "the line is empty: normal mode")
    m.unlock()
    assertEquals(0, waitersOf(m))
  }

  private fun spinPast(nanos: Long) {
    val end = System.nanoTime() + nanos
    while (System.nanoTime() - end < 0) Thread.onSpinWait()
  }
}
