package io.jcontext.bench.scale;

import io.jcontext.CancellableContext;
import io.jcontext.Context;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

/**
 * Deadlines under overload: {@value #THREADS} creator threads make {@code withTimeout(1..50 ms)}
 * contexts under the root, cancel 90 % of them early (a request that finishes inside its timeout)
 * and let 10 % expire, at a fixed total creation rate or as fast as they can. For every expired
 * context the lateness (when its cancellation actually ran minus its deadline) goes into a
 * histogram; the table shows p50/p99/max lateness, the achieved creation rate, the used heap
 * after GC at the end of the run (before the backlog, if any, has drained) and the CPU the timer
 * threads used (share of one core from the start of the run until the backlog drained).
 *
 * <p>jcontext uses {@code Context.background().withTimeout(d)} on {@code Clock.system()}; grpc uses
 * {@code Context.ROOT.withDeadlineAfter(d, MILLISECONDS, stpe)} with a one-thread
 * {@link ScheduledThreadPoolExecutor} in its default policy. The time of an expiry is taken in a
 * listener registered on the context (jcontext {@code onDone}, grpc {@code addListener} with a
 * direct executor), so it runs on the thread that cancelled the context.
 *
 * <pre>
 * java -Xms4g -Xmx4g -XX:+UseParallelGC -cp benchmarks.jar io.jcontext.bench.scale.DeadlineSoakMain [seconds] [impl] [rates]
 * </pre>
 *
 * {@code seconds} per rate (default 20); {@code impl} jcontext, grpc or both (default both);
 * {@code rates} in M/s, comma-separated, 0 = unthrottled (default 0.4,1,2,0).
 */
public final class DeadlineSoakMain {
  private static final int THREADS = 4;
  /** Total creation rates per second; 0 = unthrottled. */
  private static final long[] RATES = {400_000, 1_000_000, 2_000_000, 0};
  /** Contexts a creator keeps open before cancelling the oldest (about 0.1-1 ms of life). */
  private static final int OPEN = 64;
  /** Bound on the wait for a backlog to drain after a run. */
  private static final long DRAIN_LIMIT_NANOS = TimeUnit.SECONDS.toNanos(60);

  private DeadlineSoakMain() {}

  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
    String impl = args.length > 1 ? args[1] : "both";
    long[] rates = RATES;
    if (args.length > 2) { // e.g. 0.4,2,0 (M/s; 0 = unthrottled)
      String[] parts = args[2].split(",");
      rates = new long[parts.length];
      for (int i = 0; i < parts.length; i++) {
        rates[i] = Math.round(Double.parseDouble(parts[i]) * 1e6);
      }
    }
    System.out.printf(Locale.ROOT, "# JDK %s (%s), %d CPUs, max heap %s; %d creators, %d s per rate,"
            + " timeouts 1..50 ms, 90 %% cancelled early, 10 %% expire%n", System.getProperty("java.version"),
        System.getProperty("java.vm.name"), Runtime.getRuntime().availableProcessors(),
        Heap.mib(Runtime.getRuntime().maxMemory()), THREADS, seconds);
    System.out.println();
    System.out.println("| implementation | target rate | achieved rate | expired | lateness p50 / p99 / max (ms) | heap used after GC | timer CPU |");
    System.out.println("|---|---|---|---|---|---|---|");
    for (long rate : rates) {
      if (!impl.equals("grpc")) {
        run(new JcontextImpl(), rate, seconds);
      }
      if (!impl.equals("jcontext")) {
        run(new GrpcImpl(), rate, seconds);
      }
    }
  }

  /** One implementation under test. */
  private interface Impl {
    String name();

    /** Makes a context with {@code timeoutMillis}; {@code onExpiry} runs when it is cancelled. */
    Object create(long timeoutMillis, Runnable onExpiry);

    Object create(long timeoutMillis);

    void cancel(Object ctx);

    /** The CPU time of the timer threads so far, or -1. */
    long timerCpuNanos();

    void close();
  }

  private static final class JcontextImpl implements Impl {
    private final Context root = Context.background();

    @Override
    public String name() {
      return "jcontext Clock.system()";
    }

    @Override
    public Object create(long timeoutMillis, Runnable onExpiry) {
      CancellableContext c = root.withTimeout(Duration.ofMillis(timeoutMillis));
      c.onDone(onExpiry);
      return c;
    }

    @Override
    public Object create(long timeoutMillis) {
      return root.withTimeout(Duration.ofMillis(timeoutMillis));
    }

    @Override
    public void cancel(Object ctx) {
      ((CancellableContext) ctx).cancel();
    }

    @Override
    public long timerCpuNanos() {
      return cpuOfThreadsNamed("jcontext-timer");
    }

    @Override
    public void close() {}
  }

  private static final class GrpcImpl implements Impl {
    private final ScheduledThreadPoolExecutor stpe = new ScheduledThreadPoolExecutor(1, r -> {
      Thread t = new Thread(r, "soak-grpc-stpe");
      t.setDaemon(true);
      return t;
    });

    @Override
    public String name() {
      return "grpc 1-thread STPE";
    }

    @Override
    public Object create(long timeoutMillis, Runnable onExpiry) {
      io.grpc.Context.CancellableContext c =
          io.grpc.Context.ROOT.withDeadlineAfter(timeoutMillis, TimeUnit.MILLISECONDS, stpe);
      c.addListener(x -> onExpiry.run(), Runnable::run);
      return c;
    }

    @Override
    public Object create(long timeoutMillis) {
      return io.grpc.Context.ROOT.withDeadlineAfter(timeoutMillis, TimeUnit.MILLISECONDS, stpe);
    }

    @Override
    public void cancel(Object ctx) {
      ((io.grpc.Context.CancellableContext) ctx).cancel(null);
    }

    @Override
    public long timerCpuNanos() {
      return cpuOfThreadsNamed("soak-grpc-stpe");
    }

    @Override
    public void close() {
      stpe.shutdownNow();
    }
  }

  private static long cpuOfThreadsNamed(String prefix) {
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    long sum = 0;
    boolean any = false;
    for (ThreadInfo info : mx.getThreadInfo(mx.getAllThreadIds())) {
      if (info != null && info.getThreadName().startsWith(prefix)) {
        long cpu = mx.getThreadCpuTime(info.getThreadId());
        if (cpu >= 0) {
          sum += cpu;
          any = true;
        }
      }
    }
    return any ? sum : -1;
  }

  private static void run(Impl impl, long rate, int seconds) throws Exception {
    Histogram lateness = new Histogram();
    AtomicLong created = new AtomicLong();
    AtomicLong expiring = new AtomicLong();
    long cpuBefore = Math.max(0, impl.timerCpuNanos());
    long durationNanos = TimeUnit.SECONDS.toNanos(seconds);
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> creators = new ArrayList<>();
    long[] startAt = new long[1];
    for (int i = 0; i < THREADS; i++) {
      Thread t = new Thread(() -> {
        try {
          start.await();
        } catch (InterruptedException e) {
          return;
        }
        long begin = startAt[0];
        long end = begin + durationNanos;
        long perThreadRate = rate / THREADS;
        ThreadLocalRandom r = ThreadLocalRandom.current();
        Object[] open = new Object[OPEN];
        long n = 0;
        long expiringHere = 0;
        while (true) {
          if ((n & 63) == 0) {
            long now = System.nanoTime();
            if (now >= end) {
              break;
            }
            if (perThreadRate > 0) {
              long due = begin + n * 1_000_000_000L / perThreadRate;
              if (due > now) {
                LockSupport.parkNanos(due - now);
              }
            }
          }
          long timeout = 1 + r.nextInt(50);
          int slot = (int) (n % OPEN);
          if (open[slot] != null) {
            impl.cancel(open[slot]);
            open[slot] = null;
          }
          if (r.nextInt(10) == 0) {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeout);
            impl.create(timeout, () -> lateness.record(System.nanoTime() - deadline));
            expiringHere++;
          } else {
            open[slot] = impl.create(timeout);
          }
          n++;
        }
        for (Object c : open) {
          if (c != null) {
            impl.cancel(c);
          }
        }
        created.addAndGet(n);
        expiring.addAndGet(expiringHere);
      }, "soak-creator-" + i);
      t.setDaemon(true);
      creators.add(t);
      t.start();
    }
    startAt[0] = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20);
    start.countDown();
    for (Thread t : creators) {
      t.join();
    }
    long elapsed = System.nanoTime() - startAt[0];
    long heap = Heap.usedAfterGc(); // with whatever backlog is still queued
    long drainStart = System.nanoTime();
    while (lateness.count() < expiring.get() && System.nanoTime() - drainStart < DRAIN_LIMIT_NANOS) {
      Thread.sleep(10);
    }
    long cpu = impl.timerCpuNanos();
    long wall = System.nanoTime() - startAt[0];
    impl.close();
    String missing = lateness.count() < expiring.get()
        ? String.format(Locale.ROOT, " (%d never fired within %d s)", expiring.get() - lateness.count(),
            TimeUnit.NANOSECONDS.toSeconds(DRAIN_LIMIT_NANOS))
        : "";
    System.out.printf(Locale.ROOT, "| %s | %s | %.2f M/s | %d%s | %s / %s / %s | %s | %s |%n", impl.name(),
        rate == 0 ? "unthrottled" : String.format(Locale.ROOT, "%.1f M/s", rate / 1e6),
        created.get() / (elapsed / 1e9) / 1e6, lateness.count(), missing, ms(lateness.percentile(0.50)),
        ms(lateness.percentile(0.99)), ms(lateness.max()), Heap.mib(heap),
        cpu < 0 ? "?" : String.format(Locale.ROOT, "%.0f %%", 100.0 * (cpu - cpuBefore) / wall));
    Heap.usedAfterGc(); // start the next run clean
  }

  private static String ms(long nanos) {
    double ms = nanos / 1e6;
    return ms < 1 ? String.format(Locale.ROOT, "%.2f", ms)
        : ms < 100 ? String.format(Locale.ROOT, "%.1f", ms) : String.format(Locale.ROOT, "%.0f", ms);
  }

  /**
   * Lateness histogram, thread-safe: 10 µs buckets below 100 ms, 1 ms buckets up to 100 s; a
   * negative lateness (fired early, which must not happen) counts as 0.
   */
  private static final class Histogram {
    private static final long FINE = 10_000; // ns
    private static final int FINE_BUCKETS = 10_000; // 100 ms
    private static final long COARSE = 1_000_000;
    private static final int COARSE_BUCKETS = 100_000; // 100 s
    private final AtomicLongArray counts = new AtomicLongArray(FINE_BUCKETS + COARSE_BUCKETS + 1);
    private final AtomicLong total = new AtomicLong();
    private final AtomicLong max = new AtomicLong();

    void record(long nanos) {
      long v = Math.max(0, nanos);
      int i = v < FINE * FINE_BUCKETS ? (int) (v / FINE)
          : (int) Math.min(FINE_BUCKETS + v / COARSE, FINE_BUCKETS + COARSE_BUCKETS);
      counts.incrementAndGet(i);
      total.incrementAndGet();
      max.accumulateAndGet(v, Math::max);
    }

    long count() {
      return total.get();
    }

    long max() {
      return max.get();
    }

    /** The upper edge of the bucket holding the p-th value. */
    long percentile(double p) {
      long n = total.get();
      if (n == 0) {
        return 0;
      }
      long rank = (long) Math.ceil(p * n);
      long seen = 0;
      for (int i = 0; i < counts.length(); i++) {
        seen += counts.get(i);
        if (seen >= rank) {
          return Math.min(max.get(), i < FINE_BUCKETS ? (i + 1) * FINE : (i - FINE_BUCKETS + 1) * COARSE);
        }
      }
      return max.get();
    }
  }
}
