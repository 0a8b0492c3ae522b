package io.jcontext.kotlin.sync

import io.jcontext.CancellableContext
import io.jcontext.Context
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions
import org.jetbrains.lincheck.datastructures.Operation
import org.jetbrains.lincheck.datastructures.StressOptions
import org.junit.jupiter.api.Test

/**
 * Linearizability of [ContextMutex] against its own sequential behaviour, with waiters cancelled
 * at every point Lincheck can reach, including as the lock is handed to them
 * (`promptCancellation = true`). `lockCtx` waits through the context-aware select path.
 *
 * Unlocks are made by holders only, inside `lockUnlock`/`lockCtxUnlock`: that is the contract
 * the unheld-unlock check is exact for (see TokenPool). Operations that keep the lock make later
 * ones wait, so hand-offs to suspended waiters and their cancellation are explored. `tryLock` is
 * left out here because it would observe the middle of those two-step operations (which Lincheck
 * takes as atomic); ContextMutexSpec covers it, with a stress test.
 */
class ContextMutexLincheckTest {
  private val mutex = ContextMutex()
  private val live: CancellableContext = Context.background().withCancel()

  @Operation(promptCancellation = true)
  suspend fun lock() = mutex.lock()

  @Operation(promptCancellation = true)
  suspend fun lockCtx() = mutex.lock(live)

  @Operation(promptCancellation = true)
  suspend fun lockUnlock() {
    mutex.lock()
    mutex.unlock()
  }

  @Operation(promptCancellation = true)
  suspend fun lockCtxUnlock() {
    mutex.lock(live)
    mutex.unlock()
  }

  @Test
  fun modelChecking() =
    ModelCheckingOptions()
      .iterations(8)
      .invocationsPerIteration(250)
      .threads(3)
      .actorsPerThread(2)
      .actorsBefore(0)
      .actorsAfter(1)
      .check(this::class)

  @Test
  fun stress() =
    StressOptions()
      .iterations(8)
      .invocationsPerIteration(400)
      .threads(3)
      .actorsPerThread(3)
      .actorsBefore(0)
      .check(this::class)
}
