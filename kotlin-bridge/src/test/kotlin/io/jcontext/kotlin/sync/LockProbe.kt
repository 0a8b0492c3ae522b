package io.jcontext.kotlin.sync

/** Test access to the locks' package-private `waiters()` (queued waiters, O(n) snapshot). */
internal fun waitersOf(lock: Any): Int =
  lock.javaClass.getDeclaredMethod("waiters").apply { isAccessible = true }.invoke(lock) as Int

/** Test access to `Mutex.starving()`. */
internal fun starvingOf(lock: Any): Boolean =
  lock.javaClass.getDeclaredMethod("starving").apply { isAccessible = true }.invoke(lock) as Boolean
