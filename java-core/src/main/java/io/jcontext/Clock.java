package io.jcontext;

import java.time.Duration;
import java.time.Instant;

/**
 * The time source of a tree of contexts: it reads the time and schedules timers. A tree takes
 * its clock from its root ({@link Context#background(Clock)}); deadlines, {@link Context#sleep},
 * timed waits and the lock timeouts of {@code io.jcontext.sync} all follow it, which is what
 * lets a test drive them with {@code io.jcontext.testing.VirtualClock} instead of sleeping.
 *
 * <p>Time is a count of nanoseconds since 1970-01-01T00:00:00Z in a {@code long}, which covers
 * the years 1678 to 2262; the library clamps instants and durations outside that range instead
 * of letting them wrap around. For one clock, {@link #nanoTime()} never decreases.
 *
 * <p>Implementations must be thread-safe. The library calls {@link #schedule} once per
 * deadline and stops the timer when the context is cancelled first, so both should be cheap.
 */
public interface Clock {

  /**
   * Returns the clock of {@link Context#background()}: wall-clock time read once at start-up and
   * advanced by {@link System#nanoTime()}, so it never jumps when the wall clock is adjusted (as
   * Go's monotonic clock readings). Its timers run on one shared daemon thread (every task runs
   * there, never on the thread that calls {@code schedule} or {@code stop}); creating and stopping
   * a timer is a few atomic operations and never scans a queue. When callers create timers faster
   * than that thread can take them, {@code schedule} paces them: while the thread has been busy
   * for more than a few milliseconds without catching up, an occasional {@code schedule} call
   * parks its caller until it has (for at most 50 ms; never the timer thread itself, never an
   * interrupted thread, not while a task blocks the timer thread), so deadlines stay on time and
   * the queue stays bounded.
   */
  static Clock system() {
    return SystemClock.INSTANCE;
  }

  /** Returns the current time in nanoseconds since the epoch; never smaller than a previous result. */
  long nanoTime();

  /**
   * Arranges for {@code task} to run once, at or soon after the time {@code deadline} (in
   * {@link #nanoTime()} units); a deadline that has passed runs the task as soon as possible,
   * but not on the calling thread. Tasks are short (they cancel a context) and must not block.
   * An implementation may delay the caller briefly to keep up (see {@link #system()}), but
   * never runs {@code task} inside this call.
   *
   * @return a {@link Stop} whose {@code stop()} returns true if it prevented the task from running
   */
  Stop schedule(long deadline, Runnable task);

  // The one time arithmetic of the library, for Clock implementations and their callers. Every
  // conversion saturates instead of wrapping; a deadline is clamped below Long.MAX_VALUE, which
  // the library reads as "no deadline".

  /**
   * Returns {@code instant} in clock nanoseconds (since the epoch), clamped to
   * [{@code Long.MIN_VALUE}, {@code Long.MAX_VALUE - 1}] (about 1677 to 2262): a later instant,
   * {@code Instant.MAX} included, reads as the latest deadline, never as "no deadline".
   */
  static long nanosOf(Instant instant) {
    return Nanos.ofInstant(instant);
  }

  /** Returns {@code duration} in nanoseconds, saturated to the range of {@code long}. */
  static long nanosOf(Duration duration) {
    return Nanos.ofDuration(duration);
  }

  /** Returns the instant {@code nanos} clock nanoseconds after the epoch (exact for every long). */
  static Instant instantOf(long nanos) {
    return Nanos.toInstant(nanos);
  }

  /**
   * Returns the deadline {@code delta} nanoseconds after {@code now}, clamped to
   * [{@code Long.MIN_VALUE}, {@code Long.MAX_VALUE - 1}] as {@link #nanosOf(Instant)} clamps.
   */
  static long deadlineAfter(long now, long delta) {
    return Nanos.deadlineAfter(now, delta);
  }

  /** Returns {@code to - from} in nanoseconds, saturated to the range of {@code long}. */
  static long between(long from, long to) {
    return Nanos.saturatedSubtract(to, from);
  }
}
