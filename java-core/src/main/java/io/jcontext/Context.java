package io.jcontext;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;

/**
 * A Context carries a cancellation signal, a deadline and request-scoped values across API
 * boundaries and between threads, with the semantics of Go's {@code context} package (Go 1.21+).
 *
 * <p>Contexts form a tree. The roots are {@link #background()} and {@link #todo()}; every other
 * context is derived from a parent with {@link #withCancel()}, {@link #withDeadline(Instant)},
 * {@link #withTimeout(Duration)}, {@link #withValue(Key, Object)} or {@link #withoutCancel()}.
 * When a context is cancelled, or its deadline passes, it and all contexts derived from it are
 * done: by the time {@link CancellableContext#cancel()} returns, every descendant built by this
 * library reports {@link #isDone()} and a non-null {@link #err()}.
 *
 * <pre>{@code
 * try (CancellableContext ctx = parent.withTimeout(Duration.ofSeconds(2))) {
 *   return fetch(ctx, url);          // fetch checks ctx.isDone() or blocks with Context.await(ctx, ...)
 * }                                  // close() == cancel(): releases the timer and the registration
 * }</pre>
 *
 * <p><b>Thread safety.</b> Every method of every Context may be called from any number of threads
 * at once. Contexts are immutable except for their transition from live to done, which happens
 * once. Everything a thread did before it cancelled a context happens-before another thread
 * observes that context (or a descendant) as done through {@code isDone()}, {@code err()},
 * {@code done()}, an {@code onDone} callback or an {@code afterFunc} function.
 *
 * <p><b>Implementing Context.</b> Code may implement this interface itself (a "foreign"
 * context), for instance to adapt another framework's cancellation. Such a context can be the
 * parent of library contexts: they join it through {@link #onDone(Runnable)}, never with a
 * watcher thread. An implementation must keep the contract below: {@code err()} is non-null
 * exactly when {@code isDone()} is true, and {@code onDone} callbacks run once it is done.
 *
 * @see CancellableContext
 * @see Key
 * @see Clock
 */
public interface Context {

  /**
   * Returns the root context: never cancelled, without values and without deadline. It is the
   * top of every tree of contexts in main functions, initialisation and tests. Its clock is
   * {@link Clock#system()}. Every call returns the same instance.
   */
  static Context background() {
    return RootCtx.BACKGROUND;
  }

  /**
   * Returns a root context like {@link #background()}, to be used where it is not yet clear
   * which context to use, or where one is not yet available. It is a marker for code that
   * should be given a real context later. Every call returns the same instance.
   */
  static Context todo() {
    return RootCtx.TODO;
  }

  /**
   * Returns a root context like {@link #background()} whose tree runs on {@code clock}: the
   * deadlines of its descendants, {@link #sleep}, timed waits and the lock timeouts of
   * {@code io.jcontext.sync} all read and schedule on that clock. With a
   * {@code io.jcontext.testing.VirtualClock}, timeouts fire only when the test advances it.
   *
   * @throws NullPointerException if {@code clock} is null
   */
  static Context background(Clock clock) {
    Objects.requireNonNull(clock, "clock");
    return clock == Clock.system() ? RootCtx.BACKGROUND : new RootCtx("background", clock);
  }

  /**
   * Returns the time at which this context will be cancelled because its deadline passed, or
   * {@code null} if it has no deadline. Successive calls return equal values. Deadlines are
   * kept in nanoseconds on this context's {@link #clock()}; instants outside what that can
   * represent (before 1678 or after 2262) are clamped to it.
   */
  @Nullable Instant deadline();

  /**
   * Returns {@code null} while this context is live, and once it is done the reason: a
   * {@link ContextCancelledException} if it was cancelled, a {@link DeadlineExceededException} if
   * its deadline (or an ancestor's) passed. A non-null result never changes afterwards, and
   * {@code err() != null} exactly when {@link #isDone()} is true. The exception is created once
   * per cancellation and shared by every descendant it reached; it carries no stack trace, and
   * its {@link Throwable#getCause() cause} is the cause given to the cancellation, if any.
   */
  @Nullable ContextException err();

  /**
   * Returns why this context was cancelled (Go's {@code context.Cause}): {@code null} while it is
   * live; the cause given to {@link CancellableContext#cancel(Throwable)} or to a
   * {@code withDeadline}/{@code withTimeout} with a cause; otherwise {@link #err()} itself. The
   * first cancellation of this context or of an ancestor decides it, and err and cause are
   * always read as one consistent pair.
   */
  default @Nullable Throwable cause() {
    ContextException err = err();
    if (err == null) {
      return null;
    }
    Throwable cause = err.getCause();
    return cause != null ? cause : err;
  }

  /**
   * Returns the value bound to {@code key} by the nearest {@link #withValue} on the path to the
   * root, or {@code null} if there is none. Keys are compared by identity. Lookup is lock-free;
   * values are meant for request-scoped data that crosses API boundaries, not for optional
   * parameters.
   *
   * @throws NullPointerException if {@code key} is null
   */
  <T> @Nullable T value(Key<T> key);

  /**
   * Returns whether this context is done (cancelled or past its deadline): exactly when
   * {@link #err()} is non-null. For the contexts of this library it takes a few volatile reads
   * and allocates nothing: a child that has not yet registered with its parent reads its own
   * state and that of at most a few ancestors. It does not block, except that while another
   * thread is cancelling the subtree below a done context it waits (spinning, no user code runs
   * there) until that subtree is done, so that a context seen done implies that every
   * descendant is done (as in Go, where {@code Err()} takes the mutex the canceller holds).
   */
  boolean isDone();

  /**
   * Returns a stage that completes normally (with {@code null}) when this context is done. Every
   * call on one context returns the same instance. For the contexts of this library the stage is
   * complete exactly when {@link #err()} is non-null: once a thread sees {@code err()} non-null,
   * {@code done().toCompletableFuture()} is complete and a dependent added then runs at once on
   * the calling thread. Dependents added while the context was live run after the cancellation
   * has closed the whole subtree, on the cancelling thread (or the clock's timer thread), like
   * {@link #onDone} callbacks, so they must be short too. The stage is read-only (it is not a
   * {@link java.util.concurrent.CompletableFuture}; the futures that {@code toCompletableFuture()}
   * and the dependent methods return are the caller's own) and never completes for a context
   * that can never be cancelled.
   */
  CompletionStage<@Nullable Void> done();

  /**
   * Registers {@code callback} to run once, when this context is done. This is the hook through
   * which any implementation can join a tree of contexts without a thread.
   *
   * <p>If the context is already done the callback runs on the calling thread before this method
   * returns. Otherwise it runs on the thread that cancels the context (inside
   * {@link CancellableContext#cancel()}, or on the clock's timer thread for a deadline), after
   * {@link #err()} is set. Callbacks must therefore be short and must not block; use
   * {@link #afterFunc(Runnable)} for work. An exception thrown by a callback is passed to the
   * running thread's uncaught-exception handler; the remaining callbacks still run and the
   * cancellation completes.
   *
   * <p>The returned {@link Stop} removes the registration in constant time: {@code stop()}
   * returns {@code true} if it prevented the callback from ever running. After {@code stop()} or
   * after the callback ran, the context retains no reference to the callback. A context that can
   * never be cancelled retains nothing at all.
   *
   * @throws NullPointerException if {@code callback} is null
   */
  Stop onDone(Runnable callback);

  /**
   * Returns the clock this context's tree reads time from and schedules its timers on: the one
   * given to {@link #background(Clock)} at its root, {@link Clock#system()} by default.
   */
  default Clock clock() {
    return Clock.system();
  }

  // ---------------------------------------------------------------------------------------
  // Derivations
  // ---------------------------------------------------------------------------------------

  /**
   * Returns a cancellable child of this context (Go's {@code WithCancel}/{@code
   * WithCancelCause}). The child is done when it is cancelled or when this context is done,
   * whichever happens first; if this context is already done the child is returned done, with
   * this context's err and cause. Cancel it as soon as the work it governs is finished
   * (try-with-resources does that): until then the parent keeps a reference to it.
   *
   * <pre>{@code
   * try (CancellableContext ctx = parent.withCancel()) {
   *   group.start(ctx);
   * }
   * }</pre>
   */
  default CancellableContext withCancel() {
    return CancelCtx.withCancel(this);
  }

  /**
   * Returns a cancellable child whose deadline is {@code deadline}; equivalent to
   * {@link #withDeadline(Instant, Throwable) withDeadline(deadline, null)}.
   */
  default CancellableContext withDeadline(Instant deadline) {
    return TimerCtx.withDeadline(this, deadline, null);
  }

  /**
   * Returns a cancellable child that is done, with a {@link DeadlineExceededException} whose
   * cause is {@code cause} (or none if null), once {@code deadline} passes on this context's
   * clock (Go's {@code WithDeadlineCause}).
   *
   * <p>If this context's deadline is already earlier, the result is a plain {@link #withCancel()}
   * child: it reports the earlier deadline and {@code cause} is not used. If {@code deadline}
   * has already passed, the child is returned done with {@code DeadlineExceededException} (unless
   * this context is already done, whose err then wins) and no timer is created. Cancelling the
   * child never records {@code cause}: only the deadline does.
   *
   * @throws NullPointerException if {@code deadline} is null
   */
  default CancellableContext withDeadline(Instant deadline, @Nullable Throwable cause) {
    return TimerCtx.withDeadline(this, deadline, cause);
  }

  /**
   * Returns {@link #withDeadline(Instant) withDeadline(now + timeout)} on this context's clock.
   * Zero and negative timeouts give a context that is already past its deadline (as in Go, so
   * that a remaining budget computed by subtraction needs no special case); timeouts too large to
   * represent are clamped and never wrap around.
   *
   * @throws NullPointerException if {@code timeout} is null
   */
  default CancellableContext withTimeout(Duration timeout) {
    return TimerCtx.withTimeout(this, timeout, null);
  }

  /**
   * Returns {@link #withDeadline(Instant, Throwable) withDeadline(now + timeout, cause)}; see
   * {@link #withTimeout(Duration)} for zero, negative and huge timeouts.
   *
   * @throws NullPointerException if {@code timeout} is null
   */
  default CancellableContext withTimeout(Duration timeout, @Nullable Throwable cause) {
    return TimerCtx.withTimeout(this, timeout, cause);
  }

  /**
   * Returns a child that binds {@code key} to {@code value} and otherwise behaves exactly like
   * this context (done when it is done, same deadline and clock). A {@code null} value is allowed
   * and hides a binding of the same key further up. Value contexts are immutable; lookups walk
   * the chain without locks.
   *
   * <pre>{@code
   * static final Key<String> REQUEST_ID = Key.of("requestId", String.class);
   * Context ctx = parent.withValue(REQUEST_ID, "r-42");
   * }</pre>
   *
   * @throws NullPointerException if {@code key} is null
   * @throws ClassCastException if {@code key} has a type and {@code value} is not an instance of it
   */
  default <T> Context withValue(Key<T> key, @Nullable T value) {
    return ValueCtx.withValue(this, key, value);
  }

  /**
   * Returns a child that keeps this context's values and clock but is never cancelled and has no
   * deadline, even when this context is (Go's {@code WithoutCancel}): for work that must outlive
   * the request that started it, such as an audit log write. Its {@code err()} and
   * {@code cause()} are always {@code null}.
   */
  default Context withoutCancel() {
    return WithoutCancelCtx.of(this);
  }

  /**
   * Arranges for {@code action} to run on its own thread after this context is done; equivalent
   * to {@link #afterFunc(Runnable, Executor) afterFunc(action, TaskExecutors.forContext(this))}
   * (a thread of the context's bubble for a context of a {@code io.jcontext.testing.Bubble}).
   */
  default Stop afterFunc(Runnable action) {
    return AfterFunc.register(this, action, TaskExecutors.forContext(this));
  }

  /**
   * Arranges for {@code action} to be handed to {@code executor} once this context is done (Go's
   * {@code AfterFunc}); immediately if it already is. The action never runs inside the call that
   * cancels the context. Several registrations on one context are independent.
   *
   * <p>The returned {@link Stop} unregisters it: {@code stop()} returns {@code true} if it
   * prevented the action from running, {@code false} if the action was already handed to the
   * executor or {@code stop()} was called before. It does not wait for a running action. On a
   * context that can never be cancelled nothing is registered, and only the first {@code stop()}
   * returns true. If the executor rejects the action, the rejection is reported to the
   * cancelling thread's uncaught-exception handler.
   *
   * @throws NullPointerException if {@code action} or {@code executor} is null
   */
  default Stop afterFunc(Runnable action, Executor executor) {
    return AfterFunc.register(this, action, executor);
  }

  // ---------------------------------------------------------------------------------------
  // Blocking helpers
  // ---------------------------------------------------------------------------------------

  /**
   * Throws {@link #err()} if this context is done; returns otherwise. The check for long loops:
   * <pre>{@code
   * for (Item item : items) {
   *   ctx.throwIfDone();
   *   process(item);
   * }
   * }</pre>
   *
   * @throws ContextException if this context is done
   */
  default void throwIfDone() {
    ContextException err = err();
    if (err != null) {
      throw err;
    }
  }

  /**
   * Blocks until this context is done. A context that can never be cancelled blocks until the
   * thread is interrupted. Leaves no registration behind however it returns.
   *
   * @throws InterruptedException if the thread is interrupted while waiting (the interrupt status
   *     is cleared, as with {@link Object#wait()})
   */
  default void awaitDone() throws InterruptedException {
    Waits.awaitDone(this, null);
  }

  /**
   * Blocks until this context is done or {@code timeout} has elapsed on this context's
   * {@linkplain #clock() clock}, and returns whether it is done. A zero or negative timeout only
   * polls.
   *
   * @throws InterruptedException if the thread is interrupted while waiting
   * @throws NullPointerException if {@code timeout} is null
   */
  default boolean awaitDone(Duration timeout) throws InterruptedException {
    Objects.requireNonNull(timeout, "timeout");
    return Waits.awaitDone(this, timeout);
  }

  /**
   * Returns how long remains until this context's deadline on its clock (negative once it has
   * passed), or {@code null} if it has no deadline: the budget to hand to the next hop of a
   * request.
   */
  default @Nullable Duration remaining() {
    Instant deadline = deadline();
    if (deadline == null) {
      return null;
    }
    return Duration.ofNanos(Nanos.saturatedSubtract(Nanos.ofInstant(deadline), clock().nanoTime()));
  }

  /**
   * Blocks for {@code duration} on {@code ctx}'s clock, or until {@code ctx} is done, whichever is
   * first (Go's {@code select { case <-time.After(d): case <-ctx.Done(): }}). Zero or negative
   * durations return at once unless {@code ctx} is already done.
   *
   * @throws ContextException {@code ctx.err()} if {@code ctx} is or becomes done first
   * @throws InterruptedException if the thread is interrupted while sleeping
   */
  static void sleep(Context ctx, Duration duration) throws InterruptedException {
    Waits.sleep(ctx, duration);
  }

  /**
   * Waits for {@code stage} to complete or {@code ctx} to be done, whichever is first, like a Go
   * {@code select} over a result channel and {@code ctx.Done()}. If {@code ctx} ends first the
   * stage is left alone (it may be shared with other waiters); use {@link #awaitAndCancel} to
   * cancel a stage you own. If both are complete, the stage's result wins.
   *
   * @return the stage's value
   * @throws ContextException {@code ctx.err()} if {@code ctx} is done first
   * @throws ExecutionException if the stage completed exceptionally (its cause is the exception)
   * @throws java.util.concurrent.CancellationException if the stage was cancelled
   * @throws InterruptedException if the thread is interrupted while waiting
   */
  static <T extends @Nullable Object> T await(Context ctx, CompletionStage<T> stage)
      throws InterruptedException, ExecutionException {
    return Waits.await(ctx, stage, false);
  }

  /**
   * Like {@link #await(Context, CompletionStage)}, but when {@code ctx} ends first it also cancels
   * {@code stage} (through {@code toCompletableFuture().cancel(false)}) before throwing: for
   * stages owned by the caller alone.
   */
  static <T extends @Nullable Object> T awaitAndCancel(Context ctx, CompletionStage<T> stage)
      throws InterruptedException, ExecutionException {
    return Waits.await(ctx, stage, true);
  }
}
