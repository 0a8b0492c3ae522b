package io.jcontext.samples.kotlin

import io.jcontext.Context
import io.jcontext.ContextCancelledException
import io.jcontext.ContextException
import io.jcontext.kotlin.ContextDoneException
import io.jcontext.kotlin.currentContext
import io.jcontext.kotlin.test.VIRTUAL_EPOCH
import io.jcontext.kotlin.withContext
import io.jcontext.kotlin.withContextTimeout
import io.jcontext.samples.Sample
import java.io.IOException
import java.time.Duration
import java.time.Instant
import java.util.concurrent.CountDownLatch
import java.util.concurrent.TimeUnit
import kotlin.time.Duration.Companion.seconds
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.CoroutineStart
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.awaitCancellation
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.test.runTest
import kotlinx.coroutines.withContext as kxWithContext

/**
 * A coroutine's `Job` and a jcontext [Context], bound both ways by the bridge's
 * `withContext(ctx)`:
 * - **Job -> Context**: Java code blocking inside the coroutine (`Context.sleep`, `awaitDone`) on
 *   [currentContext] is woken as soon as the coroutine's Job is cancelled, with a
 *   [ContextCancelledException] whose cause is the Job's cancellation exception.
 * - **Context -> Job**: cancelling the Java context (with a cause) cancels the coroutine; inside it
 *   sees a [ContextDoneException] whose `err` is `ctx.err()` (its cause is the given cause), and
 *   `withContext` throws `ctx.err()` to its caller.
 * - **Deadline**: the bridge's `withContextTimeout(5.seconds)` is a jcontext deadline, visible to
 *   Java code as `currentContext().deadline()`; under `runTest` it is virtual epoch + 5 s.
 */
public class JobContextBridge : Sample {

  /** What the blocking Java call inside the cancelled coroutine ended with, and how long it took. */
  public data class JobToContext(val javaSaw: Throwable?, val jobCause: Throwable?, val wokenWithinMs: Long)

  /** What the coroutine saw inside, and what `withContext` threw, when the Java context was cancelled. */
  public data class ContextToJob(val inside: Throwable?, val thrown: Throwable?, val cause: Throwable)

  /** The deadline Java code saw inside `withContextTimeout(5.seconds)` on virtual time, and what remained. */
  public data class DeadlineSeen(val deadline: Instant?, val remaining: Duration?)

  /** Job -> Context: a blocking `Context.sleep(ctx, 1 h)` inside `withContext(ctx)`, Job cancelled. */
  public fun jobToContext(): JobToContext = runBlocking {
    val entered = CountDownLatch(1)
    var javaSaw: Throwable? = null
    var jobCause: Throwable? = null
    val job = launch(Dispatchers.IO) {
      withContext(Context.background()) {
        val ctx = currentContext()
        entered.countDown()
        try {
          Context.sleep(ctx, Duration.ofHours(1)) // a Java blocking call, unaware of coroutines
        } catch (e: ContextException) {
          javaSaw = e
        }
      }
    }
    kxWithContext(Dispatchers.IO) { entered.await(10, TimeUnit.SECONDS) }
    val start = System.nanoTime()
    val reason = CancellationException("caller gave up")
    job.cancel(reason)
    job.join()
    jobCause = reason
    JobToContext(javaSaw, jobCause, (System.nanoTime() - start) / 1_000_000)
  }

  /** Context -> Job: the Java side cancels the context with a cause while the coroutine suspends. */
  public fun contextToJob(): ContextToJob = runBlocking {
    val ctx = Context.background().withCancel()
    val cause = IOException("upstream closed")
    var inside: Throwable? = null
    var thrown: Throwable? = null
    val job = launch(start = CoroutineStart.UNDISPATCHED) {
      try {
        withContext(ctx) {
          try {
            awaitCancellation()
          } catch (e: CancellationException) {
            inside = e
            throw e
          }
        }
      } catch (e: CancellationException) {
        thrown = e
      }
    }
    ctx.cancel(cause) // from Java
    job.join()
    ContextToJob(inside, thrown, cause)
  }

  /** The deadline of `withContextTimeout(5.seconds)` seen from Java, on `runTest` virtual time. */
  public fun deadlineSeen(): DeadlineSeen {
    var seen: DeadlineSeen? = null
    runTest {
      withContextTimeout(5.seconds) {
        val ctx = currentContext() // what a Java callee receives
        seen = DeadlineSeen(ctx.deadline(), ctx.remaining())
      }
    }
    return seen!!
  }

  override fun id(): String = "kt-job"

  override fun title(): String = "coroutine Job <-> Context, both ways"

  override fun run(): String {
    val a = jobToContext()
    val b = contextToJob()
    val d = deadlineSeen()
    check(a.javaSaw is ContextCancelledException && a.javaSaw.cause === a.jobCause) { a }
    val inside = b.inside
    check(inside is ContextDoneException && inside.err === b.thrown && inside.err.cause === b.cause &&
      b.thrown is ContextCancelledException) { b }
    check(d.deadline == VIRTUAL_EPOCH.plusSeconds(5) && d.remaining == Duration.ofSeconds(5)) { d }
    return "Job cancel woke Context.sleep(1 h) in ${a.wokenWithinMs} ms with ${a.javaSaw.javaClass.simpleName}" +
      " <- ${a.jobCause}; ctx.cancel(IOException) -> coroutine saw ContextDoneException, withContext threw " +
      "${b.thrown.javaClass.simpleName} <- ${b.cause}; withContextTimeout(5.seconds): Java sees deadline " +
      "${d.deadline} (virtual epoch + 5 s), remaining ${d.remaining}"
  }
}
