package io.jcontext.samples;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Waits for a condition that another thread makes true, spinning politely, with a real-time
 * bound that is only a liveness guard (the condition is expected to hold almost at once).
 */
public final class Eventually {
  private Eventually() {}

  /** Returns whether {@code condition} became true within {@code bound}. */
  public static boolean holds(BooleanSupplier condition, Duration bound) {
    long end = System.nanoTime() + bound.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        return false;
      }
      Thread.onSpinWait();
      Thread.yield();
    }
    return true;
  }
}
