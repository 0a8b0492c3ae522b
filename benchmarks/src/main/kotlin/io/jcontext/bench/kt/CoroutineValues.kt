package io.jcontext.bench.kt

import kotlin.coroutines.CoroutineContext
import kotlin.coroutines.EmptyCoroutineContext

/** Builds kotlinx coroutine contexts carrying n elements, the Kotlin peer of a chain of values. */
object CoroutineValues {
  /** One element: a value under its own key. */
  class Element(override val key: CoroutineContext.Key<Element>, val value: String) : CoroutineContext.Element

  /** Returns n distinct keys. */
  @JvmStatic
  fun keys(n: Int): Array<CoroutineContext.Key<Element>> =
    Array(n) { object : CoroutineContext.Key<Element> {} }

  /** Returns a context holding one element per key, added in order (value "v" + index). */
  @JvmStatic
  fun chain(keys: Array<CoroutineContext.Key<Element>>): CoroutineContext {
    var ctx: CoroutineContext = EmptyCoroutineContext
    keys.forEachIndexed { i, k -> ctx += Element(k, "v$i") }
    return ctx
  }
}
