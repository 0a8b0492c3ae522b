package io.jcontext.bench.scale;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;

/** Heap measurement after full collections, for the scale runs. */
final class Heap {
  private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();

  private Heap() {}

  /**
   * Returns the used heap in bytes after collecting until the figure stops falling (at most 5
   * collections): with a stop-the-world full GC (System.gc() in G1, Serial and Parallel) the
   * second figure is usually final.
   */
  static long usedAfterGc() {
    long best = Long.MAX_VALUE;
    for (int i = 0; i < 5; i++) {
      System.gc();
      long used = MEMORY.getHeapMemoryUsage().getUsed();
      if (used >= best) {
        break;
      }
      best = used;
    }
    return best;
  }

  static String mib(long bytes) {
    return String.format("%.1f MiB", bytes / (1024.0 * 1024.0));
  }
}
