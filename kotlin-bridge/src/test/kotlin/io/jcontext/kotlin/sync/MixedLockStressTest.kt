package io.jcontext.kotlin.sync

import io.jcontext.Context
import io.jcontext.sync.Mutex
import io.jcontext.sync.RWMutex
import io.jcontext.sync.Semaphore
import java.util.concurrent.atomic.AtomicInteger
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

/**
 * The three locks under [MixedStress]: 4 platform threads, 4 coroutines on Default, 4 on
 * Unconfined, one chaos thread cancelling contexts and Jobs. Checks the invariant throughout
 * (mutual exclusion, never more than size permits held, no reader beside a writer) and, at the
 * end: the lock free, no waiter in line, no registration left on any context, every permit back,
 * and the exact count of a plain counter incremented in the critical sections.
 */
class MixedLockStressTest {
  @Test
  fun mutex() {
    val m = Mutex.create()
    var counter = 0L // plain: a lost update would show a broken exclusion
    val inside = AtomicInteger()
    val stress = MixedStress(
      object : StressedLock {
        override fun acquireBlocking(ctx: Context, n: Int) = m.lock(ctx)
        override suspend fun acquire(ctx: Context, n: Int) = m.lockSuspending(ctx)
        override fun release(n: Int) = m.unlock()
      },
      rounds = 1_000, seed = 11,
    ) {
      assertEquals(1, inside.incrementAndGet(), "two holders")
      counter++
      inside.decrementAndGet()
    }
    stress.run()
    assertFalse(m.isLocked)
    assertEquals(0, waitersOf(m))
    assertEquals(0, stress.registrationsLeft)
    assertEquals(stress.acquired.get(), counter)
    assertTrue(counter > 0)
  }

  @Test
  fun weightedSemaphore() {
    val s = Semaphore.create(3)
    val held = AtomicInteger()
    var counter = 0L
    val exclusive = Mutex.create() // guards the counter only
    val stress = MixedStress(
      object : StressedLock {
        override fun acquireBlocking(ctx: Context, n: Int) = s.acquire(ctx, n.toLong())
        override suspend fun acquire(ctx: Context, n: Int) = s.acquireSuspending(ctx, n.toLong())
        override fun release(n: Int) = s.release(n.toLong())
      },
      rounds = 1_000, seed = 23, weight = { c, i -> 1 + (c + i) % 3 },
    ) { n ->
      assertTrue(held.addAndGet(n) <= 3, "more than size held")
      exclusive.lock(Context.background())
      counter++
      exclusive.unlock()
      held.addAndGet(-n)
    }
    stress.run()
    assertEquals(3, s.availablePermits())
    assertEquals(0, waitersOf(s))
    assertEquals(0, stress.registrationsLeft)
    assertEquals(stress.acquired.get(), counter)
  }

  @Test
  fun rwMutex() {
    val rw = RWMutex.create()
    var counter = 0L
    val writers = AtomicInteger()
    val readers = AtomicInteger()
    // n == 2: writer, n == 1: reader
    val stress = MixedStress(
      object : StressedLock {
        override fun acquireBlocking(ctx: Context, n: Int) = if (n == 2) rw.lock(ctx) else rw.rLock(ctx)
        override suspend fun acquire(ctx: Context, n: Int) = if (n == 2) rw.lockSuspending(ctx) else rw.rLockSuspending(ctx)
        override fun release(n: Int) = if (n == 2) rw.unlock() else rw.rUnlock()
      },
      rounds = 1_000, seed = 37, weight = { c, i -> if ((c + i) % 3 == 0) 2 else 1 },
    ) { n ->
      if (n == 2) {
        assertEquals(1, writers.incrementAndGet(), "two writers")
        assertEquals(0, readers.get(), "a reader beside a writer")
        counter++
        writers.decrementAndGet()
      } else {
        readers.incrementAndGet()
        assertEquals(0, writers.get(), "a writer beside a reader")
        readers.decrementAndGet()
      }
    }
    stress.run()
    assertFalse(rw.isWriteLocked)
    assertEquals(0, rw.readers())
    assertEquals(0, waitersOf(rw))
    assertEquals(0, stress.registrationsLeft)
    assertTrue(counter > 0)
  }
}
