package io.jcontext.kotlin.sync

import io.jcontext.CancellableContext
import io.jcontext.Context
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions
import org.jetbrains.lincheck.datastructures.Operation
import org.jetbrains.lincheck.datastructures.Param
import org.jetbrains.lincheck.datastructures.IntGen
import org.jetbrains.lincheck.datastructures.StressOptions
import org.junit.jupiter.api.Test

/**
 * Linearizability of [ContextSemaphore] with 1 and 2 permits (single-permit operations) and with 3
 * permits and weighted operations, waiters cancelled at every reachable point including as permits
 * reach them (`promptCancellation = true`). Releases are made by holders only (see TokenPool).
 * Weighted tryAcquire(n > 1) is left out: it may fail while another weighted acquisition collects
 * its permits, as documented.
 */
abstract class ContextSemaphoreLincheckTestBase(size: Int) {
  protected val sem = ContextSemaphore(size)
  private val live: CancellableContext = Context.background().withCancel()

  @Operation(promptCancellation = true)
  suspend fun acquire() = sem.acquire()

  @Operation(promptCancellation = true)
  suspend fun acquireCtx() = sem.acquire(live)

  @Operation
  fun tryAcquire(): Boolean = sem.tryAcquire()

  @Operation(promptCancellation = true)
  suspend fun acquireRelease() {
    sem.acquire()
    sem.release()
  }

  @Operation(promptCancellation = true)
  suspend fun acquireCtxRelease() {
    sem.acquire(live)
    sem.release()
  }

  @Operation
  fun tryAcquireRelease(): Boolean {
    if (!sem.tryAcquire()) return false
    sem.release()
    return true
  }

  @Test
  fun modelChecking() =
    ModelCheckingOptions()
      .iterations(25)
      .invocationsPerIteration(400)
      .threads(3)
      .actorsPerThread(2)
      .actorsBefore(0)
      .actorsAfter(1)
      .check(this::class)

  @Test
  fun stress() =
    StressOptions()
      .iterations(15)
      .invocationsPerIteration(1_000)
      .threads(3)
      .actorsPerThread(3)
      .actorsBefore(0)
      .check(this::class)
}

class ContextSemaphore1LincheckTest : ContextSemaphoreLincheckTestBase(1)

class ContextSemaphore2LincheckTest : ContextSemaphoreLincheckTestBase(2)

/** Weighted: 3 permits, acquisitions and releases of 1 or 2 at a time. */
@Param(name = "n", gen = IntGen::class, conf = "1:2")
class ContextSemaphoreWeightedLincheckTest : ContextSemaphoreLincheckTestBase(3) {
  @Operation(promptCancellation = true)
  suspend fun acquireN(@Param(name = "n") n: Int) = sem.acquire(n = n)

  @Operation(promptCancellation = true)
  suspend fun acquireReleaseN(@Param(name = "n") n: Int) {
    sem.acquire(n = n)
    sem.release(n)
  }
}
