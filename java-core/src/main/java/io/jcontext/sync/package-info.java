/**
 * Context-aware synchronization for threads, platform or virtual: locks and a semaphore whose
 * waits give up when a {@link io.jcontext.Context} is done, and an errgroup.
 *
 * <ul>
 *   <li>{@link io.jcontext.sync.Mutex}: {@code lock(ctx)}, {@code tryLock()}, {@code unlock()},
 *       {@code withLock(ctx, action)}.
 *   <li>{@link io.jcontext.sync.RWMutex}: Go's writer-preferring reader/writer lock.
 *   <li>{@link io.jcontext.sync.Semaphore}: weighted, FIFO, Go's {@code x/sync/semaphore}.
 *   <li>{@link io.jcontext.sync.Group}: Go's {@code x/sync/errgroup}, and the structured
 *       {@link io.jcontext.sync.Group#run Group.run(ctx, tasks...)}.
 * </ul>
 *
 * <p>Rules shared by every blocking call here:
 *
 * <ul>
 *   <li>If the context is already done the call throws {@code ctx.err()} at once, even if it
 *       could have succeeded; if it ends during the wait the call throws {@code ctx.err()} (a
 *       {@link io.jcontext.ContextException}, so a {@code CancellationException}) and holds
 *       nothing. Timeouts follow the context tree's clock, so tests drive them with
 *       {@code io.jcontext.testing.VirtualClock}.
 *   <li>A thread interrupted while it waits throws {@link java.lang.InterruptedException} and
 *       leaves the primitive as if it had never waited.
 *   <li>Each lock has one FIFO line, shared by blocked threads and (through
 *       {@link io.jcontext.sync.LockWaiter}) suspended coroutines of the Kotlin bridge, with the
 *       same semantics for both. {@code Semaphore}, {@code RWMutex} and the {@code Group} limit
 *       are strict: waiters are handed what they wait for, nothing barges past them.
 *       {@code Mutex} follows Go's {@code sync.Mutex}: barging, with a hand-off mode once a
 *       waiter has waited over 1 ms. The uncontended path is one CAS and allocates nothing.
 *   <li>No waiter code runs inside {@code unlock}/{@code release}: threads are unparked after
 *       the state is consistent, outside any internal lock; coroutines resume through their
 *       dispatcher.
 *   <li>Misuse (unlocking an unlocked lock, releasing more than is held, weights below 1) throws
 *       and changes nothing.
 * </ul>
 */
@NullMarked
package io.jcontext.sync;

import org.jspecify.annotations.NullMarked;
