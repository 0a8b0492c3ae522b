package io.jcontext.kotlin

import io.jcontext.Context
import kotlin.coroutines.AbstractCoroutineContextElement
import kotlin.coroutines.CoroutineContext
import kotlinx.coroutines.ThreadContextElement

/**
 * An optional thread-local "current context" for Java code that cannot take a `Context`
 * parameter. Install it in a coroutine with [asThreadContextElement]:
 *
 * ```kotlin
 * withContext(ctx) {
 *   withContext(currentContext().asThreadContextElement()) { legacyJavaCall() }
 * }
 * ```
 *
 * and read it from Java with `ThreadLocalContext.current()`. Passing the context explicitly is
 * always preferable; this is a bridge for code that cannot.
 */
public object ThreadLocalContext {
  private val current = ThreadLocal<Context?>()

  /** Returns the context installed on this thread, or [Context.background] if there is none. */
  @JvmStatic
  public fun current(): Context = current.get() ?: Context.background()

  /** Returns the context installed on this thread, or null. */
  @JvmStatic
  public fun currentOrNull(): Context? = current.get()

  internal fun swap(ctx: Context?): Context? {
    val old = current.get()
    if (ctx == null) current.remove() else current.set(ctx)
    return old
  }
}

/**
 * Returns a [ThreadContextElement] that makes this context [ThreadLocalContext.current] on
 * whichever thread runs the coroutine, and puts back what was there when the coroutine suspends.
 *
 * Restoring sets exactly the value saved by the matching update and never asserts a strict
 * stack order, so the out-of-order restores of some kotlinx versions (1.11.0 #4754) and
 * undispatched hand-offs cannot make it throw; at worst the thread keeps the previous value a
 * moment longer. Thread-safe: one element may serve many coroutines at once.
 */
public fun Context.asThreadContextElement(): CoroutineContext.Element = ThreadLocalElement(this)

private class ThreadLocalElement(private val ctx: Context) :
  AbstractCoroutineContextElement(Key), ThreadContextElement<Context?> {

  companion object Key : CoroutineContext.Key<ThreadLocalElement>

  override fun updateThreadContext(context: CoroutineContext): Context? = ThreadLocalContext.swap(ctx)

  override fun restoreThreadContext(context: CoroutineContext, oldState: Context?) {
    ThreadLocalContext.swap(oldState)
  }

  override fun toString(): String = "ThreadLocalContext($ctx)"
}
