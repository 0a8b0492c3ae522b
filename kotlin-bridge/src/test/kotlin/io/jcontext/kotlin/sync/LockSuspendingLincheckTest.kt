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
 * Linearizability of the three locks with suspending waiters, in two set-ups per lock.
 *
 * 1. `*SuspendingLincheckTest`: `promptCancellation = true`. Lincheck cancels a waiter either
 *    before its resumption (the acquisition must then have no effect) or after it (Lincheck
 *    then never runs the rest of the operation and counts the acquisition as done, so a
 *    resumption must carry the grant: the engine's contract for non-thread waiters).
 *    Releases are bare operations, but only of what a *completed* acquisition took: each
 *    acquisition adds to `held` after it returns, and a release first takes from `held` (CAS)
 *    and returns "none" if nothing is there. That is the discipline of a correct program (only
 *    a holder releases), and it keeps every operation atomic for Lincheck: a composite
 *    acquire-then-release would expose its middle to a concurrent waiter, and an unconditional
 *    release could free what a waiter that is being cancelled was just granted (its give-back
 *    would then find nothing held, which only a buggy program can cause).
 * 2. `*SuspendingTryLincheckTest`: no cancellation; bare suspending acquisitions, bare releases
 *    (with their IllegalStateException) and the non-blocking Java operations (tryLock,
 *    tryAcquire, snapshots) together, so a try that barges past a waiter where the contract
 *    forbids it, or a hand-off lost or doubled, shows as a non-linearizable result.
 *
 * On a real dispatcher a coroutine cancelled after its resumption runs the resumption's
 * cancellation hook, which gives the grant back; the *Spec classes ("prompt cancellation …"),
 * LockRaceTest and MixedLockStressTest check that.
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

/** Takes one from [held] if positive; false if nothing is held. */
private fun takeOne(held: java.util.concurrent.atomic.AtomicLong, n: Long = 1): Boolean {
  while (true) {
    val h = held.get()
    if (h < n) return false
    if (held.compareAndSet(h, h - n)) return true
  }
}

class MutexSuspendingLincheckTest {
  private val mutex = Mutex.create()
  private val live: CancellableContext = Context.background().withCancel()
  private val held = java.util.concurrent.atomic.AtomicLong()

  @Operation(promptCancellation = true)
  suspend fun lock() {
    mutex.lockSuspending(Context.background())
    held.incrementAndGet()
  }

  @Operation(promptCancellation = true)
  suspend fun lockCtx() {
    mutex.lockSuspending(live)
    held.incrementAndGet()
  }

  @Operation
  fun unlock(): String {
    if (!takeOne(held)) return "none"
    mutex.unlock()
    return "unlocked"
  }

  @Operation
  fun lockDone() = try { mutex.lock(DONE); "locked" } catch (e: ContextException) { "ctx done" }

  @Test fun modelChecking() = model(this::class)

  @Test fun stress() = stress(this::class)
}

class MutexSuspendingTryLincheckTest {
  private val mutex = Mutex.create()
  private val live: CancellableContext = Context.background().withCancel()

  @Operation(cancellableOnSuspension = false)
  suspend fun lock() = mutex.lockSuspending(Context.background())

  @Operation(cancellableOnSuspension = false)
  suspend fun lockCtx() = mutex.lockSuspending(live)

  @Operation
  fun tryLock() = mutex.tryLock()

  @Operation
  fun unlock() = try { mutex.unlock(); "unlocked" } catch (e: IllegalStateException) { "not locked" }

  @Operation
  fun isLocked() = mutex.isLocked

  @Test fun modelChecking() = model(this::class)

  // Stress mode off for this class: its suspending operations are not cancellable, so a run can
  // legitimately end with one of them suspended for good (e.g. the last tryLock keeps the lock),
  // and the stress runner then reported a hang instead of SUSPENDED (seen once under load).
  // Model checking, which handles suspension deterministically, covers the same operations.
  @org.junit.jupiter.api.Disabled("stress runner: a never-resumed non-cancellable suspension is reported as a hang")
  @Test fun stress() = stress(this::class)
}

class SemaphoreSuspendingLincheckTest {
  private val sem = Semaphore.create(2)
  private val live: CancellableContext = Context.background().withCancel()
  private val held = java.util.concurrent.atomic.AtomicLong()

  @Operation(promptCancellation = true)
  suspend fun acquire() {
    sem.acquireSuspending(Context.background(), 1)
    held.incrementAndGet()
  }

  @Operation(promptCancellation = true)
  suspend fun acquireCtx() {
    sem.acquireSuspending(live, 1)
    held.incrementAndGet()
  }

  @Operation(promptCancellation = true)
  suspend fun acquire2() {
    sem.acquireSuspending(live, 2)
    held.addAndGet(2)
  }

  @Operation
  fun release(): String {
    if (!takeOne(held)) return "none"
    sem.release(1)
    return "released"
  }

  @Test fun modelChecking() = model(this::class)

  @Test fun stress() = stress(this::class)
}

class SemaphoreSuspendingTryLincheckTest {
  private val sem = Semaphore.create(2)

  @Operation(cancellableOnSuspension = false)
  suspend fun acquire() = sem.acquireSuspending(Context.background(), 1)

  @Operation(cancellableOnSuspension = false)
  suspend fun acquire2() = sem.acquireSuspending(Context.background(), 2)

  @Operation
  fun tryAcquire() = sem.tryAcquire(1)

  @Operation
  fun release() = try { sem.release(1); "released" } catch (e: IllegalStateException) { "not held" }

  @Operation
  fun available() = sem.availablePermits()

  @Test fun modelChecking() = model(this::class)

  // Stress mode off for this class: its suspending operations are not cancellable, so a run can
  // legitimately end with one of them suspended for good (e.g. the last tryLock keeps the lock),
  // and the stress runner then reported a hang instead of SUSPENDED (seen once under load).
  // Model checking, which handles suspension deterministically, covers the same operations.
  @org.junit.jupiter.api.Disabled("stress runner: a never-resumed non-cancellable suspension is reported as a hang")
  @Test fun stress() = stress(this::class)
}

class RWMutexSuspendingLincheckTest {
  private val rw = RWMutex.create()
  private val readers = java.util.concurrent.atomic.AtomicLong()
  private val writer = java.util.concurrent.atomic.AtomicLong()

  @Operation(promptCancellation = true)
  suspend fun rLock() {
    rw.rLockSuspending(Context.background())
    readers.incrementAndGet()
  }

  @Operation(promptCancellation = true)
  suspend fun lock() {
    rw.lockSuspending(Context.background())
    writer.incrementAndGet()
  }

  @Operation
  fun rUnlock(): String {
    if (!takeOne(readers)) return "none"
    rw.rUnlock()
    return "ok"
  }

  @Operation
  fun unlock(): String {
    if (!takeOne(writer)) return "none"
    rw.unlock()
    return "ok"
  }

  @Test fun modelChecking() = model(this::class)

  @Test fun stress() = stress(this::class)
}

class RWMutexSuspendingTryLincheckTest {
  private val rw = RWMutex.create()

  @Operation(cancellableOnSuspension = false)
  suspend fun rLock() = rw.rLockSuspending(Context.background())

  @Operation(cancellableOnSuspension = false)
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

  // Stress mode off for this class: its suspending operations are not cancellable, so a run can
  // legitimately end with one of them suspended for good (e.g. the last tryLock keeps the lock),
  // and the stress runner then reported a hang instead of SUSPENDED (seen once under load).
  // Model checking, which handles suspension deterministically, covers the same operations.
  @org.junit.jupiter.api.Disabled("stress runner: a never-resumed non-cancellable suspension is reported as a hang")
  @Test fun stress() = stress(this::class)
}
