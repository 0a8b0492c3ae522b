package io.jcontext;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * {@link Clock#system()}: epoch time from the wall clock at start-up advanced by
 * {@link System#nanoTime()}, and one shared daemon timer thread that runs every task.
 *
 * <pre>
 * Implementation overview
 *
 * The timers live in a {@link TimerQueue}: schedule pushes an entry on its lock-free stack (one
 * CAS), stop nulls the entry's task (one getAndSet), and the timer thread alone orders live
 * entries in a heap and runs the due ones. Nothing is locked and no caller scans a queue.
 *
 *   schedule: push; wake the timer thread only if the entry is due before the thread's planned
 *             wake-up ({@code wakeAt}), or, while it parks, every WAKE_EVERY pushes so that
 *             stopped entries do not pile up; every PACE_EVERY pushes, pace the caller (below).
 *             A thread seen in a pass (wakeAt is Long.MIN_VALUE) is not unparked: it re-reads
 *             the stack before it parks, and an unpark would only wake a task that blocks it (a
 *             spurious wake-up in user code, and a moment of RUNNABLE that pacing would mistake
 *             for work). Only a caller that read wakeAt just before the thread woke can still
 *             unpark it in a pass; that leaves one permit, taken by the next park.
 *   thread:   loop { busySince = now; runDue(now) } until nothing is due and nothing was pushed,
 *             then publish wakeAt, re-check the stack, and park until the time runDue gave: the
 *             earliest live deadline, or earlier the queue's horizon (the earliest future
 *             deadline of a timer stopped before the thread ordered it; see TimerQueue). So a
 *             caller that creates and stops timers of the same length, one after another, does
 *             not wake the thread: each new deadline is after the horizon.
 *
 * A lost wake-up is impossible: the thread publishes wakeAt and then re-reads the stack before
 * parking, while a caller pushes and then reads wakeAt (both volatile), so one of them sees
 * the other.
 *
 * Pacing (back-pressure). The timer thread does a fixed amount of work per timer (take, maybe
 * order, run), but it is one thread among the callers' threads: when callers create timers
 * faster than its share of the CPUs can take them, it falls behind without bound (measured:
 * 4 creators on 2 cores at 3.5 M timers/s fired 10 ms deadlines 9 s late and queued 840 MiB).
 * So the callers are paced by the one thing that matters, how long the thread has owed work
 * ({@code busySince}): since the start of its current pass, or, while it parks, since the time
 * it should have woken (its planned wake-up, or earlier when a caller wakes it for an earlier
 * deadline or a full stack). A pass takes everything pushed before it and runs everything due
 * when it starts, so a timer is late by at most about two passes plus the time the thread waits
 * for a CPU after a wake-up. Every PACE_EVERY-th push (its depth on the stack tells which; no
 * counter is shared) reads {@code busySince}; if the thread has owed work for more than
 * {@code behindNanos}, the caller parks until that changes, for at most {@code maxPauseNanos}.
 * Parked callers hand their CPU to the timer thread, which catches up; at most about
 * PACE_EVERY more timers are added after the first caller sees the lag. Pacing only helps a
 * thread that wants a CPU: while a task blocks the timer thread inside a pass (a contract
 * violation; its state is not RUNNABLE) callers are not paced, and every pause is bounded, so a
 * task that keeps the thread busy slows callers down but never stops them. The timer thread
 * never paces itself (a task may schedule timers). Below the
 * limit the cost is one volatile read and one clock read every PACE_EVERY schedules, and a CAS
 * on the rare schedule that wakes the thread.
 *
 * Why not let callers fire due timers ("helping")? The tasks are context cancellations, which
 * run user onDone callbacks on the cancelling thread: helping would run them on whatever thread
 * happens to call withTimeout, inside that call. Pacing keeps the contract simple (every task
 * runs on the timer thread) and is enough, because the timer thread's work per timer is a small
 * part of a caller's; a timing wheel would cut that part further but needs the same pacing when
 * callers outrun it.
 *
 * Invariants:
 *   - {@code busySince} is the start of the current pass while the thread works; while it parks,
 *     its planned wake-up (IDLE = Long.MAX_VALUE if none) or an earlier time a waking caller set.
 *     Only the thread raises it; callers only lower it (CAS).
 *   - {@code wakeAt} is Long.MIN_VALUE while the thread works (no caller needs to wake it).
 *   - {@code thread} is set once, by the first schedule(); the thread never exits.
 * </pre>
 */
final class SystemClock implements Clock {
  static final SystemClock INSTANCE = new SystemClock("jcontext-timer", TimeUnit.MILLISECONDS.toNanos(3),
      TimeUnit.MILLISECONDS.toNanos(50));

  /** Every this many pushes without a drain, the timer thread is woken to drop stopped entries. */
  private static final int WAKE_EVERY = 1024;
  /** Every this many pushes without a drain, the pushing caller checks whether the thread is behind. */
  static final int PACE_EVERY = 256;
  /** {@code busySince} while the timer thread owes no work (nothing pending). */
  private static final long IDLE = Long.MAX_VALUE;
  /** How long a pacing caller parks before it re-checks the timer thread. */
  private static final long PACE_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

  private static final VarHandle THREAD;
  private static final VarHandle BUSY_SINCE;

  static {
    try {
      MethodHandles.Lookup l = MethodHandles.lookup();
      THREAD = l.findVarHandle(SystemClock.class, "thread", Thread.class);
      BUSY_SINCE = l.findVarHandle(SystemClock.class, "busySince", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final String threadName;
  /** A caller is paced when the timer thread's current pass is older than this. */
  private final long behindNanos;
  /** The longest one pacing pause lasts, whether or not the thread caught up. */
  private final long maxPauseNanos;
  /** Epoch nanos minus System.nanoTime() at start-up; fixed, so nanoTime() is monotonic. */
  private final long offset;
  private final TimerQueue queue = new TimerQueue();
  /** When the timer thread plans to wake up (clock nanos); Long.MIN_VALUE while it is busy. */
  private volatile long wakeAt = Long.MIN_VALUE;
  /**
   * Since when the timer thread owes work: the start of its current pass, or while it parks the
   * time it must wake up (lowered by callers that wake it earlier); IDLE if it owes none.
   */
  private volatile long busySince = IDLE;
  /** The timer thread; started by the first schedule(). */
  private volatile Thread thread;
  /** Pacing pauses so far (tests and diagnostics); racy increments are fine. */
  private volatile long pauses;
  /** Times schedule() unparked the timer thread (tests); racy increments are fine. */
  private volatile long wakeUps;

  /** A clock with its own daemon timer thread named {@code threadName}; the library has one, tests make more. */
  SystemClock(String threadName, long behindNanos, long maxPauseNanos) {
    this.threadName = threadName;
    this.behindNanos = behindNanos;
    this.maxPauseNanos = maxPauseNanos;
    long wallNanos = Math.multiplyExact(System.currentTimeMillis(), 1_000_000L);
    offset = wallNanos - System.nanoTime();
  }

  @Override
  public long nanoTime() {
    return System.nanoTime() + offset;
  }

  @Override
  public Stop schedule(long deadline, Runnable task) {
    TimerQueue.Entry e = queue.push(deadline, task);
    Thread t = thread;
    if (t == null) {
      t = start();
    }
    int depth = e.depth;
    long plan = wakeAt;
    if (deadline < plan) {
      owedFrom(deadline); // it must wake by then
      wakeUps++;
      LockSupport.unpark(t);
    } else if (depth % WAKE_EVERY == 0 && plan != Long.MIN_VALUE) { // in a pass it takes the stack anyway
      owedFrom(nanoTime()); // it should take the stack now
      wakeUps++;
      LockSupport.unpark(t);
    }
    if (depth % PACE_EVERY == 0 && busySince != IDLE) {
      pace(t);
    }
    return e;
  }

  /** Lowers {@code busySince} to {@code time}: the timer thread owes work from then on. */
  private void owedFrom(long time) {
    long b;
    do {
      b = busySince;
    } while (time < b && !BUSY_SINCE.weakCompareAndSet(this, b, time));
  }

  /**
   * Parks the caller while the timer thread has owed work for more than behindNanos (one pass
   * too long, or a wake-up it has not got to yet), until that changes or for at most
   * maxPauseNanos; never on the timer thread itself, never when interrupted (the interrupt stays
   * set), never while a task blocks the timer thread (it needs no CPU then).
   */
  private void pace(Thread timer) {
    long since = busySince;
    long now = nanoTime();
    if (since == IDLE || Nanos.saturatedSubtract(now, since) <= behindNanos) { // a wake-up ahead: negative
      return;
    }
    Thread me = Thread.currentThread();
    if (me == timer || me.isInterrupted()) {
      return;
    }
    if (blockedInTask(timer)) {
      return;
    }
    pauses++;
    long end = now + maxPauseNanos;
    do {
      LockSupport.parkNanos(this, Math.min(PACE_POLL_NANOS, end - now));
      now = nanoTime();
    } while (busySince == since && now - end < 0 && !me.isInterrupted() && !blockedInTask(timer));
  }

  /** Whether the timer thread is in a pass but not RUNNABLE, i.e. a task blocks it: waiting gives it nothing. */
  private boolean blockedInTask(Thread timer) {
    return wakeAt == Long.MIN_VALUE && timer.getState() != Thread.State.RUNNABLE;
  }

  private Thread start() {
    Thread t = new Thread(this::loop, threadName);
    t.setDaemon(true);
    if (THREAD.compareAndSet(this, null, t)) {
      t.start();
      return t;
    }
    return thread; // another caller started it
  }

  /** The number of times a caller of schedule() was paced (for tests). */
  long pauses() {
    return pauses;
  }

  /** The number of times schedule() unparked the timer thread (for tests). */
  long wakeUps() {
    return wakeUps;
  }

  /** When the timer thread plans to wake up; Long.MIN_VALUE while it works (for tests). */
  long wakeAt() {
    return wakeAt;
  }

  /** The timer thread, or null before the first schedule() (for tests). */
  Thread timerThread() {
    return thread;
  }

  @Override
  public String toString() {
    return this == INSTANCE ? "Clock.system()" : "SystemClock[" + threadName + "]";
  }

  /** The timer thread's loop. */
  private void loop() {
    while (true) {
      wakeAt = Long.MIN_VALUE;
      long now = nanoTime();
      long next;
      do {
        busySince = now;
        next = queue.runDue(now);
        now = nanoTime();
      } while (next <= now || queue.hasIncoming());
      busySince = next; // IDLE if nothing is pending
      wakeAt = next;
      if (queue.hasIncoming()) {
        continue;
      }
      if (next == Long.MAX_VALUE) {
        LockSupport.park(this);
      } else {
        LockSupport.parkNanos(this, Nanos.saturatedSubtract(next, nanoTime()));
      }
    }
  }
}
