package io.jcontext.bench.kt

import io.jcontext.Context
import io.jcontext.kotlin.sync.lockSuspending
import io.jcontext.sync.Mutex as JcMutex
import java.lang.management.ManagementFactory
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.CoroutineStart
import kotlinx.coroutines.Job
import kotlinx.coroutines.channels.Channel
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.selects.select
import kotlinx.coroutines.suspendCancellableCoroutine
import kotlinx.coroutines.sync.Mutex

/**
 * Bytes allocated per suspended lock waiter, beyond a coroutine suspended on a bare
 * `suspendCancellableCoroutine` (the baseline: coroutine + continuation), measured with the
 * thread's allocation counter while [N] coroutines are launched UNDISPATCHED on one thread and
 * suspend on a held lock:
 *
 * - `jcontext`: the jcontext Mutex's `lockSuspending(Context.background())`;
 * - `channelSelect`: the design alternative, each waiter receiving its grant from its own
 *   rendezvous channel in a `select` with a done signal (a `CompletableDeferred`);
 * - `kotlinx`: kotlinx's `Mutex.lock()`.
 *
 * `java -cp benchmarks.jar io.jcontext.bench.kt.WaiterFootprint` (via `benchmarks/run.sh`'s jar).
 */
object WaiterFootprint {
  private const val N = 20_000

  private fun allocated(): Long =
    (ManagementFactory.getThreadMXBean() as com.sun.management.ThreadMXBean).currentThreadAllocatedBytes

  private fun perWaiter(setUp: () -> Unit = {}, wait: suspend () -> Unit): Double = runBlocking {
    setUp()
    val jobs = ArrayList<Job>(N)
    repeat(100) { launch(start = CoroutineStart.UNDISPATCHED) { wait() }.cancel() } // warm the paths
    val before = allocated()
    repeat(N) { jobs += launch(start = CoroutineStart.UNDISPATCHED) { wait() } }
    val after = allocated()
    jobs.forEach { it.cancel() }
    (after - before - N * 8L /* the ArrayList slots */).toDouble() / N
  }

  @JvmStatic
  fun main(args: Array<String>) {
    repeat(2) { round ->
      val baseline = perWaiter { suspendCancellableCoroutine<Unit> { } }
      val jc = JcMutex.create().also { it.tryLock() }
      val jcontext = perWaiter { jc.lockSuspending(Context.background()) }
      val done = CompletableDeferred<Unit>()
      val channelSelect = perWaiter {
        val grant = Channel<Unit>()
        select<Unit> {
          grant.onReceive { }
          done.onAwait { }
        }
      }
      val kx = Mutex(locked = true)
      val kotlinx = perWaiter { kx.lock() }
      if (round == 1) {
        println("bytes per suspended waiter (baseline coroutine + continuation: %.0f B)".format(baseline))
        println("  jcontext Mutex.lockSuspending : %+.0f B beyond the baseline".format(jcontext - baseline))
        println("  channel + select per waiter   : %+.0f B beyond the baseline".format(channelSelect - baseline))
        println("  kotlinx Mutex.lock            : %+.0f B beyond the baseline".format(kotlinx - baseline))
      }
    }
  }
}
