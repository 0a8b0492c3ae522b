/**
 * Go's {@code context} for Java: cancellation, deadlines and request-scoped values that flow
 * through a call tree and across threads.
 *
 * <p>Start from {@link io.jcontext.Context#background()} (or a root on a
 * {@link io.jcontext.Clock}), derive with {@code withCancel}, {@code withTimeout},
 * {@code withDeadline}, {@code withValue} and {@code withoutCancel}, and let callees check
 * {@link io.jcontext.Context#isDone()}, block with {@link io.jcontext.Context#sleep} /
 * {@link io.jcontext.Context#await}, or register with {@link io.jcontext.Context#onDone} and
 * {@link io.jcontext.Context#afterFunc}.
 *
 * <h2>Rules of use</h2>
 * <ul>
 *   <li>Pass a Context explicitly, as the first parameter of every method that needs it,
 *       conventionally named {@code ctx}. Do not store it in a field; pass it to each call.
 *   <li>Never pass {@code null} as a Context: pass {@link io.jcontext.Context#todo()} if you are
 *       unsure which context to use.
 *   <li>Always cancel a {@link io.jcontext.CancellableContext} you created, at the latest when the
 *       work it governs is done: use try-with-resources (Go's {@code defer cancel()}). Until then
 *       its parent keeps a reference to it, and a deadline keeps a timer.
 *   <li>Hand callees a plain {@code Context}, not the {@code CancellableContext}: cancelling is
 *       the creator's decision.
 *   <li>Use values only for request-scoped data that crosses process and API boundaries (request
 *       ids, credentials, trace spans), not for optional parameters. Store immutable values.
 *       Create keys with {@link io.jcontext.Key#of(String, Class)} in a constant that only the
 *       owning code can see.
 *   <li>The same Context may be passed to code running in different threads; every Context is
 *       safe for concurrent use.
 * </ul>
 *
 * <h2>What differs from Go</h2>
 * <ul>
 *   <li>Errors are exceptions: {@code err()} returns a {@link io.jcontext.ContextException}
 *       ({@link io.jcontext.ContextCancelledException} or
 *       {@link io.jcontext.DeadlineExceededException}), which extends
 *       {@link java.util.concurrent.CancellationException}. A new one is made per cancellation
 *       (its {@code getCause()} is the cause) and shared by the descendants it reaches; compare
 *       with {@code instanceof}, not identity.
 *   <li>{@code done()} is a read-only {@link java.util.concurrent.CompletionStage}; a context that
 *       can never be cancelled returns a stage that never completes (Go: a nil channel).
 *   <li>{@code onDone(Runnable)} is the public hook that lets any implementation, including your
 *       own, join a tree without a watcher thread; Go only offers this to {@code AfterFunc}-capable
 *       custom contexts and otherwise spawns a goroutine.
 *   <li>Keys are typed {@link io.jcontext.Key} objects compared by identity, so Go's
 *       "key is not comparable" cannot happen.
 *   <li>Time comes from the tree's {@link io.jcontext.Clock}; tests use
 *       {@link io.jcontext.testing.VirtualClock} instead of sleeping.
 *   <li>Cancellation functions return whether they cancelled; {@code close()} is cancel.
 * </ul>
 *
 * <p><b>Nullness.</b> This package and {@code io.jcontext.sync} and {@code io.jcontext.testing}
 * are {@code @NullMarked} (JSpecify): a parameter or result is never null unless it is annotated
 * {@code @Nullable}, as {@link io.jcontext.Context#err()}, {@link io.jcontext.Context#cause()},
 * {@link io.jcontext.Context#deadline()} and {@link io.jcontext.Context#value(Key)} are. Kotlin
 * reads these annotations, so it sees those results as nullable types rather than platform types.
 */
@NullMarked
package io.jcontext;

import org.jspecify.annotations.NullMarked;
