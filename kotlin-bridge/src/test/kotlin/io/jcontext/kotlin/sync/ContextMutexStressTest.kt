package io.jcontext.kotlin.sync

import io.jcontext.CancellableContext
import io.jcontext.Context
import io.jcontext.kotlin.CountingContext
import java.util.concurrent.CancellationException
import java.util.concurrent.ConcurrentLinkedQueue
import java.util.concurrent.ExecutionException
import java.util.concurrent.TimeUnit
import java.util.concurrent.atomic.AtomicBoolean
import java.util.concurrent.atomic.AtomicInteger
import kotlin.random.Random
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.yield
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.Timeout

/**
 * Many coroutines and Java threads on one [ContextMutex], waits ended at random by their ctx (a
 * chaos thread cancels contexts as they are created), by Job cancellation and by cancelling
 * `lockAsync` futures. Checks mutual exclusion throughout and, at the end, that the mutex is
 * free, no waiter is left in its queue, no ctx registration is left, and it still works.
 */
class ContextMutexStressTest {
  private val mutex = ContextMutex()
  private val inside = AtomicInteger()
  private val violations = AtomicInteger()
  private val acquired = AtomicInteger()
  private val contexts = ConcurrentLinkedQueue<CancellableContext>()
  private val counted = ConcurrentLinkedQueue<CountingContext>()

  private fun critical() {
    if (inside.incrementAndGet() != 1) violations.incrementAndGet()
    acquired.incrementAndGet()
    inside.decrementAndGet()
  }

  /** A fresh ctx that the chaos thread may cancel at any moment. */
  private fun chaoticContext(): Context {
    val c = CountingContext()
    counted += c
    contexts += Context.background().withCancel().also { inner -> inner.onDone { c.cancel() } }
    return c
  }

  @Test
  @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a lost hand-off hangs
  fun coroutinesAndThreadsWithRandomCancellation() {
    val stop = AtomicBoolean()
    val chaos = Thread {
      val random = Random(42)
      while (!stop.get()) {
        val c = contexts.poll()
        if (c == null) Thread.onSpinWait() else if (random.nextInt(3) == 0) c.cancel()
      }
    }
    chaos.start()
    val threads = (0 until 2).map { t ->
      Thread {
        repeat(ROUNDS) { i ->
          val ctx = chaoticContext()
          if ((i + t) % 3 != 0) {
            try {
              mutex.lockBlocking(ctx)
            } catch (_: CancellationException) {
              return@repeat
            }
            critical()
            mutex.unlock()
          } else {
            val f = mutex.lockAsync(ctx)
            if (i % 2 == 0 && f.cancel(false)) return@repeat
            try {
              f.get(30, TimeUnit.SECONDS)
            } catch (_: CancellationException) {
              return@repeat
            } catch (_: ExecutionException) {
              return@repeat
            }
            critical()
            mutex.unlock()
          }
        }
      }.also { it.start() }
    }
    runBlocking(Dispatchers.Default) {
      repeat(4) { k ->
        launch {
          repeat(ROUNDS) { i ->
            val ctx = if (i % 2 == 0) chaoticContext() else Context.background()
            val job = launch {
              try {
                mutex.withLock(ctx) { critical() }
              } catch (_: CancellationException) {
              }
            }
            if ((i + k) % 4 == 0) {
              yield()
              job.cancel()
            }
            job.join()
          }
        }
      }
    }
    threads.forEach { it.join(60_000) }
    stop.set(true)
    chaos.join(10_000)
    threads.forEach { assertFalse(it.isAlive) }

    assertEquals(0, violations.get(), "two holders at once")
    assertTrue(acquired.get() > 0)
    assertFalse(mutex.isLocked, "left locked")
    assertEquals(0, mutex.drainWaitingForTest(), "waiters left in line")
    assertEquals(0, counted.sumOf { it.registrations }, "ctx registrations left")
    assertTrue(mutex.tryLock())
    mutex.unlock()
  }

  private companion object {
    const val ROUNDS = 3_000
  }
}
