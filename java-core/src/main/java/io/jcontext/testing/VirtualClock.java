package io.jcontext.testing;

import io.jcontext.Clock;
import io.jcontext.Context;
import io.jcontext.Stop;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * A {@link Clock} for tests that moves only when told to: deadlines, {@link Context#sleep},
 * timed waits and lock timeouts of a tree rooted at {@link #background()} fire when the test
 * {@linkplain #advance(Duration) advances} the clock past them, in deadline order, and never in
 * real time. No test needs to sleep to see a timeout.
 *
 * <pre>{@code
 * VirtualClock clock = new VirtualClock();
 * try (CancellableContext ctx = clock.background().withTimeout(Duration.ofSeconds(5))) {
 *   clock.advance(Duration.ofMillis(4_999));
 *   assertFalse(ctx.isDone());
 *   clock.advance(Duration.ofMillis(1));
 *   assertInstanceOf(DeadlineExceededException.class, ctx.err());
 * }
 * }</pre>
 *
 * <p>Like Go's {@code testing/synctest}, time starts at 2000-01-01T00:00:00Z unless another start
 * is given. While {@link #advance} runs a timer, {@link #nanoTime()} reads exactly that timer's
 * deadline. Timers run on the thread that advances the clock, outside the clock's lock, so they
 * may schedule or stop other timers; a timer that throws propagates out of {@code advance} (after
 * time has moved to its deadline). Thread-safe: threads may schedule, stop and wait while another
 * advances.
 */
public final class VirtualClock implements Clock {
  /** Where time starts by default, as in Go's synctest bubbles: 2000-01-01T00:00:00Z. */
  public static final Instant DEFAULT_START = Instant.parse("2000-01-01T00:00:00Z");

  private final ReentrantLock lock = new ReentrantLock();
  /** Signalled whenever a timer is scheduled, so tests can wait for a thread to block. */
  private final Condition scheduled = lock.newCondition();
  /** Pending timers by (deadline, sequence). Guarded by lock. */
  private final PriorityQueue<Timer> timers = new PriorityQueue<>();
  /** Current time in epoch nanos. Written under lock; read without it. */
  private volatile long now;
  /** Tie-breaker so equal deadlines fire in scheduling order. Guarded by lock. */
  private long sequence;
  private final Context background;
  /** The bubble that owns this clock, or null; set before the clock is shared. */
  Bubble bubble;

  /** Creates a clock reading {@link #DEFAULT_START}. */
  public VirtualClock() {
    this(DEFAULT_START);
  }

  /** Creates a clock reading {@code start}. */
  public VirtualClock(Instant start) {
    this.now = Clock.nanosOf(Objects.requireNonNull(start, "start"));
    this.background = Context.background(this);
  }

  /** Returns the root of a context tree that runs on this clock; the same instance every call. */
  public Context background() {
    return background;
  }

  @Override
  public long nanoTime() {
    return now;
  }

  /** Returns the current virtual time. */
  public Instant now() {
    return Clock.instantOf(now);
  }

  @Override
  public Stop schedule(long deadline, Runnable task) {
    Objects.requireNonNull(task, "task");
    lock.lock();
    try {
      Timer t = new Timer(deadline, sequence++, task);
      timers.add(t);
      scheduled.signalAll();
      return t;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Moves time forward by {@code d}, running every timer that falls due on the way (including
   * timers those timers schedule), each at its own deadline, in deadline order.
   *
   * @throws IllegalArgumentException if {@code d} is negative: time never goes back
   */
  public void advance(Duration d) {
    Objects.requireNonNull(d, "d");
    if (d.isNegative()) {
      throw new IllegalArgumentException("cannot advance by a negative duration: " + d);
    }
    long target = Clock.deadlineAfter(now, Clock.nanosOf(d));
    while (runNextDue(target)) {
      // keep going until nothing is due by target
    }
    lock.lock();
    try {
      if (now < target) {
        now = target;
      }
    } finally {
      lock.unlock();
    }
  }

  /** Moves time forward to {@code instant} as {@link #advance} does; an earlier instant is an error. */
  public void advanceTo(Instant instant) {
    long target = Clock.nanosOf(Objects.requireNonNull(instant, "instant"));
    if (target < now) {
      throw new IllegalArgumentException("cannot go back from " + now() + " to " + instant);
    }
    advance(Duration.ofNanos(Clock.between(now, target)));
  }

  /**
   * Moves time to the earliest pending timer and runs it (with any others due at the same
   * instant). Returns false, leaving time alone, if no timer is pending: the "everyone is blocked,
   * jump to the next event" step of Go's synctest.
   */
  public boolean advanceToNext() {
    long next;
    lock.lock();
    try {
      Timer t = timers.peek();
      if (t == null) {
        return false;
      }
      next = Math.max(t.deadline, now);
    } finally {
      lock.unlock();
    }
    advance(Duration.ofNanos(Clock.between(now, next)));
    return true;
  }

  /** Returns the number of timers scheduled and neither run nor stopped. */
  public int pendingTimers() {
    lock.lock();
    try {
      return timers.size();
    } finally {
      lock.unlock();
    }
  }

  /** Returns the deadline of the earliest pending timer, or null if none is pending. */
  public @Nullable Instant nextDeadline() {
    lock.lock();
    try {
      Timer t = timers.peek();
      return t == null ? null : Clock.instantOf(t.deadline);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Waits, in real time and for at most {@code realTimeout}, until at least {@code count} timers
   * are pending; returns whether they are. This is how a test knows that another thread has
   * reached a timed wait (a {@code sleep}, a lock with a deadline) before it advances the clock.
   */
  public boolean awaitPendingTimers(int count, Duration realTimeout) throws InterruptedException {
    long remaining = Objects.requireNonNull(realTimeout, "realTimeout").toNanos();
    lock.lock();
    try {
      while (timers.size() < count) {
        if (remaining <= 0) {
          return false;
        }
        remaining = scheduled.awaitNanos(remaining);
      }
      return true;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public String toString() {
    return "VirtualClock[" + now() + ", " + pendingTimers() + " pending]";
  }

  /** Runs the earliest timer due by {@code target}, if any; returns whether it ran one. */
  private boolean runNextDue(long target) {
    Timer t;
    lock.lock();
    try {
      t = timers.peek();
      if (t == null || t.deadline > target) {
        return false;
      }
      timers.poll();
      t.fired = true;
      if (t.deadline > now) {
        now = t.deadline;
      }
    } finally {
      lock.unlock();
    }
    t.task.run();
    return true;
  }

  /** One pending timer; its own Stop. */
  private final class Timer implements Stop, Comparable<Timer> {
    final long deadline;
    final long seq;
    final Runnable task;
    /** Set under lock when run; a fired or removed timer cannot be stopped. */
    boolean fired;

    Timer(long deadline, long seq, Runnable task) {
      this.deadline = deadline;
      this.seq = seq;
      this.task = task;
    }

    @Override
    public boolean stop() {
      lock.lock();
      try {
        return !fired && timers.remove(this);
      } finally {
        lock.unlock();
      }
    }

    @Override
    public int compareTo(Timer o) {
      int c = Long.compare(deadline, o.deadline);
      return c != 0 ? c : Long.compare(seq, o.seq);
    }
  }
}
