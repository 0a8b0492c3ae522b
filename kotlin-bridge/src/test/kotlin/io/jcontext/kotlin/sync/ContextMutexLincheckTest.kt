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
 * Unlocks are made by holders only (`lockUnlock`, `tryLockUnlock`), which is the contract the
 * exact unheld-unlock check is given for (see TokenPool); operations that keep the lock make the
 * later ones wait, so hand-offs to suspended waiters are explored.
 */
class ContextMutexLincheckTest {
  private val mutex = ContextMutex()
  private val live: CancellableContext = Context.background().withCancel()

  @Operation(promptCancellation = true)
  suspend fun lock() = mutex.lock()

  @Operation(promptCancellation = true)
  suspend fun lockCtx() = mutex.lock(live)

  @Operation
  fun tryLock(): Boolean = mutex.tryLock()

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

  @Operation
  fun tryLockUnlock(): Boolean {
    if (!mutex.tryLock()) return false
    mutex.unlock()
    return true
  }

  @Test
  fun modelChecking() =
    ModelCheckingOptions()
      .iterations(30)
      .invocationsPerIteration(500)
      .threads(3)
      .actorsPerThread(2)
      .actorsBefore(0)
      .actorsAfter(1)
      .check(this::class)

  @Test
  fun stress() =
    StressOptions()
      .iterations(20)
      .invocationsPerIteration(1_000)
      .threads(3)
      .actorsPerThread(3)
      .actorsBefore(0)
      .check(this::class)
}
