package io.jcontext.kotlin

import io.jcontext.Clock
import io.jcontext.kotlin.test.VIRTUAL_EPOCH
import io.jcontext.kotlin.test.asJContextClock
import io.jcontext.testing.VirtualClock
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import java.util.concurrent.atomic.AtomicBoolean
import kotlin.time.Duration
import kotlinx.coroutines.CoroutineStart
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.ExperimentalCoroutinesApi
import kotlinx.coroutines.GlobalScope
import kotlinx.coroutines.launch
import kotlinx.coroutines.test.TestCoroutineScheduler

/** The bridge uses the core's one time arithmetic (Clock.deadlineAfter/between/nanosOf). */
@OptIn(ExperimentalCoroutinesApi::class, kotlinx.coroutines.DelicateCoroutinesApi::class)
class TimeArithmeticSpec : FunSpec({

  test("sleep(ctx, INFINITE) schedules the latest deadline, never Long.MAX_VALUE ('no deadline')") {
    val clock = VirtualClock()
    val job = GlobalScope.launch(Dispatchers.Unconfined, start = CoroutineStart.UNDISPATCHED) {
      sleep(clock.background(), Duration.INFINITE)
    }
    clock.nextDeadline() shouldBe Clock.instantOf(Long.MAX_VALUE - 1)
    job.cancel()
    clock.pendingTimers() shouldBe 0
  }

  test("the runTest clock reads the epoch as the core converts it, and a deadline long past fires at once") {
    val scheduler = TestCoroutineScheduler()
    val clock = scheduler.asJContextClock()
    clock.nanoTime() shouldBe Clock.nanosOf(VIRTUAL_EPOCH)
    val ran = AtomicBoolean()
    clock.schedule(Long.MIN_VALUE) { ran.set(true) } // no overflow to a far-future deadline
    scheduler.runCurrent()
    ran.get() shouldBe true
  }
})
