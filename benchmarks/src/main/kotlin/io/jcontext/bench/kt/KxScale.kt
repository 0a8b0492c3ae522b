package io.jcontext.bench.kt

import io.jcontext.CancellableContext
import io.jcontext.Context
import java.util.concurrent.atomic.AtomicInteger
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.Job
import kotlinx.coroutines.delay
import kotlinx.coroutines.future.await
import kotlinx.coroutines.joinAll
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.yield

/** Coroutine halves of the scale runs: many coroutines suspended on one cancellation. */
object KxScale {
  /** n coroutines suspended in `job.join()`; returns [cancel() ns, cancel-to-all-resumed ns]. */
  @JvmStatic
  fun wakeJobJoin(n: Int): LongArray {
    val job = Job()
    return wake(n, { job.join() }, { job.cancel() })
  }

  /**
   * n coroutines suspended on a jcontext context through `ctx.done().await()` (kotlinx's
   * CompletionStage bridge, no jcontext Kotlin code); returns the same pair.
   */
  @JvmStatic
  fun wakeContextDone(n: Int): LongArray {
    val ctx: CancellableContext = Context.background().withCancel()
    return wake(n, { ctx.done().await() }, { ctx.cancel() })
  }

  /** n coroutines suspended in the Kotlin bridge's `awaitDone(ctx)`; returns the same pair. */
  @JvmStatic
  fun wakeBridgeAwaitDone(n: Int): LongArray {
    val ctx: CancellableContext = Context.background().withCancel()
    return wake(n, { io.jcontext.kotlin.awaitDone(ctx) }, { ctx.cancel() })
  }

  private fun wake(n: Int, await: suspend () -> Unit, cancel: () -> Unit): LongArray = runBlocking {
    val started = AtomicInteger()
    val resumed = AtomicInteger()
    val waiters = List(n) {
      launch(Dispatchers.Default) {
        started.incrementAndGet()
        await()
        resumed.incrementAndGet()
      }
    }
    while (started.get() < n) {
      delay(10)
    }
    delay(1000) // let the last starters suspend
    yield()
    val t0 = System.nanoTime()
    cancel()
    val t1 = System.nanoTime()
    waiters.joinAll()
    val t2 = System.nanoTime()
    check(resumed.get() == n) { "only ${resumed.get()} of $n resumed" }
    longArrayOf(t1 - t0, t2 - t0)
  }
}
