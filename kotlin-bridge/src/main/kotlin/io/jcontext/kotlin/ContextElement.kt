package io.jcontext.kotlin

import io.jcontext.Context
import io.jcontext.Key
import kotlin.coroutines.AbstractCoroutineContextElement
import kotlin.coroutines.CoroutineContext
import kotlinx.coroutines.Job
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
 *   but nothing cancels the coroutine when `ctx` is done.
 *
 * A carried element is immutable and may be shared between coroutines; a bound one belongs to the
 * coroutine that installed it. Children inherit it like any other element; a nested element
 * replaces the outer one (the inner `Context` is the one the code sees, as when a Go function is
 * handed a derived `ctx`).
 *
 * @property context what [currentContext] returns in the bound coroutine itself; in a coroutine
 *   that only inherits or carries the element, [currentContext] is that coroutine's own child of it.
 */
public class ContextElement internal constructor(
  public val context: Context,
  /** True when [context] is owned by, and cancelled with, the coroutine that installed it. */
  internal val bound: Boolean,
) : AbstractCoroutineContextElement(Key) {
  /**
   * For a bound element, the Job of the coroutine that owns [context]: set once by the builder
   * before the body runs (BoundCoroutine) or by the body's first line (JobBinding). Only that
   * coroutine sees [context] itself; its children derive their own from it.
   */
  @Volatile
  internal var owner: Job? = null

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
 * Every coroutine (each `Job`: a `launch`, `async`, `coroutineScope`, `withContext`,
 * `runBlocking`, ...) has its own context:
 * - inside [withContext]/[launch]/[async] with a `Context`, the context bound to that coroutine, a
 *   child of the given one (see [withContext]);
 * - in any other coroutine, a child of the context it inherited: the element's context (bound by
 *   an enclosing block, or carried with [asCoroutineContext]), or else a root:
 *   [Context.background], or, inside `runTest` (kotest `coroutineTestScope`), a root on the test's
 *   virtual time (see `io.jcontext.kotlin.test`). It is made by the first call in that coroutine.
 *
 * Either way it is cancelled as soon as **that** coroutine's `Job` starts cancelling (by
 * `cancel()`, a failing child or sibling, a cancelled parent, a kotlinx `withTimeout`), before its
 * children finish, with the Job's exception as cause (a failure itself, not kotlinx's wrapper
 * around it); so a blocking Java call on it is woken at once. It is also cancelled (without a
 * cause) when the Job completes normally, and done when its parent context is. Once the Job has
 * completed, the bridge keeps no reference to it and it is registered nowhere.
 *
 * One coroutine gets the same instance on every call, also from its `finally` blocks after it
 * was cancelled. Thread-safe; never suspends.
 */
public suspend fun currentContext(): Context = contextOf(currentCoroutineContext())

/**
 * Returns the value bound to [key] in the [currentContext] (Go's `ctx.Value(key)`), or null.
 */
public suspend fun <T : Any> contextValue(key: Key<T>): T? = currentContext().value(key)

/** `ctx[key]`: the value bound to [key] in this context, or null. */
public operator fun <T : Any> Context.get(key: Key<T>): T? = value(key)

internal fun contextOf(coroutineContext: CoroutineContext): Context {
  val element = coroutineContext[ContextElement]
  val job = coroutineContext[Job]
  if (element != null && element.bound && job != null && element.owner === job) {
    return element.context
  }
  return JobContexts.derive(coroutineContext, job, element?.context)
}
