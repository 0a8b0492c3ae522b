package io.jcontext.consumer.kotlin

import io.jcontext.Context
import io.jcontext.kotlin.ContextDoneException
import io.jcontext.kotlin.currentContext
import io.jcontext.kotlin.launch
import io.jcontext.kotlin.sync.withPermitsSuspending
import io.jcontext.kotlin.withContext
import io.jcontext.sync.Semaphore
import kotlinx.coroutines.CoroutineStart
import kotlinx.coroutines.awaitCancellation
import kotlinx.coroutines.runBlocking

/** A user's Kotlin program: binds a context to coroutines both ways and uses a suspending lock. */
fun main(): Unit = runBlocking {
  val root = Context.background()

  // The context ends first: the bound coroutine is cancelled with ContextDoneException.
  root.withCancel().use { ctx ->
    var seen: Throwable? = null
    val job = launch(ctx, start = CoroutineStart.UNDISPATCHED) { // runs to awaitCancellation at once
      try {
        awaitCancellation()
      } catch (e: ContextDoneException) {
        seen = e
        throw e
      }
    }
    ctx.cancel()
    job.join()
    check(job.isCancelled && seen is ContextDoneException) { "context cancel reached the coroutine: $seen" }
  }

  // Inside withContext(ctx) the coroutine's own context is a live child; err() is nullable.
  val message: String = root.withCancel().use { ctx ->
    withContext(ctx) { currentContext().err()?.message ?: "live" }
  }
  check(message == "live") { message }

  val permits = Semaphore.create(2)
  val held = permits.withPermitsSuspending(root, 2) { permits.availablePermits() }
  check(held == 0L && permits.availablePermits() == 2L) { "permits: $held, ${permits.availablePermits()}" }

  println("consumer-it kotlin (bridge): OK")
}
