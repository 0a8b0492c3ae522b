package io.jcontext.samples.kotlin

import io.jcontext.CancellableContext
import io.jcontext.Context
import io.jcontext.ContextCancelledException
import io.jcontext.ContextException
import io.jcontext.TaskExecutors
import io.jcontext.kotlin.sync.lockSuspending
import io.jcontext.sync.Mutex
import io.jcontext.samples.Sample
import java.time.Duration
import java.util.concurrent.CompletableFuture
import java.util.concurrent.CountDownLatch
import java.util.concurrent.TimeUnit
import java.util.concurrent.atomic.AtomicInteger
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.CoroutineStart
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withContext
import kotlinx.coroutines.yield

/**
 * Seed 004, task 15, mixed: one jcontext [Mutex] shared by a Java thread ([Mutex.lock], blocking)
 * and a coroutine ([lockSuspending]); both wait in the same line. Whichever side waits, cancelling *its* context ends its
 * wait with `ctx.err()` without taking the lock, the holder keeps it, and afterwards the lock is
 * free and usable by the other side. Then both kinds of waiters contend with short timeouts: every
 * attempt ends as an acquisition or a deadline, and the mutex is free at the end.
 */
public class MixedMutex : Sample {

  /** What one side's cancelled wait ended with, and the state of the lock around it. */
  public data class CancelledWait(
    val error: Throwable?,
    val heldByOtherAfter: Boolean,
    val lockedAfterRelease: Boolean,
    val usableAfter: Boolean,
  )

  /** Outcome counts of [contend]. */
  public data class Contention(val acquired: Int, val timedOut: Int, val other: Int, val lockedAfter: Boolean)

  /** A coroutine holds the lock; a Java thread waits on it; its context is cancelled. */
  public fun javaWaiterCancelled(): CancelledWait = runBlocking {
    val mu = Mutex.create()
    mu.lockSuspending(Context.background())
    val ctx = Context.background().withCancel()
    val outcome = CompletableFuture<Throwable?>()
    val waiter = Thread({
      try {
        mu.lock(ctx)
        mu.unlock()
        outcome.complete(null)
      } catch (e: Throwable) {
        outcome.complete(e)
      }
    }, "java-waiter")
    waiter.start()
    awaitParked(waiter)
    ctx.cancel()
    val error = withContext(Dispatchers.IO) { outcome.get(10, TimeUnit.SECONDS) }
    val held = mu.isLocked
    mu.unlock()
    val lockedAfter = mu.isLocked
    // The other side (a Java thread) can take it now.
    val usable = withContext(Dispatchers.IO) {
      mu.lock(Context.background().withTimeout(Duration.ofSeconds(10)))
      mu.unlock()
      true
    }
    CancelledWait(error, held, lockedAfter, usable && !mu.isLocked)
  }

  /** A Java thread holds the lock; a coroutine waits on it; its context is cancelled. */
  public fun coroutineWaiterCancelled(): CancelledWait = runBlocking {
    val mu = Mutex.create()
    val holding = CountDownLatch(1)
    val release = CountDownLatch(1)
    val holder = Thread({
      mu.lock(Context.background())
      holding.countDown()
      release.await()
      mu.unlock()
    }, "java-holder")
    holder.start()
    withContext(Dispatchers.IO) { holding.await(10, TimeUnit.SECONDS) }
    val ctx = Context.background().withCancel()
    var error: Throwable? = null
    val waiter = launch(start = CoroutineStart.UNDISPATCHED) {
      try {
        mu.lockSuspending(ctx)
        mu.unlock()
      } catch (e: ContextException) {
        error = e
      }
    }
    ctx.cancel()
    waiter.join()
    val held = mu.isLocked
    release.countDown()
    withContext(Dispatchers.IO) { holder.join(10_000) }
    val lockedAfter = mu.isLocked
    val usable = mu.tryLock().also { if (it) mu.unlock() }
    CancelledWait(error, held, lockedAfter, usable && !mu.isLocked)
  }

  /** A coroutine waiting for the lock is cancelled through its Job (no context involved). */
  public fun coroutineJobCancelled(): CancelledWait = runBlocking {
    val mu = Mutex.create()
    mu.lockSuspending(Context.background())
    var error: Throwable? = null
    val waiter = launch(start = CoroutineStart.UNDISPATCHED) {
      try {
        mu.lockSuspending(Context.background())
        mu.unlock()
      } catch (e: CancellationException) {
        error = e
        throw e
      }
    }
    waiter.cancel()
    waiter.join()
    val held = mu.isLocked
    mu.unlock()
    val lockedAfter = mu.isLocked
    val usable = mu.tryLock().also { if (it) mu.unlock() }
    CancelledWait(error, held, lockedAfter, usable && !mu.isLocked)
  }

  /**
   * [perSide] Java threads and [perSide] coroutines (on [Dispatchers.Default]) each lock [mu] with
   * a [timeout] (real time), hold it briefly, unlock.
   */
  public fun contend(mu: Mutex, perSide: Int, timeout: Duration): Contention = runBlocking {
    val acquired = AtomicInteger()
    val timedOut = AtomicInteger()
    val other = AtomicInteger()
    val javaDone = CountDownLatch(perSide)
    fun record(e: Throwable) {
      (if (e is ContextException && e.isTimeout) timedOut else other).incrementAndGet()
    }
    repeat(perSide) {
      TaskExecutors.perTask().execute {
        try {
          Context.background().withTimeout(timeout).use { ctx ->
            mu.lock(ctx)
            acquired.incrementAndGet()
            mu.unlock()
          }
        } catch (e: Throwable) {
          record(e)
        } finally {
          javaDone.countDown()
        }
      }
    }
    val coroutines = List(perSide) {
      launch(Dispatchers.Default) {
        val ctx: CancellableContext = Context.background().withTimeout(timeout)
        try {
          mu.lockSuspending(ctx)
          acquired.incrementAndGet()
          yield()
          mu.unlock()
        } catch (e: Throwable) {
          record(e)
        } finally {
          ctx.cancel()
        }
      }
    }
    coroutines.forEach { it.join() }
    withContext(Dispatchers.IO) { check(javaDone.await(60, TimeUnit.SECONDS)) { "Java contenders did not finish" } }
    Contention(acquired.get(), timedOut.get(), other.get(), mu.isLocked)
  }

  override fun id(): String = "004-15-kt"

  override fun title(): String = "Mutex, Java thread + coroutine"

  override fun run(): String {
    val j = javaWaiterCancelled()
    val c = coroutineWaiterCancelled()
    val k = coroutineJobCancelled()
    for (w in listOf(j, c, k)) {
      check(w.heldByOtherAfter && !w.lockedAfterRelease && w.usableAfter) { w }
    }
    check(j.error is ContextCancelledException && c.error is ContextCancelledException && k.error is CancellationException) {
      "$j $c $k"
    }
    val n = 200
    val s = contend(Mutex.create(), n, Duration.ofMillis(5))
    check(s.acquired + s.timedOut == 2 * n && s.other == 0 && !s.lockedAfter) { s }
    return "Java waiter: ctx cancel -> ${j.error.javaClass.simpleName}; coroutine waiter: ctx cancel -> " +
      "${c.error.javaClass.simpleName}, Job cancel -> CancellationException; holder kept it, free after, " +
      "usable by the other side; ${2 * n} mixed contenders with 5 ms timeouts: ${s.acquired} acquired + " +
      "${s.timedOut} timed out, mutex free afterwards"
  }

  private companion object {
    /** Liveness only: until [thread] is parked (waiting for the lock), at most 10 s. */
    suspend fun awaitParked(thread: Thread) {
      val deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10)
      while (System.nanoTime() < deadline) {
        val s = thread.state
        if (s == Thread.State.WAITING || s == Thread.State.TIMED_WAITING) return
        withContext(Dispatchers.IO) { Thread.onSpinWait() }
      }
      error("$thread never waited")
    }
  }
}
