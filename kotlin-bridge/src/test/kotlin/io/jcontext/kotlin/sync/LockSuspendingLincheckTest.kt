package io.jcontext.kotlin.sync

import io.jcontext.CancellableContext
import io.jcontext.Context
import io.jcontext.ContextException
import io.jcontext.sync.Mutex
import io.jcontext.sync.RWMutex
import io.jcontext.sync.Semaphore
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions
import org.jetbrains.lincheck.datastructures.Operation
import org.jetbrains.lincheck.datastructures.StressOptions
import org.junit.jupiter.api.Test

/*
 * Linearizability of the locks with suspending waiters (`promptCancellation = true`: Lincheck
 * cancels them at every point it can reach, also as the grant reaches them) mixed with the
 * non-blocking Java operations (tryLock, unlock with its IllegalStateException, lock with a done
 * ctx, snapshots). A blocked Java lock has no sequential specification; the Java core's
 * *LincheckTest classes check those in small concurrent scenarios.
 *
 * Known limit of the model: a waiter cancelled after its resumption was issued is reported
 * CANCELLED and its continuation is never run, on both the parallel and the sequential side; the
 * waiter's give-back (in its own catch block) is therefore not exercised here. The *Spec classes
 * ("prompt cancellation …") and MixedLockStressTest check that give-back.
 */

private val DONE: Context = Context.background().withCancel().also { it.cancel() }

private fun model(c: kotlin.reflect.KClass<*>) =
  ModelCheckingOptions()
    .iterations(8)
    .invocationsPerIteration(250)
    .threads(3)
    .actorsPerThread(2)
    .actorsBefore(0)
    .actorsAfter(1)
    .check(c)

private fun stress(c: kotlin.reflect.KClass<*>) =
  StressOptions()
    .iterations(8)
    .invocationsPerIteration(400)
    .threads(3)
    .actorsPerThread(3)
    .actorsBefore(0)
    .check(c)

class MutexSuspendingLincheckTest {
  private val mutex = Mutex.create()
  private val live: CancellableContext = Context.background().withCancel()

  @Operation(promptCancellation = true)
  suspend fun lock() = mutex.lockSuspending(Context.background())

  @Operation(promptCancellation = true)
  suspend fun lockCtx() = mutex.lockSuspending(live)

  @Operation
  fun tryLock() = mutex.tryLock()

  @Operation
  fun unlock() = try { mutex.unlock(); "unlocked" } catch (e: IllegalStateException) { "not locked" }

  @Operation
  fun lockDone() = try { mutex.lock(DONE); "locked" } catch (e: ContextException) { "ctx done" }

  @Operation
  fun isLocked() = mutex.isLocked

  @Test fun modelChecking() = model(this::class)

  @Test fun stress() = stress(this::class)
}

class SemaphoreSuspendingLincheckTest {
  private val sem = Semaphore.create(2)
  private val live: CancellableContext = Context.background().withCancel()

  @Operation(promptCancellation = true)
  suspend fun acquire() = sem.acquireSuspending(Context.background(), 1)

  @Operation(promptCancellation = true)
  suspend fun acquireCtx() = sem.acquireSuspending(live, 1)

  @Operation(promptCancellation = true)
  suspend fun acquire2() = sem.acquireSuspending(live, 2)

  @Operation
  fun tryAcquire() = sem.tryAcquire(1)

  @Operation
  fun release() = try { sem.release(1); "released" } catch (e: IllegalStateException) { "not held" }

  @Operation
  fun available() = sem.availablePermits()

  @Test fun modelChecking() = model(this::class)

  @Test fun stress() = stress(this::class)
}

class RWMutexSuspendingLincheckTest {
  private val rw = RWMutex.create()

  @Operation(promptCancellation = true)
  suspend fun rLock() = rw.rLockSuspending(Context.background())

  @Operation(promptCancellation = true)
  suspend fun lock() = rw.lockSuspending(Context.background())

  @Operation
  fun tryRLock() = rw.tryRLock()

  @Operation
  fun tryLock() = rw.tryLock()

  @Operation
  fun rUnlock() = try { rw.rUnlock(); "ok" } catch (e: IllegalStateException) { "no read lock" }

  @Operation
  fun unlock() = try { rw.unlock(); "ok" } catch (e: IllegalStateException) { "not write-locked" }

  @Test fun modelChecking() = model(this::class)

  @Test fun stress() = stress(this::class)
}
