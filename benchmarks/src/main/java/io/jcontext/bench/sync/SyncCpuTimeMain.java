package io.jcontext.bench.sync;

import io.jcontext.Context;
import io.jcontext.bench.CpuTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The uncontended shapes of {@link MutexBenchmark} and {@link SemaphoreBenchmark} timed in
 * <em>thread CPU time</em> (the lock counterpart of {@code io.jcontext.bench.scale.CpuTimeMain}):
 * on an oversubscribed machine a JMH iteration mostly measures how often its thread was
 * descheduled, while CPU time counts only what the thread ran. Each shape is its own class with
 * its own loop; the figure is the best of 15 rounds of 10 000 000 lock/unlock pairs after 5
 * warm-up rounds. Run one shape per JVM (pass its full name) so that no shape's profile shapes
 * another's compiled code:
 *
 * <pre>{@code java -cp benchmarks.jar io.jcontext.bench.sync.SyncCpuTimeMain [regex of shape names]}</pre>
 */
public final class SyncCpuTimeMain {
  private static final int OPS = 10_000_000;
  private static final int PERMITS = SemaphoreBenchmark.PERMITS;
  private static final int WEIGHT = SemaphoreBenchmark.WEIGHT;

  /** Written once per round so that nothing is optimised away. */
  static volatile long sink;

  private SyncCpuTimeMain() {}

  /** One shape: runs n lock/unlock pairs. */
  abstract static class Shape {
    final String name;

    Shape(String name) {
      this.name = name;
    }

    abstract long run(int n) throws InterruptedException;
  }

  static List<Shape> shapes() {
    Context ctx = Context.background();
    List<Shape> s = new ArrayList<>();
    s.add(new Shape("mutexLock_jcontext") {
      final io.jcontext.sync.Mutex m = io.jcontext.sync.Mutex.create();

      long run(int n) throws InterruptedException {
        long c = 0;
        for (int i = 0; i < n; i++) {
          m.lock(ctx);
          try {
            c++;
          } finally {
            m.unlock();
          }
        }
        return c;
      }
    });
    s.add(new Shape("mutexTryLock_jcontext") {
      final io.jcontext.sync.Mutex m = io.jcontext.sync.Mutex.create();

      long run(int n) {
        long c = 0;
        for (int i = 0; i < n; i++) {
          if (!m.tryLock()) {
            throw new AssertionError();
          }
          try {
            c++;
          } finally {
            m.unlock();
          }
        }
        return c;
      }
    });
    s.add(lockShape("mutexLock_reentrantLock", new ReentrantLock()));
    s.add(lockShape("mutexLock_reentrantLockFair", new ReentrantLock(true)));
    s.add(new Shape("semAcquire1_jcontext") {
      final io.jcontext.sync.Semaphore sem = io.jcontext.sync.Semaphore.create(PERMITS);

      long run(int n) throws InterruptedException {
        long c = 0;
        for (int i = 0; i < n; i++) {
          sem.acquire(ctx, 1);
          sem.release(1);
          c++;
        }
        return c;
      }
    });
    s.add(new Shape("semTryAcquire1_jcontext") {
      final io.jcontext.sync.Semaphore sem = io.jcontext.sync.Semaphore.create(PERMITS);

      long run(int n) {
        long c = 0;
        for (int i = 0; i < n; i++) {
          if (!sem.tryAcquire(1)) {
            throw new AssertionError();
          }
          sem.release(1);
          c++;
        }
        return c;
      }
    });
    s.add(new Shape("semWeighted_jcontext") {
      final io.jcontext.sync.Semaphore sem = io.jcontext.sync.Semaphore.create(PERMITS);

      long run(int n) throws InterruptedException {
        long c = 0;
        for (int i = 0; i < n; i++) {
          sem.acquire(ctx, WEIGHT);
          sem.release(WEIGHT);
          c++;
        }
        return c;
      }
    });
    for (boolean fair : new boolean[] {false, true}) {
      String suffix = fair ? "Fair" : "";
      s.add(new Shape("semAcquire1_jucSemaphore" + suffix) {
        final Semaphore sem = new Semaphore(PERMITS, fair);

        long run(int n) throws InterruptedException {
          long c = 0;
          for (int i = 0; i < n; i++) {
            sem.acquire();
            sem.release();
            c++;
          }
          return c;
        }
      });
      s.add(new Shape("semWeighted_jucSemaphore" + suffix) {
        final Semaphore sem = new Semaphore(PERMITS, fair);

        long run(int n) throws InterruptedException {
          long c = 0;
          for (int i = 0; i < n; i++) {
            sem.acquire(WEIGHT);
            sem.release(WEIGHT);
            c++;
          }
          return c;
        }
      });
    }
    return s;
  }

  private static Shape lockShape(String name, ReentrantLock lock) {
    return new Shape(name) {
      long run(int n) {
        long c = 0;
        for (int i = 0; i < n; i++) {
          lock.lock();
          try {
            c++;
          } finally {
            lock.unlock();
          }
        }
        return c;
      }
    };
  }

  public static void main(String[] args) throws InterruptedException {
    String filter = args.length > 0 ? args[0] : ".*";
    System.out.printf(Locale.ROOT, "# JDK %s, %d CPUs; thread CPU time, best of 15 x %,d ops%n",
        System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(), OPS);
    System.out.println("| shape | ns/op (CPU) |");
    System.out.println("|---|---|");
    for (Shape shape : shapes()) {
      if (!shape.name.matches(filter)) {
        continue;
      }
      double best = CpuTime.bestNsPerOp(OPS, () -> sink = shape.run(OPS));
      System.out.printf(Locale.ROOT, "| %s | %.2f |%n", shape.name, best);
    }
  }
}
