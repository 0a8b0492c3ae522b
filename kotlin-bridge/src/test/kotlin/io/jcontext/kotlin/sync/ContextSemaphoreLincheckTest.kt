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
 * permits and weighted operations, waiters cancelled at every point where they are suspended and
 * not yet resumed (`cancellableOnSuspension`, the default). Releases are made by holders only,
 * inside the acquire-then-release operations (see TokenPool); `tryAcquire` is left out because it
 * would observe the middle of those two-step operations, which Lincheck takes as atomic
 * (ContextSemaphoreSpec covers it, with ContextSemaphoreStressTest).
 *
 * `promptCancellation` is off because Lincheck 3.7 with coroutines 1.11.0 reports a lost permit
 * for any resume-then-cancel of a channel- or semaphore-style waiter, kotlinx's own
 * `kotlinx.coroutines.sync.Semaphore(1)` included. Checked with scratch tests (not committed),
 * model checking 30 x 500, 3 threads x 2 operations + 1 after, same operations on both:
 * - prompt on every operation: kotlinx `Semaphore(1)` fails, this class fails;
 * - prompt on the bare acquires only, or on the acquire-then-release operations only: both fail
 *   in each case. The smallest counter-example (kotlinx, prompt on `acquireRelease` only):
 *   T1 `acquireRelease(): void`, T2 `acquire(): SUSPENDED`, T3 `acquireRelease() + prompt_cancel:
 *   CANCELLED`. T1's release resumes T3's waiting acquire; Lincheck's cancel then loses to that
 *   resume ("PROMPT CANCELLED AFTER RESUMPTION": `cancel()` returns false, Lincheck cancels the
 *   Job and records CANCELLED) and never dispatches T3's resumed continuation, while coroutines
 *   gives a prompt-cancelled permit back exactly in that dispatch (the resumption's
 *   onCancellation / the channel's onUndeliveredElement run when the dispatched continuation
 *   finds its Job cancelled). So the permit stays with an operation reported as cancelled, and
 *   T2 waits forever. Every failing trace, for both implementations, goes through that branch;
 *   none runs a give-back after it.
 * Not checked here, then: cancellation racing with the resumption. ContextSemaphoreSpec checks
 * it deterministically on both wait paths ("Job cancellation while waiting and prompt
 * cancellation leak no permit", "prompt cancellation on the ctx-aware path ...", "ctx done as the
 * permit reaches the waiter ..."), and ContextSemaphoreStressTest under random cancellation.
 * (ContextMutexLincheckTest can keep it on only because its waiters give back in their own code,
 * which Lincheck skips on both sides alike; see there.)
 */
abstract class ContextSemaphoreLincheckTestBase(size: Int) {
  protected val sem = ContextSemaphore(size)
  private val live: CancellableContext = Context.background().withCancel()

  @Operation(promptCancellation = false)
  suspend fun acquire() = sem.acquire()

  @Operation(promptCancellation = false)
  suspend fun acquireCtx() = sem.acquire(live)

  @Operation(promptCancellation = false)
  suspend fun acquireRelease() {
    sem.acquire()
    sem.release()
  }

  @Operation(promptCancellation = false)
  suspend fun acquireCtxRelease() {
    sem.acquire(live)
    sem.release()
  }


  @Test
  fun modelChecking() =
    ModelCheckingOptions()
      .iterations(8)
      .invocationsPerIteration(200)
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

class ContextSemaphore1LincheckTest : ContextSemaphoreLincheckTestBase(1)

class ContextSemaphore2LincheckTest : ContextSemaphoreLincheckTestBase(2)

/**
 * Weighted: 3 permits, acquisitions of 1 or 2 at a time among one-permit operations. Weighted
 * waiters are not cancelled here: one cancelled while it holds part of its permits gives them
 * back, which can resume a waiter behind it; no sequential history explains that resumption, so
 * Lincheck (rightly) reports it as non-linearizable, although no permit is lost or over-granted
 * (ContextSemaphoreSpec covers that case).
 */
@Param(name = "n", gen = IntGen::class, conf = "1:2")
class ContextSemaphoreWeightedLincheckTest : ContextSemaphoreLincheckTestBase(3) {
  @Operation(cancellableOnSuspension = false)
  suspend fun acquireN(@Param(name = "n") n: Int) = sem.acquire(n = n)

  @Operation(cancellableOnSuspension = false)
  suspend fun acquireReleaseN(@Param(name = "n") n: Int) {
    sem.acquire(n = n)
    sem.release(n)
  }
}
