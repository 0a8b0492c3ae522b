package io.jcontext.samples.kotlin

import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain

class CoroutineRwDeadlockSpec : FunSpec({
  val sample = CoroutineRwDeadlock()

  test("writer and reader both end with DeadlineExceeded at the virtual deadline; the lock is free") {
    val o = sample.onVirtualTime()
    o.writer shouldBe "DeadlineExceededException"
    o.reader shouldBe "DeadlineExceededException"
    o.endedAtMs shouldBe 100L
    o.lockFree shouldBe true
  }

  test("the tour line") {
    sample.id() shouldBe "002-rwlock-kt"
    sample.run() shouldContain "virtual 100 ms"
  }
})
