package io.jcontext;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.PriorityQueue;
import java.util.concurrent.locks.LockSupport;

/**
 * {@link Clock#system()}: epoch time from the wall clock at start-up advanced by
 * {@link System#nanoTime()}, and one shared daemon timer thread.
 *
 * <pre>
 * Implementation overview
 *
 * The common life of a context timer is "scheduled, then stopped long before it is due" (a
 * request finishes inside its timeout). So scheduling and stopping are made as cheap as
 * possible and the ordering work is moved to the timer thread, which mostly finds the timer
 * already stopped and drops it without ever ordering it:
 *
 *   schedule: push a new Entry on a lock-free stack ({@code incoming}, one CAS); wake the timer
 *             thread only if the entry is due before the thread's planned wake-up, or every
 *             WAKE_EVERY pushes so that stopped entries do not pile up.
 *   stop:     one getAndSet of the entry's task to null; whoever nulls it first (stop or fire)
 *             decides, so stop() returns true exactly when the task will never run.
 *   thread:   drains {@code incoming} into a private heap (dropping stopped entries), purges
 *             the heap when stopped entries may make up half of it, runs due tasks, and parks
 *             until the earliest deadline.
 *
 * No queue is ever scanned on the caller's thread and nothing is locked. A lost wake-up is
 * impossible: the thread publishes {@code wakeAt} and then re-checks {@code incoming} before
 * parking, while a producer pushes and then reads {@code wakeAt}.
 * </pre>
 */
final class SystemClock implements Clock {
  static final SystemClock INSTANCE = new SystemClock();

  /** Every this many pushes without a drain, the timer thread is woken to drop stopped entries. */
  private static final int WAKE_EVERY = 1024;

  private static final VarHandle INCOMING;
  private static final VarHandle TASK;
  private static final VarHandle THREAD;

  static {
    try {
      MethodHandles.Lookup l = MethodHandles.lookup();
      INCOMING = l.findVarHandle(SystemClock.class, "incoming", Entry.class);
      TASK = l.findVarHandle(Entry.class, "task", Runnable.class);
      THREAD = l.findVarHandle(SystemClock.class, "thread", Thread.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** Epoch nanos minus System.nanoTime() at start-up; fixed, so nanoTime() is monotonic. */
  private final long offset;
  /** Entries scheduled but not yet taken by the timer thread (a Treiber stack). */
  private volatile Entry incoming;
  /** When the timer thread plans to wake up (clock nanos); Long.MIN_VALUE while it is busy. */
  private volatile long wakeAt = Long.MIN_VALUE;
  /** The timer thread; started by the first schedule(). */
  private volatile Thread thread;

  private SystemClock() {
    long wallNanos = Math.multiplyExact(System.currentTimeMillis(), 1_000_000L);
    offset = wallNanos - System.nanoTime();
  }

  @Override
  public long nanoTime() {
    return System.nanoTime() + offset;
  }

  @Override
  public Stop schedule(long deadline, Runnable task) {
    Entry e = new Entry(deadline, task);
    Entry h;
    do {
      h = incoming;
      e.next = h;
      e.depth = h == null ? 1 : h.depth + 1;
    } while (!INCOMING.compareAndSet(this, h, e));
    Thread t = thread;
    if (t == null) {
      t = start();
    }
    if (deadline < wakeAt || e.depth % WAKE_EVERY == 0) {
      LockSupport.unpark(t);
    }
    return e;
  }

  private Thread start() {
    Thread t = new Thread(this::loop, "jcontext-timer");
    t.setDaemon(true);
    if (THREAD.compareAndSet(this, null, t)) {
      t.start();
      return t;
    }
    return thread; // another caller started it
  }

  @Override
  public String toString() {
    return "Clock.system()";
  }

  /** The timer thread's loop. */
  private void loop() {
    PriorityQueue<Entry> heap = new PriorityQueue<>((a, b) -> Long.compare(a.deadline, b.deadline));
    int purgeAt = WAKE_EVERY;
    while (true) {
      wakeAt = Long.MIN_VALUE;
      for (Entry e = (Entry) INCOMING.getAndSet(this, null); e != null; ) {
        Entry next = e.next;
        e.next = null;
        if (e.task != null) {
          heap.add(e);
        }
        e = next;
      }
      if (heap.size() >= purgeAt) {
        heap.removeIf(x -> x.task == null);
        purgeAt = Math.max(WAKE_EVERY, 2 * heap.size());
      }
      long now = nanoTime();
      while (!heap.isEmpty() && heap.peek().deadline <= now) {
        Runnable task = (Runnable) TASK.getAndSet(heap.poll(), null);
        if (task != null) {
          Callbacks.run(task);
        }
        now = nanoTime();
      }
      while (!heap.isEmpty() && heap.peek().task == null) {
        heap.poll();
      }
      long next = heap.isEmpty() ? Long.MAX_VALUE : heap.peek().deadline;
      wakeAt = next;
      if (incoming != null) {
        continue;
      }
      if (next == Long.MAX_VALUE) {
        LockSupport.park(this);
      } else {
        LockSupport.parkNanos(this, Nanos.saturatedSubtract(next, nanoTime()));
      }
    }
  }

  /** One scheduled task; it is its own {@link Stop}. */
  static final class Entry implements Stop {
    final long deadline;
    /** Null once run or stopped; whoever nulls it decides. */
    volatile Runnable task;
    /** Next entry on the incoming stack; owned by the pusher, then by the timer thread. */
    Entry next;
    /** Position on the incoming stack (1 = bottom), to wake the thread every WAKE_EVERY pushes. */
    int depth;

    Entry(long deadline, Runnable task) {
      this.deadline = deadline;
      this.task = task;
    }

    @Override
    public boolean stop() {
      return task != null && TASK.getAndSet(this, null) != null;
    }
  }
}
