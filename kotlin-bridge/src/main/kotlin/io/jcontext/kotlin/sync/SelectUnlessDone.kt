package io.jcontext.kotlin.sync

import io.jcontext.Context
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.selects.SelectBuilder
import kotlinx.coroutines.selects.select

/**
 * The context-aware wait of the bridge's locks: a `select` over the [clauses] and [ctx] becoming
 * done. Returns what the chosen clause returns, or `null` if [ctx] was done first. Cancellable
 * like `select`; however it ends, the registration on [ctx] is gone when it returns or throws.
 */
internal suspend fun <R : Any> selectUnlessDone(ctx: Context, clauses: SelectBuilder<R?>.() -> Unit): R? {
  val done = CompletableDeferred<Unit>()
  val reg = ctx.onDone { done.complete(Unit) }
  try {
    return select {
      clauses()
      done.onAwait { null }
    }
  } finally {
    reg.stop()
  }
}
