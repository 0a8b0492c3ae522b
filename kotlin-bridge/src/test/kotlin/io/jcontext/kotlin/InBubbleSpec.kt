package io.jcontext.kotlin

import io.jcontext.Context
import io.jcontext.DeadlineExceededException
import io.jcontext.kotlin.test.VIRTUAL_EPOCH
import io.jcontext.kotlin.test.inBubble
import io.jcontext.testing.Bubble
import io.jcontext.testing.BubbleDeadlockException
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.string.shouldStartWith
import io.kotest.matchers.types.shouldBeInstanceOf
import io.kotest.matchers.types.shouldBeSameInstanceAs
import java.time.Duration
import java.util.concurrent.atomic.AtomicBoolean

class InBubbleSpec : FunSpec({

  test("the body runs on a bubble thread; time moves when every bubble thread is blocked") {
    val at = inBubble { bubble ->
      Bubble.current() shouldBeSameInstanceAs bubble
      bubble.context().withTimeout(Duration.ofSeconds(5)).use { c ->
        Context.sleep(bubble.context(), Duration.ofSeconds(5).minusNanos(1))
        bubble.await()
        c.err() shouldBe null
        Context.sleep(bubble.context(), Duration.ofNanos(1))
        bubble.await()
        c.err().shouldBeInstanceOf<DeadlineExceededException>()
      }
      bubble.clock().now()
    }
    at shouldBe VIRTUAL_EPOCH.plusSeconds(5)
  }

  test("TestContextAfterFunc: the function runs on a thread of the bubble") {
    inBubble { bubble ->
      val ctx = bubble.context().withCancel()
      val called = AtomicBoolean()
      ctx.afterFunc { called.set(Bubble.current() === bubble) }
      bubble.await()
      called.get() shouldBe false
      ctx.cancel()
      bubble.await()
      called.get() shouldBe true
    }
  }

  test("a deadlock fails the test with what each thread waits on") {
    val e = shouldThrow<BubbleDeadlockException> { inBubble { it.context().awaitDone() } }
    e.message!! shouldStartWith "deadlock: every bubble thread is blocked"
    e.message!! shouldContain "bubble-main waits in Context.awaitDone()"
  }

  test("a deadline context left uncancelled fails the test; it can be allowed") {
    val e = shouldThrow<AssertionError> { inBubble { it.context().withTimeout(Duration.ofSeconds(1)) } }
    e.message!! shouldStartWith "1 timer(s) still pending on the bubble's clock"
    inBubble(failOnPendingTimers = false) { it.context().withTimeout(Duration.ofSeconds(1)) }
  }
})
