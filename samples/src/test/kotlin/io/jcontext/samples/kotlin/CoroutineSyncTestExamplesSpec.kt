package io.jcontext.samples.kotlin

import io.jcontext.DeadlineExceededException
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.booleans.shouldBeFalse
import io.kotest.matchers.booleans.shouldBeTrue
import io.kotest.matchers.nulls.shouldBeNull
import io.kotest.matchers.nulls.shouldNotBeNull
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.types.shouldBeInstanceOf

class CoroutineSyncTestExamplesSpec : FunSpec({
  val sample = CoroutineSyncTestExamples()

  test("TestAfterFunc: not called before cancel, not inside cancel, called once the dispatcher has run") {
    val a = sample.afterFunc()
    a.calledBeforeCancel.shouldBeFalse()
    a.calledInsideCancel.shouldBeFalse()
    a.calledAfterWait.shouldBeTrue()
  }

  test("TestWithTimeout: live at virtual 4 999 ms, DeadlineExceeded at 5 000 ms") {
    val t = sample.withTimeout()
    t.errJustBefore.shouldBeNull()
    t.errAtDeadline.shouldBeInstanceOf<DeadlineExceededException>().isTimeout.shouldBeTrue()
  }

  test("withContextTimeout(5.seconds) around sleep(1 h) throws DeadlineExceeded at exactly virtual 5 000 ms") {
    val t = sample.withTimeout()
    t.blockTimeout.shouldNotBeNull()
    t.blockEndedAtMs shouldBe 5_000L
  }

  test("TestAfterFunc in a bubble: not called before cancel, called after cancel and Wait") {
    val a = sample.afterFuncInBubble()
    a.calledBeforeCancel.shouldBeFalse()
    a.calledAfterWait.shouldBeTrue()
  }

  test("TestWithTimeout in a bubble: live 1 ns before the deadline, DeadlineExceeded at it") {
    val (before, at) = sample.withTimeoutInBubble()
    before.shouldBeNull()
    at.shouldBeInstanceOf<DeadlineExceededException>()
  }

  test("the tour line") {
    sample.id() shouldBe "002-synctest-kt"
    sample.run() shouldContain "5 000 ms"
  }
})
