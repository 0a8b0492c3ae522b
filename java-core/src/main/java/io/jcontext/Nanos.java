package io.jcontext;

import java.time.Duration;
import java.time.Instant;

/** Saturating conversions between {@link Instant}/{@link Duration} and clock nanoseconds. */
final class Nanos {
  /** Clock time meaning "no deadline"; real deadlines are clamped below it. */
  static final long NONE = Long.MAX_VALUE;
  /** The latest representable deadline (year 2262); later ones are clamped to it. */
  static final long MAX_DEADLINE = Long.MAX_VALUE - 1;

  private Nanos() {}

  /** Returns {@code i} as nanoseconds since the epoch, clamped to [Long.MIN_VALUE, MAX_DEADLINE]. */
  static long ofInstant(Instant i) {
    long seconds = i.getEpochSecond();
    if (seconds >= Long.MAX_VALUE / 1_000_000_000L) {
      return MAX_DEADLINE;
    }
    if (seconds <= Long.MIN_VALUE / 1_000_000_000L) {
      return Long.MIN_VALUE;
    }
    return Math.min(seconds * 1_000_000_000L + i.getNano(), MAX_DEADLINE);
  }

  /** Returns the instant {@code nanos} after the epoch. */
  static Instant toInstant(long nanos) {
    return Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L));
  }

  /** Returns {@code d} in nanoseconds, saturated to the range of long. */
  static long ofDuration(Duration d) {
    long seconds = d.getSeconds();
    if (seconds >= Long.MAX_VALUE / 1_000_000_000L) {
      return Long.MAX_VALUE;
    }
    if (seconds < Long.MIN_VALUE / 1_000_000_000L + 1) {
      return Long.MIN_VALUE;
    }
    return seconds * 1_000_000_000L + d.getNano();
  }

  /** Returns {@code now + delta} as a deadline, clamped to [Long.MIN_VALUE, MAX_DEADLINE]. */
  static long deadlineAfter(long now, long delta) {
    long sum = now + delta;
    if (((now ^ sum) & (delta ^ sum)) < 0) { // overflowed
      return delta > 0 ? MAX_DEADLINE : Long.MIN_VALUE;
    }
    return Math.min(sum, MAX_DEADLINE);
  }

  /** Returns {@code a - b}, saturated to the range of long. */
  static long saturatedSubtract(long a, long b) {
    long diff = a - b;
    if (((a ^ b) & (a ^ diff)) < 0) {
      return a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
    return diff;
  }
}
