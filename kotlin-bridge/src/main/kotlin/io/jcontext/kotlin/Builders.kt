package io.jcontext.kotlin

import io.jcontext.CancellableContext
import io.jcontext.Context
import io.jcontext.DeadlineExceededException
import java.time.Instant
import java.util.concurrent.atomic.AtomicBoolean
import kotlin.coroutines.CoroutineContext
import kotlin.coroutines.EmptyCoroutineContext
import kotlin.time.Duration
import kotlin.time.toJavaDuration
import kotlinx.coroutines.AbstractCoroutine
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.CoroutineStart
import kotlinx.coroutines.Deferred
import kotlinx.coroutines.ExperimentalCoroutinesApi
import kotlinx.coroutines.InternalCoroutinesApi
import kotlinx.coroutines.Job
import kotlinx.coroutines.handleCoroutineException
import kotlinx.coroutines.job
import kotlinx.coroutines.newCoroutineContext
import kotlinx.coroutines.async as kxAsync
import kotlinx.coroutines.withContext as kxWithContext

/*
 * Implementation overview: binding a jcontext Context to a coroutine's Job, both ways.
 *
 * Each bound coroutine gets its own context `own = ctx.withCancel()`, installed as a bound
 * ContextElement whose owner is the coroutine's Job: currentContext() returns own there; its
 * children, which inherit the element but have Jobs of their own, get their own child of own
 * (JobContexts). Three links:
 *  - Context -> Job: one `own.onDone` callback. own is done when ctx is (deadline, cancel), and
 *    the callback cancels the Job with a ContextDoneException wrapping own.err() (the ctx's
 *    ContextException; never copied by stack-trace recovery; isTimeout() tells a deadline).
 *  - Job -> Context, promptly: a hook kotlinx runs exactly once, synchronously, when the Job
 *    starts cancelling (cancel(), a failing child or body, a cancelled parent), before it tells
 *    its children, with the root cause; or, if the Job never cancels, when it completes normally,
 *    with null, after its children (the moment a plain invokeOnCompletion handler runs). The hook
 *    marks the binding over and cancels own with the Job's cause (unwrapped by jobCause) or none.
 *  - Release: that same own.cancel(). own unlinks itself from ctx in O(1), and it is the only
 *    registration a bound coroutine makes on ctx; own's onDone callback then runs, sees `over`
 *    and does nothing (no exception is made). Nothing needs stopping, and the release happens
 *    when cancelling begins, or when the Job completes normally: never later than completion.
 *
 * The hook, per builder:
 *  - launch: the coroutine is our own AbstractCoroutine subclass (BoundCoroutine, as
 *    kotlinx's StandaloneCoroutine is), and the hook is its onCancelling
 *    override; the coroutine is also own's onDone callback. So the binding costs no object, no
 *    Job handler node and no wrapper lambda: the Job keeps kotlinx's fast completion path. It is
 *    in force from construction, before the body starts, whatever the CoroutineStart: an
 *    UNDISPATCHED body is bound from its first line, a coroutine cancelled before it ran still
 *    releases own. The onDone callback is registered before start: if own is already done, the
 *    coroutine is cancelled and started DEFAULT, so the body does not run.
 *  - withContext and async: kotlinx's scoped coroutine and Deferred are not ours (implementing
 *    Deferred is closed to inheritance), so the hook is a Job handler, a JobBinding registered
 *    with `invokeOnCompletion(onCancelling = true, invokeImmediately = true)`, which kotlinx
 *    calls at exactly the moments above: at the start of the block, and for async also right
 *    after the builder returns (whichever is first), so a body that never runs still releases
 *    own. The binding is also own's onDone callback. It costs one object and one handler node
 *    more than a BoundCoroutine; only launch, the hot builder, gets the subclass.
 *
 * The internal API, a deliberate choice. Both hooks are kotlinx.coroutines 1.11.0 internals:
 * AbstractCoroutine, CoroutineStart.invoke and handleCoroutineException are
 * @InternalCoroutinesApi (AbstractCoroutine is kotlinx's base for coroutine builders, used by
 * its own integration modules), JobSupport.onCancelling is "unstable" (@suppress), newCoroutineContext is @ExperimentalCoroutinesApi, and the
 * invokeOnCompletion(onCancelling = true) overload is @InternalCoroutinesApi ("kept for
 * preserving compatibility"). Each use opts in locally. The public invokeOnCompletion fires only after the children
 * complete, so the public way to see cancelling is a probe child Job plus a walk of
 * job.children and a second handler for the release: a bound launch then cost 2.2x / 4.6x a
 * plain undispatched one in CPU time on JDK 17 / 25, against 1.46x / 2.5x now (BENCHMARKS.md,
 * "Kotlin bridge, launch with a ctx"). Risk: a kotlinx release may
 * change when these hooks run or drop them. OnCancellingContractSpec pins every property relied
 * on (the moment, the cause, exactly once, null on normal completion after the children, at
 * once when registered late, before a LAZY start) for both hooks, so an upgrade that changes them
 * fails that spec; the fallback is the probe child Job.
 */

/**
 * Calls [block] in a coroutine bound to [ctx] (optionally with extra [context] elements, e.g. a
 * dispatcher) and returns its result, like kotlinx's `withContext`.
 *
 * Contract:
 * - Inside, [currentContext] is a child of [ctx]: values and deadline come from [ctx].
 * - When [ctx] is done (cancelled or past its deadline) the block is cancelled with a
 *   [ContextDoneException] whose cause is `ctx.err()`: a [io.jcontext.ContextCancelledException],
 *   or a [DeadlineExceededException] (`isTimeout()`) for a deadline, itself carrying the ctx's
 *   cause. This function then throws that `ctx.err()`, as kotlinx's `withTimeout` throws its own
 *   exception (a `CancellationException`: uncaught, it ends the caller quietly).
 * - When the coroutine is cancelled (by its parent, by a failing child, ...), the context seen
 *   inside is cancelled at once, before children finish, with the Job's exception as cause (a
 *   failure, not kotlinx's wrapper around it).
 * - If [ctx] is already done, [block] does not run and `ctx.err()` is thrown.
 * - When this returns or throws, every registration it made on [ctx] is gone and the inner
 *   context is cancelled (as Go's `defer cancel()`).
 */
public suspend fun <T> withContext(
  ctx: Context,
  context: CoroutineContext = EmptyCoroutineContext,
  block: suspend CoroutineScope.() -> T,
): T {
  val own = ctx.withCancel()
  val element = ContextElement(own, bound = true)
  val binding = JobBinding(own, element)
  try {
    return kxWithContext(context + element) {
      binding.enter(coroutineContext.job)
      block()
    }
  } catch (e: ContextDoneException) {
    // Our own context ended the block: hand the caller the context's exception itself.
    throw if (e.err === own.err()) e.err else e
  } finally {
    // The binding has released own when the block's Job completed or began cancelling; this
    // covers a block that never ran (the caller was cancelled already). A no-op otherwise.
    own.cancel()
  }
}

/**
 * Launches a coroutine bound to [ctx], as kotlinx's `launch`, with the contract of [withContext]:
 * [ctx] done cancels it with a [ContextDoneException] around `ctx.err()`; its cancellation
 * cancels the [currentContext] seen inside at once (from the body's first line, whatever
 * [start]); when the Job begins cancelling, or completes normally, its registration on [ctx] is
 * removed (for a normal completion, as the Job turns complete, before its completion handlers
 * run and before a suspended `join()`/`await()` resumes; a thread that reads `isCompleted` may
 * for a moment still see it). If
 * [ctx] is already done, the body does not run (even with [CoroutineStart.ATOMIC] or
 * [CoroutineStart.UNDISPATCHED]) and the Job completes cancelled with a [ContextDoneException].
 * Uncaught exceptions are handled as by kotlinx's `launch`.
 */
@OptIn(ExperimentalCoroutinesApi::class, InternalCoroutinesApi::class)
public fun CoroutineScope.launch(
  ctx: Context,
  context: CoroutineContext = EmptyCoroutineContext,
  start: CoroutineStart = CoroutineStart.DEFAULT,
  block: suspend CoroutineScope.() -> Unit,
): Job {
  val own = ctx.withCancel()
  val element = ContextElement(own, bound = true)
  val newContext = newCoroutineContext(context + element)
  val coroutine = if (start.isLazy) {
    LazyBoundStandaloneCoroutine(newContext, own, block)
  } else {
    BoundStandaloneCoroutine(newContext, own, active = true)
  }
  element.owner = coroutine // before the body can run
  coroutine.startBound(start, block)
  return coroutine
}

/**
 * [async] bound to [ctx]: the contract of [launch], with a result (exceptions go to
 * [Deferred.await]). The Deferred is kotlinx's own; the binding is a Job handler (see the
 * overview), attached by the body's first line and by this builder, whichever comes first.
 */
public fun <T> CoroutineScope.async(
  ctx: Context,
  context: CoroutineContext = EmptyCoroutineContext,
  start: CoroutineStart = CoroutineStart.DEFAULT,
  block: suspend CoroutineScope.() -> T,
): Deferred<T> {
  val own = ctx.withCancel()
  val element = ContextElement(own, bound = true)
  val binding = JobBinding(own, element)
  val deferred = kxAsync(context + element, start) {
    binding.enter(coroutineContext.job)
    block()
  }
  binding.attach(deferred) // a body that never runs (cancelled first, LAZY) still releases own
  return deferred
}

/**
 * Runs [block] under a child of the [currentContext] whose deadline is [deadline] (Go's
 * `WithDeadlineCause`), bound as [withContext]. Java code called inside sees it as `deadline()`;
 * at the deadline the block is cancelled and this throws the [DeadlineExceededException] (its
 * cause is [cause]). An earlier deadline already in force stays in force. The deadline follows
 * the context's clock: inside `runTest` that is virtual time.
 */
public suspend fun <T> withDeadline(
  deadline: Instant,
  cause: Throwable? = null,
  block: suspend CoroutineScope.() -> T,
): T {
  val child = currentContext().withDeadline(deadline, cause)
  return try {
    withContext(child, EmptyCoroutineContext, block)
  } finally {
    child.cancel()
  }
}

/**
 * [withDeadline] at now + [timeout] on the current context's clock (Go's `WithTimeoutCause`):
 * `withContextTimeout(5.seconds) { … }` throws [DeadlineExceededException] if the block has not
 * finished after 5 s (virtual seconds inside `runTest`). Zero or negative: already expired.
 * Named so as not to clash with kotlinx's `withTimeout`, which knows nothing of jcontext.
 */
public suspend fun <T> withContextTimeout(
  timeout: Duration,
  cause: Throwable? = null,
  block: suspend CoroutineScope.() -> T,
): T {
  val child = currentContext().withTimeout(timeout.toJavaDuration(), cause)
  return try {
    withContext(child, EmptyCoroutineContext, block)
  } finally {
    child.cancel()
  }
}
