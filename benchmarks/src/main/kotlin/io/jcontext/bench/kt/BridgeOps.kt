package io.jcontext.bench.kt

import io.jcontext.Context
import io.jcontext.kotlin.asCoroutineContext
import io.jcontext.kotlin.currentContext
import io.jcontext.kotlin.launch
import io.jcontext.kotlin.sync.acquireSuspending
import io.jcontext.kotlin.sync.lockSuspending
import io.jcontext.sync.Mutex as JcMutex
import io.jcontext.sync.Semaphore as JcSemaphore
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.sync.Semaphore
import kotlinx.coroutines.CoroutineStart
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.yield
import kotlinx.coroutines.sync.Mutex

/**
 * Suspending Kotlin-bridge calls for `io.jcontext.bench.kotlin.BridgeBenchmark`: each call runs
 * [BATCH] operations in one `runBlocking`, so the event-loop set-up is shared by the batch (the
 * benchmark declares `@OperationsPerInvocation(BATCH)`). The peers are driven the same way.
 */
object BridgeOps {
  const val BATCH: Int = 1000

  // ---- jcontext Mutex (suspending form) vs kotlinx Mutex, suspending lock() ----

  /** [BATCH] times: `lockSuspending(ctx)`, increment, `unlock()` on a jcontext [JcMutex]. */
  @JvmStatic
  fun contextMutexLoop(mutex: JcMutex, ctx: Context, counter: KxSync.Counter): Long = runBlocking {
    var last = 0L
    repeat(BATCH) {
      mutex.lockSuspending(ctx)
      try {
        last = ++counter.value
      } finally {
        mutex.unlock()
      }
    }
    last
  }

  /** [BATCH] times: `lock()`, increment, `unlock()` on a kotlinx [Mutex] (same loop as above). */
  @JvmStatic
  fun kotlinxMutexLoop(mutex: Mutex, counter: KxSync.Counter): Long = runBlocking {
    var last = 0L
    repeat(BATCH) {
      mutex.lock()
      try {
        last = ++counter.value
      } finally {
        mutex.unlock()
      }
    }
    last
  }

  // ---- jcontext Semaphore (suspending form) vs kotlinx Semaphore, uncontended ----

  /** [BATCH] times: `acquireSuspending(ctx, 1)`, increment, `release(1)`. */
  @JvmStatic
  fun contextSemaphoreLoop(sem: JcSemaphore, ctx: Context, counter: KxSync.Counter): Long = runBlocking {
    var last = 0L
    repeat(BATCH) {
      sem.acquireSuspending(ctx, 1)
      try {
        last = ++counter.value
      } finally {
        sem.release(1)
      }
    }
    last
  }

  /** [BATCH] times: `acquire()`, increment, `release()` on a kotlinx [Semaphore]. */
  @JvmStatic
  fun kotlinxSemaphoreLoop(sem: Semaphore, counter: KxSync.Counter): Long = runBlocking {
    var last = 0L
    repeat(BATCH) {
      sem.acquire()
      try {
        last = ++counter.value
      } finally {
        sem.release()
      }
    }
    last
  }

  // ---- 2 coroutines on Dispatchers.Default sharing one lock: BATCH lock/unlock each ----

  @JvmStatic
  fun contextMutexContended(mutex: JcMutex, ctx: Context, counter: KxSync.Counter): Long = runBlocking {
    repeat(2) {
      launch(Dispatchers.Default) {
        repeat(BATCH) {
          mutex.lockSuspending(ctx)
          try {
            ++counter.value
          } finally {
            mutex.unlock()
          }
        }
      }
    }
    counter.value
  }

  @JvmStatic
  fun kotlinxMutexContended(mutex: Mutex, counter: KxSync.Counter): Long = runBlocking {
    repeat(2) {
      launch(Dispatchers.Default) {
        repeat(BATCH) {
          mutex.lock()
          try {
            ++counter.value
          } finally {
            mutex.unlock()
          }
        }
      }
    }
    counter.value
  }

  // ---- 2 coroutines on runBlocking's one thread, a yield() inside the lock: every lock is a
  // hand-off (the other coroutine waits in line when the holder unlocks), so this measures the
  // suspend / hand-off / resume path itself, without the scheduling luck of Dispatchers.Default ----

  @JvmStatic
  fun contextMutexHandOff(mutex: JcMutex, ctx: Context, counter: KxSync.Counter): Long = runBlocking {
    repeat(2) {
      launch {
        repeat(BATCH) {
          mutex.lockSuspending(ctx)
          try {
            yield()
            ++counter.value
          } finally {
            mutex.unlock()
          }
        }
      }
    }
    counter.value
  }

  @JvmStatic
  fun kotlinxMutexHandOff(mutex: Mutex, counter: KxSync.Counter): Long = runBlocking {
    repeat(2) {
      launch {
        repeat(BATCH) {
          mutex.lock()
          try {
            yield()
            ++counter.value
          } finally {
            mutex.unlock()
          }
        }
      }
    }
    counter.value
  }

  // ---- launch with a jcontext element vs plain launch, each joined ----
  // `undispatched`: CoroutineStart.UNDISPATCHED, the empty body runs and completes inside
  // launch(), join() takes its fast path: the cost of building, starting and completing the
  // coroutine (plus, for the bridge, binding it). `dispatched`: CoroutineStart.DEFAULT on
  // runBlocking's event loop: each launch is queued, join() suspends, the loop runs the child and
  // resumes the parent.

  @JvmStatic
  fun launchPlain(undispatched: Boolean): Int = runBlocking {
    val start = if (undispatched) CoroutineStart.UNDISPATCHED else CoroutineStart.DEFAULT
    var done = 0
    repeat(BATCH) {
      launch(start = start) { done++ }.join()
    }
    done
  }

  /** `launch(ctx.asCoroutineContext())`: the element is carried as is, nothing bound. */
  @JvmStatic
  fun launchCarried(ctx: Context, undispatched: Boolean): Int = runBlocking {
    val start = if (undispatched) CoroutineStart.UNDISPATCHED else CoroutineStart.DEFAULT
    val element = ctx.asCoroutineContext()
    var done = 0
    repeat(BATCH) {
      launch(element, start) { done++ }.join()
    }
    done
  }

  /** Same, but a new element per launch (what `launch(ctx.asCoroutineContext())` in a loop does). */
  @JvmStatic
  fun launchCarriedNewElement(ctx: Context, undispatched: Boolean): Int = runBlocking {
    val start = if (undispatched) CoroutineStart.UNDISPATCHED else CoroutineStart.DEFAULT
    var done = 0
    repeat(BATCH) {
      launch(ctx.asCoroutineContext(), start) { done++ }.join()
    }
    done
  }

  /** The bridge's `launch(ctx)`: a child ctx bound to the Job both ways, released on completion. */
  @JvmStatic
  fun launchBound(ctx: Context, undispatched: Boolean): Int = runBlocking {
    val start = if (undispatched) CoroutineStart.UNDISPATCHED else CoroutineStart.DEFAULT
    var done = 0
    repeat(BATCH) {
      launch(ctx, start = start) { done++ }.join()
    }
    done
  }

  // ---- the first currentContext() in a plain coroutine -------------------------------------
  // Each is launchPlain/launchCarried (UNDISPATCHED or DEFAULT) whose body also calls
  // currentContext() once: the difference to its peer is the cost of making the coroutine's own
  // context (child of the inherited one, registered on the Job) and releasing it at completion.

  /** `launch { currentContext() }` with no element: a child of `Context.background()`. */
  @JvmStatic
  fun launchPlainCurrentContext(undispatched: Boolean): Int = runBlocking {
    val start = if (undispatched) CoroutineStart.UNDISPATCHED else CoroutineStart.DEFAULT
    var done = 0
    repeat(BATCH) {
      launch(start = start) { if (!currentContext().isDone) done++ }.join()
    }
    done
  }

  /** `launch(ctx.asCoroutineContext()) { currentContext() }`: a child of the live carried [ctx]. */
  @JvmStatic
  fun launchCarriedCurrentContext(ctx: Context, undispatched: Boolean): Int = runBlocking {
    val start = if (undispatched) CoroutineStart.UNDISPATCHED else CoroutineStart.DEFAULT
    val element = ctx.asCoroutineContext()
    var done = 0
    repeat(BATCH) {
      launch(element, start) { if (!currentContext().isDone) done++ }.join()
    }
    done
  }

  /** The peer of [launchPlainCurrentContext] with a body of the same shape but no bridge call. */
  @JvmStatic
  fun launchPlainBody(undispatched: Boolean): Int = runBlocking {
    val start = if (undispatched) CoroutineStart.UNDISPATCHED else CoroutineStart.DEFAULT
    var done = 0
    val root = Context.background()
    repeat(BATCH) {
      launch(start = start) { if (!root.isDone) done++ }.join()
    }
    done
  }
}
