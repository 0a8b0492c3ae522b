package io.jcontext.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * The measuring loop of the thread-CPU-time drivers ({@code scale.CpuTimeMain},
 * {@code sync.SyncCpuTimeMain}): 5 warm-up rounds, then the best of 15, in CPU nanoseconds of the
 * calling thread per operation. Only work done on the calling thread is counted.
 */
public final class CpuTime {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  private static final int WARM_UP = 5;
  private static final int ROUNDS = 15;

  private CpuTime() {}

  /** One round of a shape: runs its operations on the calling thread. */
  @FunctionalInterface
  public interface Round {
    void run() throws InterruptedException;
  }

  /** Returns the best CPU time per operation of {@code round}, which runs {@code ops} operations. */
  public static double bestNsPerOp(int ops, Round round) throws InterruptedException {
    for (int i = 0; i < WARM_UP; i++) {
      round.run();
    }
    double best = Double.MAX_VALUE;
    for (int i = 0; i < ROUNDS; i++) {
      long c0 = THREADS.getCurrentThreadCpuTime();
      round.run();
      best = Math.min(best, (THREADS.getCurrentThreadCpuTime() - c0) / (double) ops);
    }
    return best;
  }
}
