package io.jcontext.kotlin

import io.jcontext.Context
import io.jcontext.Key
import kotlin.coroutines.AbstractCoroutineContextElement
import kotlin.coroutines.CoroutineContext
import kotlinx.coroutines.currentCoroutineContext

/**
 * The [CoroutineContext.Element] that carries a jcontext [Context] into a coroutine.
 *
 * There are two ways to get one into a coroutine:
 * - **bound** (recommended): [withContext], [launch] and [async] taking a jcontext `Context`
 *   install an element whose [context] is a fresh child of the given one, tied to the coroutine's
 *   `Job` both ways (see [withContext] for the exact contract);
 * - **carried**: `launch(ctx.asCoroutineContext())` or `withContext(ctx.asCoroutineContext())`
 *   with the plain kotlinx builders install [context] as is. It carries values and the deadline,
 *   and [currentContext] derives from it, but nothing cancels the coroutine when `ctx` is done.
 *
 * The element is immutable and may be shared between coroutines. Children inherit it like any
 * other element; a nested element replaces the outer one (the inner `Context` is the one the code
 * sees, as when a Go function is handed a derived `ctx`).
 *
 * @property context the jcontext context code inside the coroutine sees through [currentContext].
 */
public class ContextElement internal constructor(
  public val context: Context,
  /** True when [context] is owned by, and cancelled with, the coroutine that installed it. */
  internal val bound: Boolean,
) : AbstractCoroutineContextElement(Key) {

  /** The key of [ContextElement] in a [CoroutineContext]. */
  public companion object Key : CoroutineContext.Key<ContextElement>

  override fun toString(): String = "ContextElement(${if (bound) "bound" else "carried"}, $context)"
}

/**
 * Returns an element that carries this context as is: `launch(ctx.asCoroutineContext()) {}`.
 * Values and the deadline travel with it; cancellation does not (use the [withContext], [launch]
 * or [async] overloads that take a `Context` to bind the coroutine's `Job` both ways).
 */
public fun Context.asCoroutineContext(): ContextElement = ContextElement(this, bound = false)

/**
 * Returns the jcontext [Context] of the calling coroutine, for passing to Java code.
 *
 * - Inside [withContext]/[launch]/[async] with a `Context`: that coroutine's own context, a child
 *   of the given one. It is cancelled as soon as the coroutine's `Job` starts cancelling (before
 *   its children finish) with the Job's exception as cause, and when the coroutine completes.
 * - With only a carried element ([asCoroutineContext]) or no element at all: a context derived
 *   from the element's context (or a root) and the coroutine's `Job`; it is done once that Job has
 *   *completed* (normally or not), which, for a cancelled Job, is after its body and its children
 *   have finished. Prefer the bound forms when blocking Java code must see cancellation promptly.
 *   The root is [Context.background], or, inside `runTest` (kotest `coroutineTestScope`), a root
 *   whose clock is the test's virtual time (see `io.jcontext.kotlin.test`).
 *
 * One coroutine gets the same instance on every call.
 */
public suspend fun currentContext(): Context = contextOf(currentCoroutineContext())

/**
 * Returns the value bound to [key] in the [currentContext] (Go's `ctx.Value(key)`), or null.
 */
public suspend fun <T> contextValue(key: Key<T>): T? = currentContext().value(key)

/** `ctx[key]`: the value bound to [key] in this context, or null. */
public operator fun <T> Context.get(key: Key<T>): T? = value(key)

internal fun contextOf(coroutineContext: CoroutineContext): Context {
  val element = coroutineContext[ContextElement]
  if (element != null && element.bound) {
    return element.context
  }
  return JobContexts.derive(coroutineContext, element?.context)
}
