package io.jcontext.kotlin.sync

import io.jcontext.Context
import io.jcontext.ContextCancelledException
import io.jcontext.sync.Mutex
import io.jcontext.sync.Semaphore
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldBeEmpty
import io.kotest.matchers.collections.shouldHaveSize
import io.kotest.matchers.shouldBe
import java.nio.file.Files
import jdk.jfr.Recording
import jdk.jfr.consumer.RecordedEvent
import jdk.jfr.consumer.RecordingFile
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.ExperimentalCoroutinesApi
import kotlinx.coroutines.launch
import kotlinx.coroutines.test.runCurrent
import kotlinx.coroutines.test.runTest

/** The flight recorder's io.jcontext.LockWait event for suspended waiters, one per slow-path acquisition. */
@OptIn(ExperimentalCoroutinesApi::class)
class LockWaitEventSpec : FunSpec({
  val bg = Context.background()

  fun recorded(enabled: Boolean = true, body: () -> Unit): List<RecordedEvent> {
    val file = Files.createTempFile("jcontext-kt", ".jfr")
    try {
      Recording().use { r ->
        if (enabled) r.enable("io.jcontext.LockWait").withoutThreshold() else r.disable("io.jcontext.LockWait")
        r.start()
        body()
        r.stop()
        r.dump(file)
      }
      return RecordingFile.readAllEvents(file).filter { it.eventType.name == "io.jcontext.LockWait" }
    } finally {
      Files.deleteIfExists(file)
    }
  }

  test("a coroutine that waits for a Mutex records one acquired wait") {
    val m = Mutex.create()
    val events = recorded {
      runTest {
        m.lockSuspending(bg)
        val job = launch { m.lockSuspending(bg); m.unlock() }
        runCurrent()
        waitersOf(m) shouldBe 1
        m.unlock()
        job.join()
      }
    }
    events shouldHaveSize 1
    events[0].getString("operation") shouldBe "lock"
    events[0].getString("outcome") shouldBe "acquired"
    events[0].getString("lock") shouldBe "Mutex@" + Integer.toHexString(System.identityHashCode(m))
  }

  test("a wait ended by the ctx records contextDone, one ended by the Job records cancelled, with the permits") {
    val s = Semaphore.create(4)
    val events = recorded {
      runTest {
        s.acquireSuspending(bg, 4)
        val ctx = bg.withCancel()
        val byCtx = launch { shouldThrow<ContextCancelledException> { s.acquireSuspending(ctx, 3) } }
        val byJob = launch { s.acquireSuspending(bg, 2) }
        runCurrent()
        waitersOf(s) shouldBe 2
        ctx.cancel()
        byJob.cancel(CancellationException("stop"))
        byCtx.join()
        byJob.join()
        s.release(4)
      }
    }
    events.map { it.getString("outcome") to it.getLong("permits") }.toSet() shouldBe
      setOf("contextDone" to 3L, "cancelled" to 2L)
    events.forEach { it.getString("operation") shouldBe "acquire" }
  }

  test("the fast path and a recording without the event record nothing") {
    val m = Mutex.create()
    recorded { runTest { repeat(1000) { m.lockSuspending(bg); m.unlock() } } }.shouldBeEmpty()
    recorded(enabled = false) {
      runTest {
        m.lockSuspending(bg)
        val job = launch { m.lockSuspending(bg); m.unlock() }
        runCurrent()
        m.unlock()
        job.join()
      }
    }.shouldBeEmpty()
  }
})
