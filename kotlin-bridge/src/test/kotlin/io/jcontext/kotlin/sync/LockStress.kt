package io.jcontext.kotlin.sync

import io.jcontext.CancellableContext
import io.jcontext.Context
import io.jcontext.kotlin.CountingContext
import java.util.concurrent.CancellationException
import java.util.concurrent.CompletableFuture
import java.util.concurrent.ConcurrentLinkedQueue
import java.util.concurrent.ExecutionException
import java.util.concurrent.TimeUnit
import java.util.concurrent.atomic.AtomicBoolean
import kotlin.random.Random
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.yield
import org.junit.jupiter.api.Assertions.assertFalse

/** A lock under stress: weighted acquisition in its three forms, and release. */
internal interface StressedLock {
  fun acquireBlocking(ctx: Context, n: Int)

  fun acquireAsync(ctx: Context, n: Int): CompletableFuture<Void?>

  suspend fun acquire(ctx: Context, n: Int)

  fun release(n: Int)
}

/**
 * The chaos shared by the bridge's lock stress tests: 2 Java threads (blocking and future forms,
 * some futures cancelled) and 4 coroutines (some Jobs cancelled) take and give back [lock]
 * [rounds] times each, with contexts a chaos thread cancels at random as they are created.
 * [critical] runs while a caller holds `n`; [weight] picks `n` from (caller, round).
 */
internal class LockStress(
  private val lock: StressedLock,
  private val rounds: Int,
  private val seed: Int,
  private val weight: (caller: Int, round: Int) -> Int,
  private val critical: (n: Int) -> Unit,
) {
  private val contexts = ConcurrentLinkedQueue<CancellableContext>()
  private val counted = ConcurrentLinkedQueue<CountingContext>()

  /** Registrations still held on the contexts handed to the lock (0 when the lock is clean). */
  val registrationsLeft: Int get() = counted.sumOf { it.registrations }

  /** A fresh ctx that the chaos thread may cancel at any moment. */
  private fun chaoticContext(): Context {
    val c = CountingContext()
    counted += c
    contexts += Context.background().withCancel().also { inner -> inner.onDone { c.cancel() } }
    return c
  }

  /** Runs the whole stress and returns when every caller has finished. */
  fun run() {
    val stop = AtomicBoolean()
    val chaos = Thread {
      val random = Random(seed)
      while (!stop.get()) {
        val c = contexts.poll()
        if (c == null) Thread.onSpinWait() else if (random.nextInt(3) == 0) c.cancel()
      }
    }
    chaos.start()
    val threads = (0 until 2).map { t -> Thread { threadRounds(t) }.also { it.start() } }
    runBlocking(Dispatchers.Default) {
      repeat(4) { k ->
        launch {
          repeat(rounds) { i ->
            val n = weight(2 + k, i)
            val ctx = if (i % 2 == 0) chaoticContext() else Context.background()
            val job = launch {
              try {
                lock.acquire(ctx, n)
              } catch (_: CancellationException) {
                return@launch
              }
              try {
                critical(n)
              } finally {
                lock.release(n)
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
    threads.forEach { assertFalse(it.isAlive, "a thread is stuck") }
  }

  private fun threadRounds(t: Int) {
    repeat(rounds) { i ->
      val n = weight(t, i)
      val ctx = chaoticContext()
      if ((i + t) % 3 != 0) {
        try {
          lock.acquireBlocking(ctx, n)
        } catch (_: CancellationException) {
          return@repeat
        }
      } else {
        val f = lock.acquireAsync(ctx, n)
        if (i % 2 == 0 && f.cancel(false)) return@repeat
        try {
          f.get(30, TimeUnit.SECONDS)
        } catch (_: CancellationException) {
          return@repeat
        } catch (_: ExecutionException) {
          return@repeat
        }
      }
      critical(n)
      lock.release(n)
    }
  }
}
