package io.jcontext.kotlin.sync

import io.jcontext.Context
import java.util.concurrent.CompletableFuture
import java.util.concurrent.atomic.AtomicInteger
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.Timeout

/**
 * Many coroutines and Java threads on one [ContextMutex], waits ended at random by their ctx (a
 * chaos thread cancels contexts as they are created), by Job cancellation and by cancelling
 * `lockAsync` futures ([LockStress]). Checks mutual exclusion throughout and, at the end, that
 * the mutex is free, no waiter is left in its queue, no ctx registration is left, and it still
 * works.
 */
class ContextMutexStressTest {
  private val mutex = ContextMutex()
  private val inside = AtomicInteger()
  private val violations = AtomicInteger()
  private val acquired = AtomicInteger()

  @Test
  @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a lost hand-off hangs
  fun coroutinesAndThreadsWithRandomCancellation() {
    val lock = object : StressedLock {
      override fun acquireBlocking(ctx: Context, n: Int) = mutex.lockBlocking(ctx)

      override fun acquireAsync(ctx: Context, n: Int): CompletableFuture<Void?> = mutex.lockAsync(ctx)

      override suspend fun acquire(ctx: Context, n: Int) = mutex.lock(ctx)

      override fun release(n: Int) = mutex.unlock()
    }
    val stress = LockStress(lock, rounds = 3_000, seed = 42, weight = { _, _ -> 1 }) {
      if (inside.incrementAndGet() != 1) violations.incrementAndGet()
      acquired.incrementAndGet()
      inside.decrementAndGet()
    }
    stress.run()

    assertEquals(0, violations.get(), "two holders at once")
    assertTrue(acquired.get() > 0)
    assertFalse(mutex.isLocked, "left locked")
    assertEquals(0, mutex.drainWaitingForTest(), "waiters left in line")
    assertEquals(0, stress.registrationsLeft, "ctx registrations left")
    assertTrue(mutex.tryLock())
    mutex.unlock()
  }
}
