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
 *   <li>Waiters are served in FIFO order and handed what they wait for directly; nothing barges
 *       past a queued waiter. The uncontended path is one CAS and allocates nothing.
 *   <li>Misuse (unlocking an unlocked lock, releasing more than is held, weights below 1) throws
 *       and changes nothing.
 * </ul>
 */
package io.jcontext.sync;
