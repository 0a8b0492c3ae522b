package io.jcontext.sync;

import io.jcontext.Context;
import io.jcontext.Stop;
import io.jcontext.ContextException;
import io.jcontext.internal.Durable;
import io.jcontext.internal.Flight;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The one engine of {@link Semaphore}, {@link Mutex}, {@link RWMutex} and the limit of
 * {@link Group}: a weighted count of permits and one FIFO line of context-aware waiters, which
 * are parked threads or (through {@link LockWaiter}) suspended coroutines, in the same line.
 *
 * <pre>
 * Implementation overview
 *
 * State. One volatile long, {@code state = available << 1 | QUEUED}. QUEUED is set exactly when
 * the line is non-empty. The fast paths are one CAS on it and allocate nothing:
 *   acquire: available >= n and (QUEUED clear or barging)  -->  CAS available -= n
 *   release: QUEUED clear                                   -->  CAS available += n
 * The CAS expects {@code guess}, the state the last successful fast path wrote, before state is
 * read at all: reading state first put a load in front of every CAS, about 0.4 ns per call (15 %
 * of an uncontended acquire + release, in SemaphoreBenchmark), while the guess is right
 * whenever nobody else got in between (an idle semaphore, or one a few holders keep busy). A
 * wrong guess costs one failed compare-and-exchange, whose witness is the state to retry with,
 * so a guess never decides an outcome: tryAcquire fails and release throws only on a state
 * actually read. For size 1 (Mutex) the free and held words are known in advance except for the
 * QUEUED bit, which the guess supplies: lock expects {@code ONE_FREE | q} and unlock {@code q}
 * (held), where q is guess's QUEUED bit, and a fast path that finds the other bit stores the
 * state it saw in guess. Without a line that is one CAS each way, as with constant words; with
 * a line it still is, where constant words made every lock and unlock a failed CAS and then a
 * second one. That case is common: while the first waiter is woken and not yet back (the told
 * unlock, below) a running thread's lock/unlock loop sees QUEUED set, and two threads on one
 * Mutex took 50-58 ns per lock with the failed CAS and 29-31 ns with the guess
 * (MutexContendedBenchmark, 8 forks, JDK 17 and 25). A done check of the context is skipped for
 * background().
 *
 * Mutex unlock by atomic add. When guess says nobody is in line, unlock is {@code getAndAdd} of
 * the permit instead of a CAS (about 0.15 ns less per lock + unlock, which is the whole gap to
 * ReentrantLock's volatile-store unlock). The add's result says what the unlock did:
 *   0        it freed a held mutex; done.
 *   QUEUED   the mutex was held with a line that joined after the guess was read (a waiter that
 *            sets QUEUED also stores it in guess, so an unlock that starts later expects the
 *            line): a CAS takes the mutex back and the unlock goes on as one that expected the
 *            line, so a coroutine first in line is still passed the mutex. Only a newcomer in the
 *            instant between the two atomics can take it first; the line is then served as after
 *            a told unlock.
 *   free     an unlock of an unlocked mutex: a second add takes the permit back, and it throws.
 * Between those two adds available reads 2. That permit does not exist: every path that takes
 * the mutex reads the state through {@code settled}, which waits until available is at most
 * size again (the unlocking thread's next instruction), and a release in that instant finds more
 * than size free and throws (nobody holds the mutex then). So an unlock of an unlocked mutex is
 * refused exactly, as with a CAS, at the cost of a lock racing with it waiting out that instant.
 * A plain store, as ReentrantLock's, could not refuse it: ReentrantLock checks its owner thread,
 * and a Go mutex has no owner.
 *
 * Two policies.
 *  - Strict (Semaphore, RWMutex, Group; x/sync): a fast path needs QUEUED clear, so nobody
 *    barges past a waiter; while QUEUED is set only the holder of {@code lock} writes state.
 *    A release hands permits straight to the head waiters that fit, in order, stopping at the
 *    first that does not fit (head-of-line blocking): GRANTED, unlinked, then woken.
 *  - Barging (Mutex; Go's sync.Mutex). Normal mode: an unlock frees the mutex and wakes the
 *    first waiter (WAITING -> WOKEN; it stays first in line). The woken waiter retries under
 *    {@code lock}; a newcomer may have taken the mutex first (one CAS, even with QUEUED set),
 *    and then the waiter waits again, first in line. Only parked threads ({@code retries}) are
 *    woken to retry: any other waiter (a suspended coroutine) first in line is passed the mutex
 *    by the unlock without freeing it (passOn: one node CAS, and state is written only if the
 *    line empties), so no newcomer can take it in between. A coroutine's resumption must carry
 *    its outcome: a resumed coroutine may be cancelled before it runs again, and then only the
 *    resumption's cancellation hook runs, never a retry. Only when the mutex is freed another
 *    way (a told unlock, a first waiter leaving, an unlock whose add raced with the waiter's
 *    arrival) is a coroutine granted it by a CAS under {@code lock} that a newcomer may beat.
 *    A waiter that has waited over STARVATION_NANOS (1 ms
 *    of System.nanoTime(): starvation is about real scheduling, not the context's clock) when it
 *    fails (its retry, or such a grant, finds the mutex taken) sets {@code starving}. Parked
 *    threads are timed from when they join the line; a coroutine, which every normal-mode unlock
 *    hands the mutex to, only from its first lost race (or from joining in starvation mode), so
 *    System.nanoTime() stays off its hand-off path; an untimed one handed the mutex in
 *    starvation mode ends the mode, like one that waited under 1 ms. Starvation mode: unlock hands the
 *    mutex to the first waiter without freeing it (so no CAS can barge: starving implies
 *    available == 0), and it ends when the waiter handed the mutex waited under 1 ms or the
 *    line is empty. Only one waiter is WOKEN at a time (the first): an unlock finding it WOKEN
 *    wakes nobody. Under barging, state may change by CAS while QUEUED is set, so every write
 *    under {@code lock} is a CAS or an atomic add.
 *
 * Told unlock (Mutex, normal mode). While the first waiter is WOKEN and has not retried
 * ({@code told}), an unlock frees the mutex with one CAS and no lock, and wakes nobody: that
 * waiter's retry will look at the state. A volatile write-then-read on each side ({@code told}
 * cleared then state read in retry; state freed then {@code told} read in releaseOne) ensures
 * that either the retry sees the mutex free or the unlock sees the waiter untold and serves the
 * line. This, with the guessed QUEUED bit (see State), is what keeps a running thread's
 * lock/unlock loop at one CAS each way while a waiter is being woken.
 *
 * Spinning (Mutex, normal mode). Only a parked thread woken to retry spins: it watches the state
 * for SPINS pauses before its retry under {@code lock} and takes the mutex with a barging CAS if
 * it comes free (spinAfterWake; it then unlinks itself under {@code lock}): the holder is usually
 * running and about to unlock, and a retry that loses parks again and costs the next unlock an
 * unpark. A thread that finds the mutex held joins the line at once, without spinning (unlike
 * Go's sync.Mutex, like ReentrantLock): on a mutex that its holder takes back at once (a lock /
 * unlock loop), a spinning newcomer wins a free instant every few microseconds and turns every
 * such instant into a hand-over of the mutex and of the data it guards between two cores, and
 * the holder it overtook then spins in turn, so neither ever parks; measured on 2 CPUs, two
 * threads in such a loop took 3-4x as long per lock as with ReentrantLock. Joining the line
 * instead lets the running holder keep the mutex (and its cache lines) for many iterations, and
 * the woken waiter's bounded spin and the 1 ms starvation rule bound how long a waiter is
 * overtaken. Coroutines do not spin either: the holder they would wait for is often a coroutine
 * resumed on their own thread.
 *
 * Line. A doubly linked list of LockWaiter nodes guarded by {@code lock} (held for a few pointer
 * updates only, never while parking or running user code). A node's state:
 *     WAITING <-> WOKEN (barging only) --grant--> GRANTED   permits are the waiter's
 *        \-------------------------------cancel--> CANCELLED the waiter gets nothing
 * A CAS on the node decides every race between a grant and a cancellation. A releaser takes
 * the permits off state before its grant CAS and gives them back if the CAS loses. Wake-ups
 * ({@link LockWaiter#wake()}: unpark, or resume a continuation) are collected under the lock
 * and made after it is released, so no waiter code runs under it. A cancelled node is unlinked
 * by its owner (or skipped by a releaser meeting it at the head) and the line is re-examined,
 * so a cancelled head lets the waiters behind it in.
 *
 * Context (threads). A thread registers its node with {@code ctx.onDone}; the callback only
 * CASes the node to CANCELLED and unparks. The registration is stopped in a finally.
 *
 * Outcomes (x/sync v0.7.0+). A done ctx fails the call up front, even with free permits. A
 * thread woken GRANTED that then finds ctx done gives the permits back and fails. An interrupt
 * is looked at only when the thread has to wait: one that wins the cancel CAS fails the call
 * with InterruptedException, one that loses is re-asserted on the thread.
 *
 * Memory model. Permits pass from releaser to acquirer through a CAS on state or on the node's
 * state, which the waiter then reads: release happens-before acquire.
 * </pre>
 */
final class PermitQueue {
  /** The largest size: {@code available} must fit beside the QUEUED bit. */
  static final long MAX_SIZE = Long.MAX_VALUE >> 1;
  /** Go's starvationThresholdNs: a waiter kept waiting this long switches a Mutex to hand-off. */
  static final long STARVATION_NANOS = 1_000_000L;
  /**
   * Pauses a parked thread woken to retry spins on a held Mutex before its retry (a few
   * microseconds); none on one processor, where the holder cannot run while we spin.
   */
  static final int SPINS = Runtime.getRuntime().availableProcessors() > 1 ? 100 : 0;
  /**
   * The spin bound in use: SPINS, or 0 in tests whose other threads wait for a waiter to be
   * queued (a model checker cannot tell a bounded spin from a livelock). Read once per wait.
   */
  static volatile int spins = SPINS;

  private static final long QUEUED = 1L;
  /** A size-1 queue that is free with nobody queued: available 1. */
  private static final long ONE_FREE = 1L << 1;
  /** Never done: {@code ctx == BACKGROUND} skips the (possibly megamorphic) isDone() call. */
  private static final Context BACKGROUND = Context.background();
  private static final VarHandle STATE;

  static {
    try {
      STATE = MethodHandles.lookup().findVarHandle(PermitQueue.class, "state", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** Total permits; 0 only for Group's limit 0, where every acquire waits for its ctx. */
  final long size;
  /** Go's sync.Mutex policy (size 1 only); false: x/sync's strict FIFO. */
  final boolean barging;
  /**
   * available << 1 | QUEUED; 0 <= available <= size, except that a Mutex reads available 2
   * while an unlock of the free mutex takes back the permit it added (see settled); QUEUED iff
   * head != null (outside lock).
   */
  private volatile long state;
  /**
   * A value state had: the one the last successful tryAcquire or release CAS wrote, or (size 1)
   * one a lock or unlock fast path saw with the QUEUED bit it did not expect (size << 1 at
   * first). Plain, written by any thread without ordering, so it may be stale or (on a JVM whose
   * long writes tear) a mix of two writes: it is only the expected value of the next fast path's
   * compare-and-exchange, never read as the state. No invariant holds for it.
   */
  private long guess;
  /** Guards head, tail, the node links, starving, and writes of state while QUEUED is set. */
  private final ReentrantLock lock = new ReentrantLock();
  /** First and last waiter in line, or null; guarded by lock. */
  private LockWaiter head;
  private LockWaiter tail;
  /**
   * Barging only: starvation (hand-off) mode. Implies available == 0 and a non-empty line, except
   * in the instant between a told unlock's CAS (or an unlock's add that found a line) and its
   * serving the line (see releaseOne).
   */
  private boolean starving;
  /**
   * Barging only: the first waiter is WOKEN and has not retried yet, so an unlock need not wake
   * anyone. Set under {@code lock} when a waiter is woken; cleared under {@code lock} before that
   * waiter looks at the state again (retry) or leaves the line (unlink). Volatile: an unlock reads
   * it without the lock after freeing the mutex (see releaseOne).
   */
  private volatile boolean told;
  /** The lock this queue serves (Mutex, RWMutex, Semaphore, Group) or null; names it in reports. */
  Object owner;

  PermitQueue(long size) {
    this(size, false);
  }

  PermitQueue(long size, boolean barging) {
    if (barging && size != 1) {
      throw new IllegalArgumentException("barging needs size 1");
    }
    this.size = size;
    this.barging = barging;
    this.state = size << 1;
    this.guess = size << 1;
  }

  /** Returns the permits not held (a snapshot). */
  long available() {
    return state >> 1;
  }

  /** Returns the number of waiters in line (a snapshot, O(n); for tests and toString). */
  int queueLength() {
    lock.lock();
    try {
      int n = 0;
      for (LockWaiter w = head; w != null; w = w.next) {
        n++;
      }
      return n;
    } finally {
      lock.unlock();
    }
  }

  /** Whether the mutex is in starvation mode (a snapshot; for tests). */
  boolean starving() {
    lock.lock();
    try {
      return starving;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Takes {@code n} permits (1 <= n) unless the policy says wait; never blocks. Tries the CAS on
   * {@code guess} first; returns false only on a state it read (or a failed CAS returned).
   */
  boolean tryAcquire(long n) {
    long s = guess;
    boolean read = false;
    for (;;) {
      if ((s >> 1) < n || ((s & QUEUED) != 0 && !barging)) {
        if (read) {
          return false;
        }
        s = state;
        read = true;
        continue;
      }
      long next = s - (n << 1);
      long witness = (long) STATE.compareAndExchange(this, s, next);
      if (witness == s) {
        guess = next;
        return true;
      }
      s = witness;
      read = true;
    }
  }

  /**
   * Takes the one permit of a size-1 queue if it is free (and, strict, nobody waits): one CAS
   * expecting free with guess's QUEUED bit, with no read before it; a second CAS on the state it
   * returned when only that bit was guessed wrong. Like Go's TryLock, it may fail when it loses
   * a race for a mutex that was free an instant before.
   */
  boolean tryAcquireOne() {
    long q = guess & QUEUED;
    long w = (long) STATE.compareAndExchange(this, ONE_FREE | q, q);
    if (w == (ONE_FREE | q)) {
      return true;
    }
    w = settled(w);
    if ((w & QUEUED) != q) {
      guess = w; // the line's bit changed: expect the new one next time
    }
    return (w >> 1) != 0 && (barging || (w & QUEUED) == 0) && STATE.compareAndSet(this, w, w - ONE_FREE);
  }

  /** Takes {@code n} permits (1 <= n), waiting in line until granted or ctx is done. */
  void acquire(Context ctx, long n) throws InterruptedException {
    throwIfDone(ctx);
    if (!tryAcquire(n)) {
      acquireSlow(ctx, n);
    }
  }

  /** {@link #acquire} of the one permit of a size-1 queue: one CAS when it is free. */
  void acquireOne(Context ctx) throws InterruptedException {
    throwIfDone(ctx);
    if (!tryAcquireOne()) {
      acquireSlow(ctx, 1);
    }
  }

  /** Fails an acquisition on a done ctx even with free permits, as x/sync does. */
  private static void throwIfDone(Context ctx) {
    if (ctx != BACKGROUND && ctx.isDone()) {
      throw ctx.err();
    }
  }

  void acquireSlow(Context ctx, long n) throws InterruptedException {
    if (n > size) {
      ctx.awaitDone(); // can never fit: wait for ctx without queueing (blocks nobody else)
      throw ctx.err();
    }
    ThreadWaiter w = new ThreadWaiter();
    w.n = n;
    w.queue = this;
    // The interrupt status is looked at only once the thread must wait (in await), so a
    // pre-interrupted acquire that finds permits on this second look succeeds.
    if (!acquireOrEnqueue(w)) {
      await(ctx, w);
    }
  }

  /**
   * Mutex, a parked thread woken to retry (first in line, told): before it retries under the
   * lock, watches the state for up to {@link #spins} pauses and takes the mutex with a barging
   * CAS if it comes free (the holder is usually running and about to unlock; a retry that loses
   * parks again, and the next unlock must then unpark it). Runs while the thread still counts as
   * running for a bubble. True if the wait is over: took it (GRANTED) or cancelled meanwhile.
   */
  private boolean spinAfterWake(LockWaiter w) {
    for (int i = 0, max = spins; i < max; i++) {
      Thread.onSpinWait();
      if (w.state != LockWaiter.WOKEN) {
        return true; // only the owner sets WOKEN back to WAITING: this is GRANTED or CANCELLED
      }
      long s = state;
      if ((s >> 1) == 1 && STATE.compareAndSet(this, s, s - ONE_FREE)) { // 2: see settled
        lock.lock();
        try {
          if (w.grant()) {
            unlink(w); // it is first in line: this also clears told
          } else {
            STATE.getAndAdd(this, ONE_FREE); // cancelled meanwhile: its owner (us) unlinks and re-examines
          }
        } finally {
          lock.unlock();
        }
        return true;
      }
    }
    return false;
  }

  /** Under the lock: takes the permits if the policy allows, else puts {@code w} in line. */
  boolean acquireOrEnqueue(LockWaiter w) {
    long now = barging && w.retries ? System.nanoTime() : 0L; // a coroutine's clock: see `since`
    long n = w.n;
    lock.lock();
    try {
      for (;;) {
        long s = settled(state);
        boolean queued = (s & QUEUED) != 0;
        if ((!queued || barging) && (s >> 1) >= n) {
          if (STATE.compareAndSet(this, s, s - (n << 1))) {
            if (w.grant()) {
              return true;
            }
            STATE.getAndAdd(this, n << 1); // cancelled before it started: take nothing
            return false;
          }
          continue;
        }
        if (w.state == LockWaiter.CANCELLED) {
          return false; // cancelled before it started: do not join the line
        }
        if (queued) {
          break;
        }
        if (STATE.compareAndSet(this, s, s | QUEUED)) {
          guess = s | QUEUED; // so that the next unlock expects the line (see releaseOne)
          break;
        }
      }
      w.since = now != 0L || !starving ? now : System.nanoTime();
      enqueue(w);
      return false;
    } finally {
      lock.unlock();
    }
  }

  private void await(Context ctx, ThreadWaiter w) throws InterruptedException {
    Durable.Member m = w.member;
    if (m != null) {
      m.block(w, ctx); // a bubble's thread: durably blocked from here (Durable's protocol)
    }
    Object event = Flight.AVAILABLE ? LockWaitEvent.start() : null;
    String outcome = "failed";
    try {
      park(ctx, w);
      outcome = "acquired";
    } catch (InterruptedException e) {
      outcome = "interrupted";
      throw e;
    } catch (ContextException e) {
      outcome = "contextDone";
      throw e;
    } finally {
      if (m != null) {
        m.unblock();
      }
      if (event != null) {
        recordWait(event, w.n, outcome);
      }
    }
  }

  private void park(Context ctx, ThreadWaiter w) throws InterruptedException {
    boolean interruptedFirst = false;
    boolean interruptLost = false;
    Stop reg = null;
    try {
      reg = ctx.onDone(w); // runs w at once if ctx is already done
      for (;;) {
        int st = w.state;
        if (st == LockWaiter.GRANTED || st == LockWaiter.CANCELLED) {
          break;
        }
        if (st == LockWaiter.WOKEN) {
          if (spinAfterWake(w)) {
            continue; // took it (GRANTED), or cancelled meanwhile
          }
          Durable.Member m = w.member;
          if (m != null) {
            // Blocked again before the retry can make it wakeable again: a retry that loses
            // parks once more, and only a later wake-up (which marks it first) makes it runnable.
            m.block(w, ctx);
          }
          retry(w); // took it (GRANTED) or waits again (WAITING), or lost to a cancel
          continue;
        }
        if (Thread.interrupted()) {
          interruptedFirst = w.casCancel();
          interruptLost = !interruptedFirst;
          break;
        }
        LockSupport.park(this);
      }
    } catch (Throwable t) { // e.g. a foreign context's onDone threw: leave as if never queued
      abandon(w);
      throw t;
    } finally {
      if (reg != null) {
        reg.stop();
      }
    }
    if (interruptLost) {
      Thread.currentThread().interrupt(); // the grant or the ctx won; keep the interrupt for later
    }
    if (w.state == LockWaiter.GRANTED && !ctx.isDone()) {
      return;
    }
    abandon(w); // cancelled, or granted as ctx ended: give the permits back and fail (x/sync)
    if (interruptedFirst) {
      throw new InterruptedException();
    }
    throw ctx.err();
  }

  /** Undoes a wait: returns granted permits, or unlinks the cancelled node. */
  private void abandon(LockWaiter w) {
    if (!cancel(w)) {
      release(w.n, 0);
    }
  }

  /** Thread path: true if {@code w} left holding nothing, false if granted. */
  boolean cancel(LockWaiter w) {
    if (!w.casCancel() && w.state == LockWaiter.GRANTED) {
      return false;
    }
    unlinkCancelled(w);
    return true;
  }

  /** Takes a CANCELLED node out of the line (if in it) and lets the line move on. */
  void unlinkCancelled(LockWaiter w) {
    LockWaiter wake = null;
    lock.lock();
    try {
      if (isLinked(w)) {
        unlink(w);
        wake = grantWaiters(); // the removed node may have blocked (or been woken for) the line
      }
    } finally {
      lock.unlock();
    }
    wakeAll(wake);
  }

  /** {@link LockWaiter#retry()}: true if {@code w} holds its permits now. */
  boolean retry(LockWaiter w) {
    if (w.state == LockWaiter.GRANTED) {
      return true;
    }
    lock.lock();
    try {
      if (!w.casState(LockWaiter.WOKEN, LockWaiter.WAITING)) {
        return w.state == LockWaiter.GRANTED; // handed over meanwhile, or cancelled
      }
      told = false; // before the state read below: see releaseOne
      for (;;) {
        long s = settled(state);
        if ((s >> 1) < w.n) {
          break;
        }
        if (STATE.compareAndSet(this, s, s - (w.n << 1))) {
          if (w.grant()) {
            unlink(w);
            return true;
          }
          STATE.getAndAdd(this, w.n << 1); // cancelled meanwhile: its owner unlinks and re-examines
          return false;
        }
      }
      // A newcomer took it first: wait again, first in line.
      if (barging && System.nanoTime() - w.since > STARVATION_NANOS) {
        starving = true; // available is 0 here, and only releaseSlow (under lock) frees it now
      }
      return false;
    } finally {
      lock.unlock();
    }
  }

  /**
   * {@code release(1, 0)} of the Mutex (barging, size 1). When guess says nobody is in line it is
   * one atomic add of the permit, with no read and no compare: held and unqueued is exactly
   * {@code state == 0}, and the add's result tells the three cases apart (held: done; held with
   * a line that joined after the guess was read: take it back and unlock as with a line; free:
   * an unlock of an unlocked mutex, which takes the permit back and throws). When guess says a
   * line is queued, the told unlock's one CAS below.
   */
  void releaseOne() {
    if ((guess & QUEUED) == 0) {
      long w = (long) STATE.getAndAdd(this, ONE_FREE);
      if (w == 0L) {
        return; // it was held with nobody in line: free now
      }
      if ((w >> 1) != 0) {
        // It was free: take the permit back. Until then available reads 2 and every taker waits
        // (settled), so nobody takes it; a release in between sees more than size free and
        // throws, as it would have on the free mutex.
        STATE.getAndAdd(this, -ONE_FREE);
        checkRelease(w >> 1, 1, 0); // throws
      }
      // It was held with a line that joined after the guess was read (an enqueue updates the
      // guess): take the mutex back and unlock it below as with a line, so that a coroutine first
      // in line is passed it (passOn). A newcomer can take it only in the instant between the two
      // atomics; then the mutex was freed as a told unlock frees it, and the line is served.
      guess = w;
      if (!STATE.compareAndSet(this, QUEUED | ONE_FREE, QUEUED)) {
        if (!told) {
          serveLine();
        }
        return;
      }
    }
    // Held with a line whose first waiter was already woken: free the mutex without the lock and
    // leave the rest to that waiter's retry. The retry clears `told` and then reads the state; we
    // free the state and then read `told` (both volatile): if we still see it set, the retry will
    // see the mutex free; if not, the waiter may have decided to wait again before our CAS, so we
    // serve the line as a release would (starvation included: grantWaiters takes a freed mutex
    // back and hands it over).
    if (barging && told && STATE.compareAndSet(this, QUEUED, QUEUED | ONE_FREE)) {
      if (!told) {
        serveLine();
      }
      return;
    }
    release(1, 0);
  }

  /**
   * Mutex: {@code s}, or the state once no unlock of a free mutex is in flight. Such an unlock
   * (releaseOne) adds its permit before it can know the mutex was free and takes it back right
   * after; in between available reads 2, and that permit must not be taken. Every path that takes
   * the mutex looks at the state through this. The wait is that unlock's next instruction, unless
   * its thread is descheduled in between (then this yields).
   */
  private long settled(long s) {
    for (int spins = 0; (s >> 1) > size; spins++) {
      if (spins < 64) {
        Thread.onSpinWait();
      } else {
        Thread.yield();
      }
      s = state;
    }
    return s;
  }

  /** After permits were freed without the lock: lets the line take them. */
  private void serveLine() {
    LockWaiter wake;
    lock.lock();
    try {
      wake = grantWaiters();
    } finally {
      lock.unlock();
    }
    wakeAll(wake);
  }

  /**
   * Returns {@code n} permits and hands them to the waiters in line. Throws, changing nothing, if
   * fewer than {@code n} are held or fewer than {@code minAvailable} are available.
   */
  void release(long n, long minAvailable) {
    long s = guess; // see tryAcquire: nothing is refused on a guess
    boolean read = false;
    for (;;) {
      long available = s >> 1;
      if ((s & QUEUED) == 0 && n <= size - available && available >= minAvailable) {
        long next = s + (n << 1);
        long witness = (long) STATE.compareAndExchange(this, s, next);
        if (witness == s) {
          guess = next;
          return;
        }
        s = witness;
        read = true;
      } else if (!read) {
        s = state;
        read = true;
      } else {
        checkRelease(available, n, minAvailable); // throws, changing nothing, if invalid
        releaseSlow(n, minAvailable);
        return;
      }
    }
  }

  private void releaseSlow(long n, long minAvailable) {
    LockWaiter wake;
    lock.lock();
    try {
      if (starving) {
        checkRelease(state >> 1, n, minAvailable);
        wake = handOff();
        if (wake == null) {
          free(n, minAvailable); // nobody left to hand it to
        }
      } else if (!barging || (wake = passOn()) == null) {
        free(n, minAvailable);
        wake = grantWaiters();
      }
    } finally {
      lock.unlock();
    }
    wakeAll(wake);
  }

  /**
   * Mutex in normal mode, under the lock, on unlock: if the first live waiter is one that is
   * woken only with a grant (not a parked thread), passes the held mutex straight to it, which
   * never frees it (a newcomer may take a free mutex, but none is free here) and leaves state
   * alone unless the line empties. Returns that waiter, or null to free the mutex and serve the
   * line as usual (a parked thread first in line, or nobody left).
   */
  private LockWaiter passOn() {
    checkRelease(state >> 1, 1, 0); // held: while QUEUED is set only we can free it
    LockWaiter w;
    while ((w = head) != null && !w.retries) {
      boolean granted = w.grant(); // false: cancelled, its owner unlinks it too (idempotent)
      unlink(w);
      if (granted) {
        return w;
      }
    }
    return null;
  }

  private void free(long n, long minAvailable) {
    for (;;) {
      long s = state;
      checkRelease(s >> 1, n, minAvailable);
      if (STATE.compareAndSet(this, s, s + (n << 1))) {
        return;
      }
    }
  }

  private void checkRelease(long available, long n, long minAvailable) {
    if (n > size - available || available < minAvailable) {
      throw new IllegalStateException(
          "released " + n + " permit(s) but only " + (size - available) + " of " + size + " are held");
    }
  }

  /**
   * Under the lock: serves the line after permits were freed or a node left. Strict: grants head
   * waiters while they fit and returns them chained through {@code next}. Barging: wakes the
   * first waiter if the mutex is free (or hands it over when starving). Returns the nodes to
   * wake once the lock is released, or null.
   */
  private LockWaiter grantWaiters() {
    if (barging) {
      if (starving) {
        return (state >> 1) == 0 ? null : handOffFree();
      }
      LockWaiter w;
      while ((w = head) != null) {
        int st = w.state;
        if (st == LockWaiter.CANCELLED) {
          unlink(w);
          continue;
        }
        if (st == LockWaiter.WOKEN) {
          return null; // already told: its retry takes the mutex or waits again
        }
        long s = settled(state);
        if ((s >> 1) == 0) {
          if (!w.retries) { // a granted-on-wake waiter lost to a newcomer
            long now = System.nanoTime();
            if (w.since == 0L) {
              w.since = now; // its clock starts at its first lost race
            } else if (now - w.since > STARVATION_NANOS) {
              starving = true;
            }
          }
          return null; // held again: its unlock will serve the line
        }
        if (!w.retries) {
          // Not a parked thread: hand it the free mutex, so its wake-up carries the grant (see
          // the overview); a newcomer can barge only before this CAS.
          if (STATE.compareAndSet(this, s, s - ONE_FREE)) {
            if (w.grant()) {
              unlink(w);
              return w;
            }
            STATE.getAndAdd(this, ONE_FREE); // cancelled meanwhile: unlinked on the next pass
          }
          continue;
        }
        if (w.casState(LockWaiter.WAITING, LockWaiter.WOKEN)) {
          told = true;
          return w; // stays first in line; its retry takes the mutex or waits again
        }
      }
      return null;
    }
    LockWaiter first = null;
    LockWaiter last = null;
    LockWaiter w;
    while ((w = head) != null) {
      long s = state; // QUEUED is set and strict: only we write it
      if (w.state != LockWaiter.CANCELLED && (s >> 1) < w.n) {
        break; // head-of-line blocking: nobody overtakes a waiter that does not fit yet
      }
      boolean granted = false;
      if ((s >> 1) >= w.n) {
        // Take the permits before the grant CAS: the waiter may run (and release) at once.
        STATE.setVolatile(this, s - (w.n << 1));
        granted = w.grant();
        if (!granted) {
          STATE.setVolatile(this, s); // cancelled meanwhile: undo
        }
      }
      unlink(w); // last: it may clear QUEUED, after which fast paths touch state again
      if (granted) {
        if (last == null) {
          first = w;
        } else {
          last.next = w;
        }
        last = w;
      }
    }
    return first;
  }

  /** Starving, mutex free (a node left while nobody held it): take it back and hand it over. */
  private LockWaiter handOffFree() {
    for (;;) {
      long s = settled(state);
      if ((s >> 1) == 0) {
        return null; // taken meanwhile (a newcomer in the instant of a told unlock): its unlock hands over
      }
      if (STATE.compareAndSet(this, s, s - ONE_FREE)) {
        break;
      }
    }
    LockWaiter w = handOff();
    if (w == null) {
      STATE.getAndAdd(this, ONE_FREE);
    }
    return w;
  }

  /**
   * Starvation mode, under the lock, with the mutex held by the caller: hands it to the first
   * live waiter (it stays held) and ends the mode if that waiter waited under 1 ms or was the
   * last. Returns the waiter to wake, or null (line empty, mode ended) if nobody took it.
   */
  private LockWaiter handOff() {
    LockWaiter w;
    while ((w = head) != null) {
      boolean granted = w.grant();
      unlink(w);
      if (granted) {
        if (head == null || w.since == 0L || System.nanoTime() - w.since < STARVATION_NANOS) {
          starving = false;
        }
        return w;
      }
    }
    starving = false;
    return null;
  }

  /** After the lock is released: wakes what grantWaiters/handOff returned. */
  private void wakeAll(LockWaiter w) {
    if (w == null) {
      return;
    }
    if (barging) {
      w.wake(); // one node; if WOKEN it is still linked, so its next is a line link, not a chain
      return;
    }
    while (w != null) {
      LockWaiter nx = w.next; // granted nodes are unlinked: next chains the wake-ups
      w.next = null;
      w.wake();
      w = nx;
    }
  }

  private boolean isLinked(LockWaiter w) {
    return w.prev != null || head == w;
  }

  private void enqueue(LockWaiter w) {
    w.prev = tail;
    w.next = null;
    if (tail == null) {
      head = w;
    } else {
      tail.next = w;
    }
    tail = w;
  }

  private void unlink(LockWaiter w) {
    if (barging && w == head) {
      told = false; // only the first waiter is ever told
    }
    LockWaiter p = w.prev;
    LockWaiter nx = w.next;
    if (p == null) {
      head = nx;
    } else {
      p.next = nx;
    }
    if (nx == null) {
      tail = p;
    } else {
      nx.prev = p;
    }
    w.prev = null;
    w.next = null;
    if (head == null) {
      starving = false;
      STATE.getAndBitwiseAnd(this, ~QUEUED);
    }
  }

  /** A parked thread in line; also its ctx's onDone callback. */
  private static final class ThreadWaiter extends LockWaiter implements Runnable {
    final Thread thread = Thread.currentThread();
    /** The thread's bubble member, or null outside a bubble (io.jcontext.internal.Durable). */
    final Durable.Member member = Durable.current();

    ThreadWaiter() {
      retries = true;
    }

    @Override
    protected void wake() {
      Durable.Member m = member;
      if (m != null) {
        m.wake(); // runnable for the bubble before it can run
      }
      LockSupport.unpark(thread);
    }

    /** The context is done: cancel unless already granted, and wake the thread. */
    @Override
    public void run() {
      if (casCancel()) {
        Durable.Member m = member;
        if (m != null) {
          m.wake();
        }
        LockSupport.unpark(thread);
      }
    }

    /** Names the lock and the acquisition; only for a bubble's deadlock report. */
    @Override
    public String toString() {
      PermitQueue q = queue;
      return q == null ? "lock wait" : q.describe(n);
    }
  }

  /** Describes an acquisition of {@code n} permits of this queue, for a bubble's deadlock report. */
  String describe(long n) {
    Object o = owner;
    Object which = o == null ? this : o;
    String op = (o == null ? "Semaphore" : o.getClass().getSimpleName()) + "." + operation(n);
    if (o instanceof Group) {
      op += " (limit slot)";
    } else if (!(o instanceof Mutex) && !(o instanceof RWMutex)) {
      op += "(" + n + ")";
    }
    String id = which.getClass().getSimpleName() + "@" + Integer.toHexString(System.identityHashCode(which));
    return op + " on " + id + (o == null ? "" : " " + o);
  }

  /** Ends and commits the LockWait event {@code event} of a wait for {@code n} permits of this queue. */
  void recordWait(Object event, long n, String outcome) {
    if (LockWaitEvent.finish(event)) {
      LockWaitEvent.write(event, owner == null ? this : owner, operation(n), n == RWMutex.WRITER ? 1 : n, outcome);
    }
  }

  /** The method that takes {@code n} permits of this queue: lock, rLock, acquire or go. */
  String operation(long n) {
    Object o = owner;
    if (o instanceof RWMutex) {
      return n == RWMutex.WRITER ? "lock" : "rLock";
    } else if (o instanceof Mutex) {
      return "lock";
    } else if (o instanceof Group) {
      return "go";
    }
    return "acquire";
  }
}
