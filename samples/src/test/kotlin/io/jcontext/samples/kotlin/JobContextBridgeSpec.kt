package io.jcontext.samples.kotlin

import io.jcontext.ContextCancelledException
import io.jcontext.kotlin.ContextDoneException
import io.jcontext.kotlin.test.VIRTUAL_EPOCH
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.longs.shouldBeLessThan
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.types.shouldBeInstanceOf
import io.kotest.matchers.types.shouldBeSameInstanceAs
import java.time.Duration

class JobContextBridgeSpec : FunSpec({
  val sample = JobContextBridge()

  test("Job -> Context: a blocking Context.sleep inside withContext(ctx) is woken by the Job's cancellation, with its cause") {
    val r = sample.jobToContext()
    r.javaSaw.shouldBeInstanceOf<ContextCancelledException>().cause shouldBeSameInstanceAs r.jobCause
    r.wokenWithinMs shouldBeLessThan 10_000L // liveness bound only (the sleep was 1 h)
  }

  test("Context -> Job: ctx.cancel(cause) cancels the coroutine; withContext throws ctx.err() carrying the cause") {
    val r = sample.contextToJob()
    val inside = r.inside.shouldBeInstanceOf<ContextDoneException>()
    val thrown = r.thrown.shouldBeInstanceOf<ContextCancelledException>()
    inside.err shouldBeSameInstanceAs thrown
    thrown.cause shouldBeSameInstanceAs r.cause
  }

  test("the deadline of withContextTimeout(5.seconds) is what Java code sees, on virtual time") {
    val d = sample.deadlineSeen()
    d.deadline shouldBe VIRTUAL_EPOCH.plusSeconds(5)
    d.remaining shouldBe Duration.ofSeconds(5)
  }

  test("the tour line") {
    sample.run() shouldContain "2000-01-01T00:00:05Z"
  }
})
