package io.jcontext.kotlin.sync

import io.jcontext.CancellableContext
import io.jcontext.Context
import io.jcontext.kotlin.CountingContext
import java.util.concurrent.CancellationException
import java.util.concurrent.ConcurrentLinkedQueue
import java.util.concurrent.atomic.AtomicBoolean
import java.util.concurrent.atomic.AtomicLong
import kotlin.random.Random
import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.Job
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.assertFalse

/** One lock as the stress sees it: weighted acquisition, blocking and suspending, and release. */
internal interface StressedLock {
  fun acquireBlocking(ctx: Context, n: Int)

  suspend fun acquire(ctx: Context, n: Int)

  fun release(n: Int)
}

/**
 * Mixed chaos on one lock: [threads] platform threads (blocking forms), [coroutines] coroutines on
 * `Dispatchers.Default` and as many on `Dispatchers.Unconfined` (suspending forms; an Unconfined
 * waiter resumes on whatever thread releases), each taking and giving back the lock [rounds]
 * times, half of the time under a context that a chaos thread may cancel at any moment; the chaos
 * thread also cancels the Jobs of waiting coroutines. [critical] runs while a caller holds `n`.
 * [acquired] counts successful acquisitions, so a test can compare it with what the critical
 * sections counted.
 */
internal class MixedStress(
  private val lock: StressedLock,
  private val rounds: Int,
  private val seed: Int,
  private val threads: Int = 4,
  private val coroutines: Int = 4,
  private val weight: (caller: Int, round: Int) -> Int = { _, _ -> 1 },
  private val critical: (n: Int) -> Unit,
) {
  private val contexts = ConcurrentLinkedQueue<CancellableContext>()
  private val jobs = ConcurrentLinkedQueue<Job>()
  private val counted = ConcurrentLinkedQueue<CountingContext>()

  /** Successful acquisitions (each followed by [critical] and a release). */
  val acquired = AtomicLong()

  /** Registrations still held on the contexts handed to the lock (0 when the lock is clean). */
  val registrationsLeft: Int get() = counted.sumOf { it.registrations }

  private fun chaoticContext(): Context {
    val c = CountingContext()
    counted += c
    contexts += Context.background().withCancel().also { inner -> inner.onDone { c.cancel() } }
    return c
  }

  fun run() {
    val stop = AtomicBoolean()
    val chaos = Thread {
      val random = Random(seed)
      while (!stop.get()) {
        val c = contexts.poll()
        if (c != null && random.nextInt(3) == 0) c.cancel()
        val j = jobs.poll()
        if (j != null && random.nextInt(4) == 0) j.cancel()
        if (c == null && j == null) Thread.onSpinWait()
      }
    }
    chaos.start()
    val ts = (0 until threads).map { t -> Thread { threadRounds(t) }.also { it.start() } }
    runBlocking {
      repeat(coroutines) { k -> coroutineRounds(Dispatchers.Default, threads + k) }
      repeat(coroutines) { k -> coroutineRounds(Dispatchers.Unconfined, threads + coroutines + k) }
    }
    ts.forEach { it.join(120_000) }
    stop.set(true)
    chaos.join(10_000)
    ts.forEach { assertFalse(it.isAlive, "a thread is stuck") }
  }

  private fun kotlinx.coroutines.CoroutineScope.coroutineRounds(d: CoroutineDispatcher, caller: Int) {
    launch(Dispatchers.Default) {
      repeat(rounds) { i ->
        val n = weight(caller, i)
        val ctx = if (i % 2 == 0) chaoticContext() else Context.background()
        val job = launch(d) {
          try {
            lock.acquire(ctx, n)
          } catch (_: CancellationException) {
            return@launch
          }
          try {
            acquired.incrementAndGet()
            critical(n)
          } finally {
            lock.release(n)
          }
        }
        jobs += job
        job.join()
      }
    }
  }

  private fun threadRounds(t: Int) {
    repeat(rounds) { i ->
      val n = weight(t, i)
      val ctx = if (i % 2 == 0) chaoticContext() else Context.background()
      try {
        lock.acquireBlocking(ctx, n)
      } catch (_: CancellationException) {
        return@repeat
      }
      try {
        acquired.incrementAndGet()
        critical(n)
      } finally {
        lock.release(n)
      }
    }
  }
}
