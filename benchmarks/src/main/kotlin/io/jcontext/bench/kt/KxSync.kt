package io.jcontext.bench.kt

import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.sync.Mutex
import kotlinx.coroutines.sync.Semaphore

/**
 * Suspending kotlinx lock calls for the Java JMH benchmarks: each call runs [BATCH] operations in
 * one `runBlocking`, so the event-loop set-up is shared by the batch (the benchmarks declare
 * `@OperationsPerInvocation(BATCH)`).
 */
object KxSync {
  const val BATCH: Int = 1000

  /** A plain counter guarded by the lock under test. */
  class Counter {
    @JvmField var value: Long = 0
  }

  /** [BATCH] times: lock(), increment, unlock(). Returns the last counter value. */
  @JvmStatic
  fun lockLoop(mutex: Mutex, counter: Counter): Long = runBlocking {
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

  /** [BATCH] times: acquire(), release(). Returns the available permits at the end. */
  @JvmStatic
  fun acquireLoop(semaphore: Semaphore): Int = runBlocking {
    repeat(BATCH) {
      semaphore.acquire()
      semaphore.release()
    }
    semaphore.availablePermits
  }
}
