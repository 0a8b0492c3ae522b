package io.jcontext.kotlin.sync

import io.jcontext.Context
import java.util.concurrent.CompletableFuture
import java.util.concurrent.atomic.AtomicInteger
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.Timeout

/**
 * Many coroutines and Java threads on one weighted [ContextSemaphore] of 3 permits, taking 1 to 3
 * at a time, waits ended at random by their ctx, by Job cancellation and by cancelling
 * `acquireAsync` futures ([LockStress]). Checks that no more than 3 permits are ever held and, at
 * the end, that every permit is back, no ctx registration is left, and all 3 can be taken at once
 * (no waiter left holding part of them).
 */
class ContextSemaphoreStressTest {
  private val sem = ContextSemaphore(SIZE)
  private val inside = AtomicInteger()
  private val maxInside = AtomicInteger()
  private val acquired = AtomicInteger()

  @Test
  @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a lost hand-off hangs
  fun weightedCoroutinesAndThreadsWithRandomCancellation() {
    val lock = object : StressedLock {
      override fun acquireBlocking(ctx: Context, n: Int) = sem.acquireBlocking(ctx, n)

      override fun acquireAsync(ctx: Context, n: Int): CompletableFuture<Void?> = sem.acquireAsync(ctx, n)

      override suspend fun acquire(ctx: Context, n: Int) = sem.acquire(ctx, n)

      override fun release(n: Int) = sem.release(n)
    }
    val stress = LockStress(lock, rounds = 2_000, seed = 7, weight = { caller, i -> 1 + (i * 7 + caller) % SIZE }) { n ->
      maxInside.accumulateAndGet(inside.addAndGet(n), ::maxOf)
      acquired.incrementAndGet()
      inside.addAndGet(-n)
    }
    stress.run()

    assertTrue(maxInside.get() <= SIZE, "more than $SIZE permits held: ${maxInside.get()}")
    assertTrue(acquired.get() > 0)
    assertEquals(SIZE, sem.availablePermits, "permits not all back")
    assertEquals(0, stress.registrationsLeft, "ctx registrations left")
    assertTrue(sem.tryAcquire(SIZE), "a permit leaked or a waiter was left holding part of the permits")
    sem.release(SIZE)
  }

  private companion object {
    const val SIZE = 3
  }
}
