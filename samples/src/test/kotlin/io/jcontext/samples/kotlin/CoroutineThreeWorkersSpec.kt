package io.jcontext.samples.kotlin

import io.jcontext.ContextCancelledException
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldContainExactlyInAnyOrder
import io.kotest.matchers.collections.shouldHaveSize
import io.kotest.matchers.collections.shouldNotContain
import io.kotest.matchers.shouldBe
import io.kotest.matchers.types.shouldBeInstanceOf
import io.kotest.matchers.types.shouldBeSameInstanceAs
import io.kotest.matchers.string.shouldStartWith

class CoroutineThreeWorkersSpec : FunSpec({
  val sample = CoroutineThreeWorkers()

  test("a grandchild cancelling the root stops all three workers with the root's one error") {
    val r = sample.runScenario()
    r.events.filter { it.endsWith("cancelled") } shouldContainExactlyInAnyOrder
      listOf("worker 1 cancelled", "worker 2 cancelled", "worker 3 cancelled")
    r.events.none { it.endsWith("end work") } shouldBe true
    r.errors shouldHaveSize 3
    r.errors[0].shouldBeInstanceOf<ContextCancelledException>()
    r.errors.forEach { it shouldBeSameInstanceAs r.errors[0] }
  }

  test("nobody cancels before worker 3 ran cancel, and no 3 s of work elapses (virtual time stays at 0)") {
    val r = sample.runScenario()
    val ranCancel = r.events.indexOf("worker 3 ran cancel")
    r.events.take(ranCancel).filter { it.endsWith("cancelled") }.shouldHaveSize(0)
    r.events shouldNotContain "worker 1 end work"
    r.endedAtMs shouldBe 0L
  }

  test("the tour line") {
    sample.run() shouldStartWith "3 of 3 coroutines cancelled at virtual 0 ms"
  }
})
