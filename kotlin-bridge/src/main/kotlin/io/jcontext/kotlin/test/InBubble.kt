package io.jcontext.kotlin.test

import io.jcontext.testing.Bubble
import kotlin.time.Duration
import kotlin.time.Duration.Companion.seconds
import kotlin.time.toJavaDuration

/**
 * Runs [body] inside a new jcontext [Bubble] (Go's `synctest.Test` for threads) and returns its
 * value: a spec helper for kotest (or any Kotlin test), with the checks of the JUnit 5
 * `@InBubble` extension. [body] runs on the bubble's main thread and gets the bubble
 * (`bubble.context()`, `bubble.clock()`, `bubble.await()`).
 *
 * It throws what `Bubble.run` throws (a deadlock, threads left blocked, a stall after
 * [stallTimeout] of real time, an exception of any bubble thread), and an [AssertionError] when
 * timers are still pending on the bubble's clock after [body] returned (a deadline context that
 * was never cancelled) unless [failOnPendingTimers] is false.
 *
 * [body] is plain blocking code: threads, not coroutines. A coroutine suspended in [body] (e.g.
 * in `runBlocking`) parks its thread where the bubble cannot see, so time cannot move for it;
 * use `runTest` for coroutines (see the README, "A bubble and runTest").
 *
 * ```
 * test("deadline fires at 5 s of bubble time") {
 *   inBubble { bubble ->
 *     bubble.context().withTimeout(Duration.ofSeconds(5)).use { c ->
 *       c.awaitDone()
 *       bubble.clock().now() shouldBe VIRTUAL_EPOCH.plusSeconds(5)
 *     }
 *   }
 * }
 * ```
 */
public fun <T> inBubble(
  stallTimeout: Duration = 30.seconds,
  failOnPendingTimers: Boolean = true,
  body: (Bubble) -> T,
): T {
  var seen: Bubble? = null
  val value = Bubble.options().stallTimeout(stallTimeout.toJavaDuration()).call { b ->
    seen = b
    body(b)
  }
  val clock = seen!!.clock()
  val pending = clock.pendingTimers()
  if (failOnPendingTimers && pending > 0) {
    throw AssertionError(
      "$pending timer(s) still pending on the bubble's clock when the body returned (next at " +
        "${clock.nextDeadline()}): a deadline context was not cancelled (use `use { }`)",
    )
  }
  return value
}
