package io.jcontext;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.PriorityQueue;

/**
 * The pending timers of one {@link SystemClock}: any thread adds and stops timers; one owner
 * thread at a time (the clock's timer thread) orders them and runs the due ones.
 *
 * <pre>
 * Implementation overview
 *
 * Most timers are stopped long before they are due, so adding and stopping are kept to one
 * atomic operation each and all ordering work is left to the owner, which mostly finds a timer
 * already stopped and drops it without ordering it:
 *
 *   push:     a new Entry goes on a lock-free stack ({@code incoming}, one CAS). Its depth on
 *             the stack is returned with it, which lets the clock pace its callers for free.
 *   stop:     one getAndSet of the entry's task to null; whoever nulls it first (stop or the
 *             owner firing it) decides, so stop() returns true exactly when the task never runs.
 *   take:     the owner takes the whole stack (one getAndSet), moves its live entries into a
 *             private heap ordered by deadline, and purges the heap when stopped entries may
 *             make up half of it.
 *   runNext:  the owner pops the earliest entry if it is due (or stopped) and runs its task if
 *             its getAndSet wins. runDue(now) is take, runNext until false, nextDeadline.
 *   horizon:  runDue returns when the owner should look again: the earliest live deadline, or
 *             earlier the earliest future deadline of an entry it dropped as stopped during the
 *             call. The clock wakes the owner only for a timer due before that time, so a run of
 *             timers that are stopped before the owner sees them (withTimeout + cancel, the usual
 *             case) keeps the owner asleep: each new timer is due no earlier than the ones just
 *             dropped. Without it the owner, finding nothing live, would plan no wake-up at all
 *             and the next timer would wake it again, once per timer in the worst case. The
 *             price is one wake-up at that time if nothing else needs it (then no horizon is
 *             left: a call that drops no future entry returns the live deadline).
 *
 * Invariants:
 *   - An entry is on the stack or in the heap, never both, and is never taken back once its
 *     task is null; a null task is final.
 *   - Only the owner reads or writes {@code heap} and {@code purgeAt}, and the owner is one
 *     thread at a time (the caller of runDue guarantees it).
 *   - Tasks run on the owner, outside any lock (there is none), one at a time.
 * </pre>
 */
final class TimerQueue {
  /** The heap is purged of stopped entries when it reaches at least this size and twice its last live size. */
  private static final int PURGE_MIN = 1024;

  private static final VarHandle INCOMING;
  private static final VarHandle TASK;

  static {
    try {
      MethodHandles.Lookup l = MethodHandles.lookup();
      INCOMING = l.findVarHandle(TimerQueue.class, "incoming", Entry.class);
      TASK = l.findVarHandle(Entry.class, "task", Runnable.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** Entries added but not yet taken by the owner (a Treiber stack); null when empty. */
  private volatile Entry incoming;
  /** Owner only: taken entries that were live when taken, earliest deadline first. */
  private final PriorityQueue<Entry> heap = new PriorityQueue<>((a, b) -> Long.compare(a.deadline, b.deadline));
  /** Owner only: the heap size at which the next purge runs. */
  private int purgeAt = PURGE_MIN;
  /** Owner only, within one runDue: the earliest future deadline of an entry dropped as stopped. */
  private long horizon = Long.MAX_VALUE;
  /** Owner only, within one runDue: its {@code now}. */
  private long passNow;

  /**
   * Adds a timer; any thread, lock-free. The returned entry's {@link Entry#depth} is its position
   * on the stack of entries the owner has not taken yet (1 = the stack was empty).
   */
  Entry push(long deadline, Runnable task) {
    Entry e = new Entry(deadline, task);
    Entry h;
    do {
      h = incoming;
      e.next = h;
      e.depth = h == null ? 1 : h.depth + 1;
    } while (!INCOMING.compareAndSet(this, h, e));
    return e;
  }

  /** Whether entries were added since the owner last took them; any thread. */
  boolean hasIncoming() {
    return incoming != null;
  }

  /**
   * Owner only: takes the added entries, then runs (on this thread, one after the other, an
   * exception going to the thread's uncaught-exception handler) the task of every live entry
   * whose deadline is at or before {@code now}, earliest first. Returns when the owner should
   * call again: the earliest deadline still pending, or earlier the earliest deadline after
   * {@code now} of an entry this call dropped as stopped (the horizon, see the overview), or
   * {@link Long#MAX_VALUE} if neither. Not atomic: entries added after the take wait for the next
   * call, and stop() calls race with each step.
   */
  long runDue(long now) {
    horizon = Long.MAX_VALUE;
    passNow = now;
    take();
    while (runNext(now)) {
      // until nothing taken is due
    }
    return Math.min(nextDeadline(), horizon);
  }

  /** Owner only: notes a stopped entry being dropped (for the horizon). */
  private void dropped(Entry e) {
    long d = e.deadline;
    if (d < horizon && d > passNow) {
      horizon = d;
    }
  }

  /** Owner only: moves the added entries that are still live into the heap; purges the heap now and then. */
  void take() {
    for (Entry e = (Entry) INCOMING.getAndSet(this, null); e != null; ) {
      Entry next = e.next;
      e.next = null;
      if (e.task != null) {
        heap.add(e);
      } else {
        dropped(e);
      }
      e = next;
    }
    if (heap.size() >= purgeAt) {
      heap.removeIf(x -> x.task == null);
      purgeAt = Math.max(PURGE_MIN, 2 * heap.size());
    }
  }

  /**
   * Owner only: runs the task of the earliest taken live entry if its deadline is at or before
   * {@code now}, dropping stopped entries ahead of it; returns whether it ran one. A stop() that
   * races with it either nulls the task first (the task never runs) or returns false.
   */
  boolean runNext(long now) {
    Entry head;
    while ((head = heap.peek()) != null && (head.deadline <= now || head.task == null)) {
      heap.poll();
      Runnable task = head.task == null ? null : (Runnable) TASK.getAndSet(head, null);
      if (task != null) {
        Callbacks.run(task);
        return true;
      }
      dropped(head);
    }
    return false;
  }

  /** Owner only: the earliest deadline of a taken entry that may still run, or {@link Long#MAX_VALUE}. */
  long nextDeadline() {
    Entry head;
    while ((head = heap.peek()) != null && head.task == null) {
      heap.poll();
      dropped(head);
    }
    return head == null ? Long.MAX_VALUE : head.deadline;
  }

  /** One timer; it is its own {@link Stop}. */
  static final class Entry implements Stop {
    final long deadline;
    /** Null once run or stopped; whoever nulls it decides. */
    volatile Runnable task;
    /** The entry below this one on the incoming stack; written before the push, cleared by the owner. */
    Entry next;
    /** Position on the incoming stack (1 = bottom); written before the push, then read-only. */
    int depth;

    Entry(long deadline, Runnable task) {
      this.deadline = deadline;
      this.task = task;
    }

    @Override
    public boolean stop() {
      return task != null && TASK.getAndSet(this, null) != null;
    }

    @Override
    public String toString() {
      return "Timer[deadline=" + deadline + (task == null ? ", ended]" : ", pending]");
    }
  }
}
