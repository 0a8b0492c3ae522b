package io.jcontext.kotlin

import io.jcontext.Clock
import io.jcontext.Context
import io.jcontext.Stop
import java.util.concurrent.CompletionException
import java.util.concurrent.CompletionStage
import java.util.concurrent.atomic.AtomicReference
import kotlin.coroutines.resume
import kotlin.coroutines.resumeWithException
import kotlin.time.Duration
import kotlinx.coroutines.CancellableContinuation
import kotlinx.coroutines.suspendCancellableCoroutine

/*
 * Implementation overview: suspending forms of the blocking helpers of Context.
 *
 * Each wait is one suspendCancellableCoroutine whose continuation sits in a one-shot holder
 * (Once): the first of "ctx done", "timer fired", "stage completed" or "coroutine cancelled"
 * takes it. Registrations made through onDone and Clock.schedule are stopped however the wait
 * ends, so nothing stays registered on a long-lived context. A CompletionStage dependent cannot be
 * removed, so the one left on a shared stage holds only the emptied holder, not the coroutine.
 */

/**
 * Suspends until [ctx] is done (Go's `<-ctx.Done()`); returns at once if it already is. (A
 * top-level function: `Context.awaitDone()` is the blocking Java member.) Cancellable: if the
 * coroutine is cancelled first, this throws its `CancellationException` and leaves no
 * registration on [ctx]. A context that can never be done suspends until the coroutine is
 * cancelled.
 */
public suspend fun awaitDone(ctx: Context) {
  if (ctx.isDone) return
  suspendCancellableCoroutine { cont ->
    val once = Once(cont)
    val reg = ctx.onDone { once.take()?.resume(Unit) }
    cont.invokeOnCancellation { once.clear(); reg.stop() }
  }
}

/**
 * Suspends for [duration] on [ctx]'s clock, or until [ctx] is done, whichever comes first (Go's
 * `select { case <-time.After(d): case <-ctx.Done(): }`). The clock is the context tree's: inside
 * `runTest` with a context from the bridge, that is virtual time and nothing waits for real.
 * Zero or negative durations return at once unless [ctx] is done.
 *
 * @throws io.jcontext.ContextException `ctx.err()` if [ctx] is or becomes done first
 */
public suspend fun sleep(ctx: Context, duration: Duration) {
  ctx.err()?.let { throw it }
  if (!duration.isPositive()) return
  val clock = ctx.clock()
  // Resumed with true when ctx is done; the error is thrown here, after resumption, so the shared
  // ContextException reaches the caller as is (not a stack-trace-recovery copy).
  val ctxDone = suspendCancellableCoroutine { cont ->
    val once = Once(cont)
    val reg = ctx.onDone { once.take()?.resume(true) }
    val deadline = Clock.deadlineAfter(clock.nanoTime(), duration.inWholeNanoseconds)
    val timer: Stop = clock.schedule(deadline) { once.take()?.resume(false) }
    cont.invokeOnCancellation { once.clear(); reg.stop(); timer.stop() }
    // Whichever fires first stops the other (stop() is idempotent); if one already fired during
    // registration, stop both now.
    once.onTaken = { reg.stop(); timer.stop() }
    if (once.isTaken) { reg.stop(); timer.stop() }
  }
  if (ctxDone) throw ctx.err()!!
}

/**
 * Suspends until [stage] completes or [ctx] is done, whichever comes first, like a Go `select`
 * over a result channel and `ctx.Done()`, and returns the stage's value (throws its exception,
 * unwrapped from [CompletionException]). If [ctx] ends first this throws `ctx.err()` and leaves
 * the stage alone: it may be shared. Cancelling the coroutine does not cancel the stage either.
 * If both are complete when called, the stage wins.
 */
public suspend fun <T> await(ctx: Context, stage: CompletionStage<T>): T {
  val future = stage.toCompletableFuture()
  if (future.isDone) return getNow(future)
  ctx.err()?.let { throw it }
  // Resumed with CTX_DONE when ctx ends first; thrown after resumption so the caller gets the
  // shared ContextException itself.
  val result: Any? = suspendCancellableCoroutine { cont ->
    val once = Once(cont)
    stage.whenComplete { value, error ->
      val c = once.take() ?: return@whenComplete
      if (error == null) c.resume(value) else c.resumeWithException(unwrap(error))
    }
    val reg = ctx.onDone { once.take()?.resume(CTX_DONE) }
    once.onTaken = { reg.stop() }
    if (once.isTaken) reg.stop()
    cont.invokeOnCancellation { once.clear(); reg.stop() }
  }
  if (result === CTX_DONE) throw ctx.err()!!
  @Suppress("UNCHECKED_CAST")
  return result as T
}

private val CTX_DONE = Any()

private fun <T> getNow(future: java.util.concurrent.CompletableFuture<T>): T =
  try {
    future.join()
  } catch (e: CompletionException) {
    throw unwrap(e)
  }

private fun unwrap(e: Throwable): Throwable = if (e is CompletionException && e.cause != null) e.cause!! else e


/**
 * A continuation that at most one event may take. [take] returns it to the first caller only
 * (then runs [onTaken]); [clear] drops it so a registration that cannot be removed (a stage
 * dependent) retains nothing but this small object.
 */
internal class Once<T>(cont: CancellableContinuation<T>) {
  /** The waiting continuation; null once taken or cleared. */
  private val ref = AtomicReference<CancellableContinuation<T>?>(cont)

  /** Cleanup to run after a successful [take]; set once, right after registration. */
  @Volatile var onTaken: (() -> Unit)? = null

  fun take(): CancellableContinuation<T>? {
    val c = ref.getAndSet(null) ?: return null
    onTaken?.invoke()
    return c
  }

  val isTaken: Boolean get() = ref.get() == null

  fun clear() {
    ref.set(null)
  }
}
