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
 * Many coroutines and Java threads on one weighted [ContextSemaphore] of 3 permits, taking 1 to 3
 * at a time, waits ended at random by their ctx (a chaos thread cancels contexts as they are
 * created), by Job cancellation and by cancelling `acquireAsync` futures. Checks that no more
 * than 3 permits are ever held and, at the end, that every permit is back (all 3 can be taken at
 * once) and no ctx registration is left.
 */
class ContextSemaphoreStressTest {
  private val sem = ContextSemaphore(SIZE)
  private val inside = AtomicInteger()
  private val maxInside = AtomicInteger()
  private val acquired = AtomicInteger()
  private val contexts = ConcurrentLinkedQueue<CancellableContext>()
  private val counted = ConcurrentLinkedQueue<CountingContext>()

  private fun critical(n: Int) {
    maxInside.accumulateAndGet(inside.addAndGet(n), ::maxOf)
    acquired.incrementAndGet()
    inside.addAndGet(-n)
  }

  private fun chaoticContext(): Context {
    val c = CountingContext()
    counted += c
    contexts += Context.background().withCancel().also { inner -> inner.onDone { c.cancel() } }
    return c
  }

  @Test
  @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a lost hand-off hangs
  fun weightedCoroutinesAndThreadsWithRandomCancellation() {
    val stop = AtomicBoolean()
    val chaos = Thread {
      val random = Random(7)
      while (!stop.get()) {
        val c = contexts.poll()
        if (c == null) Thread.onSpinWait() else if (random.nextInt(3) == 0) c.cancel()
      }
    }
    chaos.start()
    val threads = (0 until 2).map { t ->
      Thread {
        repeat(ROUNDS) { i ->
          val n = 1 + (i + t) % SIZE
          val ctx = chaoticContext()
          if (i % 3 != 0) {
            try {
              sem.acquireBlocking(ctx, n)
            } catch (_: CancellationException) {
              return@repeat
            }
            critical(n)
            sem.release(n)
          } else {
            val f = sem.acquireAsync(ctx, n)
            if (i % 2 == 0 && f.cancel(false)) return@repeat
            try {
              f.get(30, TimeUnit.SECONDS)
            } catch (_: CancellationException) {
              return@repeat
            } catch (_: ExecutionException) {
              return@repeat
            }
            critical(n)
            sem.release(n)
          }
        }
      }.also { it.start() }
    }
    runBlocking(Dispatchers.Default) {
      repeat(4) { k ->
        launch {
          repeat(ROUNDS) { i ->
            val n = 1 + (i * 7 + k) % SIZE
            val ctx = if (i % 2 == 0) chaoticContext() else Context.background()
            val job = launch {
              try {
                sem.withPermits(ctx, n) { critical(n) }
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

    assertTrue(maxInside.get() <= SIZE, "more than $SIZE permits held: ${maxInside.get()}")
    assertTrue(acquired.get() > 0)
    assertEquals(SIZE, sem.availablePermits, "permits not all back")
    assertEquals(0, counted.sumOf { it.registrations }, "ctx registrations left")
    assertTrue(sem.tryAcquire(SIZE), "a permit leaked or a waiter was left holding part of the permits")
    sem.release(SIZE)
  }

  private companion object {
    const val SIZE = 3
    const val ROUNDS = 2_000
  }
}
