package io.jcontext.kotlin.test

import io.jcontext.Clock
import io.jcontext.Context
import io.jcontext.Stop
import java.time.Instant
import java.util.concurrent.atomic.AtomicBoolean
import kotlin.coroutines.CoroutineContext
import kotlinx.coroutines.CoroutineName
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.ExperimentalCoroutinesApi
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.delay
import kotlinx.coroutines.launch
import kotlinx.coroutines.test.StandardTestDispatcher
import kotlinx.coroutines.test.TestCoroutineScheduler
import kotlinx.coroutines.test.TestScope

/*
 * Virtual time for jcontext inside kotlinx-coroutines-test (needs kotlinx-coroutines-test on the
 * class path; the bridge declares it optional).
 *
 * Implementation overview: a Clock over a TestCoroutineScheduler. nanoTime() is VIRTUAL_EPOCH plus
 * the scheduler's currentTime (milliseconds); schedule() launches `delay(until deadline); run`
 * on a StandardTestDispatcher of the same scheduler, in a private supervisor scope, and stop()
 * cancels that coroutine, which removes its event from the scheduler. Deadlines are rounded up to
 * the next virtual millisecond, the scheduler's resolution.
 */

/** Where virtual time starts, as in Go's synctest bubbles: 2000-01-01T00:00:00Z. */
public val VIRTUAL_EPOCH: Instant = Instant.parse("2000-01-01T00:00:00Z")

/**
 * Returns a jcontext [Clock] that reads and schedules on this scheduler's virtual time: a deadline
 * of 5 s fires when the scheduler reaches virtual 5 000 ms, with no real waiting. Its time is
 * [VIRTUAL_EPOCH] + `currentTime` ms. Timers are foreground work of the scheduler, like kotlinx's
 * own `withTimeout` (so `advanceUntilIdle()` runs them).
 */
public fun TestCoroutineScheduler.asJContextClock(): Clock = SchedulerClock(this)

/**
 * Returns a root context (like [Context.background]) whose tree runs on this test's virtual time.
 * `currentContext()` inside `runTest` already returns a context on such a root when no other
 * context is installed.
 */
public fun TestScope.backgroundContext(): Context = Context.background(testScheduler.asJContextClock())

/** Returns a root context whose tree runs on this scheduler's virtual time. */
public fun TestCoroutineScheduler.backgroundContext(): Context = Context.background(asJContextClock())

internal object SchedulerClocks {
  fun rootOrNull(coroutineContext: CoroutineContext): Context? =
    coroutineContext[TestCoroutineScheduler]?.backgroundContext()
}

@OptIn(ExperimentalCoroutinesApi::class)
private class SchedulerClock(private val scheduler: TestCoroutineScheduler) : Clock {
  /** Runs the timers; never completes, and holds nothing once its timers have run or stopped. */
  private val timers = CoroutineScope(
    StandardTestDispatcher(scheduler) + SupervisorJob() + CoroutineName("jcontext virtual timer"),
  )

  override fun nanoTime(): Long =
    Clock.deadlineAfter(EPOCH_NANOS, Clock.nanosOf(java.time.Duration.ofMillis(scheduler.currentTime)))

  override fun schedule(deadline: Long, task: Runnable): Stop {
    val targetMs = ceilMillis(Clock.between(EPOCH_NANOS, deadline))
    val claimed = AtomicBoolean()
    // Dispatched (not undispatched), so a deadline already past never runs on the caller's thread.
    val job = timers.launch {
      delay(targetMs - scheduler.currentTime)
      if (claimed.compareAndSet(false, true)) task.run()
    }
    return Stop {
      if (claimed.compareAndSet(false, true)) {
        job.cancel()
        true
      } else {
        false
      }
    }
  }

  override fun toString(): String = "SchedulerClock(${scheduler.currentTime} ms)"

  private companion object {
    val EPOCH_NANOS: Long = Clock.nanosOf(VIRTUAL_EPOCH)

    fun ceilMillis(nanos: Long): Long = if (nanos <= 0) 0 else (nanos - 1) / 1_000_000L + 1
  }
}
