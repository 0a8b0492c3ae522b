package io.jcontext.bench.scale;

import io.jcontext.CancellableContext;
import io.jcontext.Context;
import io.jcontext.TaskExecutors;
import io.jcontext.bench.kt.KxScale;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import kotlinx.coroutines.CompletableJob;
import kotlinx.coroutines.Job;
import kotlinx.coroutines.JobKt;

/**
 * Scale measurements that JMH's per-operation model does not fit, each printed as one table
 * line per implementation:
 *
 * <ul>
 *   <li>{@code memory [n]}: retained heap per live child of one parent (n children, default
 *       1 000 000), measured as used heap after full GCs, and the time of the one
 *       {@code cancel()} that ends them all.
 *   <li>{@code churn [cycles]}: used heap after GC every cycles/10 of {@code cycles} (default
 *       10 000 000) derive+cancel cycles under one long-lived parent: must be flat.
 *   <li>{@code wake [n]}: n (default 100 000) waiters blocked on one context; time from
 *       {@code cancel()} until every waiter has resumed. Virtual threads (JDK 21+ only) and
 *       coroutines on {@code Dispatchers.Default}.
 *   <li>{@code all}: the three above with their defaults.
 * </ul>
 *
 * Run with a fixed heap and a stop-the-world collector for steady figures, e.g.
 * {@code java -Xms4g -Xmx4g -XX:+UseParallelGC -cp benchmarks.jar io.jcontext.bench.scale.ScaleMain all}.
 */
public final class ScaleMain {
  private static final Executor DIRECT = Runnable::run;
  private static final io.grpc.Context.CancellationListener GRPC_NOOP = c -> {};
  private static final Runnable NOOP = () -> {};
  private static final int GRPC_LISTENER_CYCLES = 50_000;

  private ScaleMain() {}

  public static void main(String[] args) throws Exception {
    String what = args.length > 0 ? args[0] : "all";
    Integer n = args.length > 1 ? Integer.valueOf(args[1].replace("_", "")) : null;
    System.out.printf(Locale.ROOT, "# JDK %s (%s), %d CPUs, max heap %s%n", System.getProperty("java.version"),
        System.getProperty("java.vm.name"), Runtime.getRuntime().availableProcessors(),
        Heap.mib(Runtime.getRuntime().maxMemory()));
    switch (what) {
      case "memory":
        memory(n != null ? n : 1_000_000);
        break;
      case "churn":
        churn(n != null ? n : 10_000_000);
        break;
      case "wake":
        wake(n != null ? n : 100_000);
        break;
      case "all":
        memory(1_000_000);
        churn(10_000_000);
        wake(100_000);
        break;
      default:
        throw new IllegalArgumentException("usage: ScaleMain memory|churn|wake|all [n]");
    }
  }

  // ---------------------------------------------------------------------------------------
  // memory per live child, and the time to cancel them all
  // ---------------------------------------------------------------------------------------

  /** One implementation's parent: makes children and cancels itself. */
  private interface Tree {
    Object child();

    void cancelParent();

    /** Returns whether child {@code c} is (observed) done; may record it, as grpc's isCancelled does. */
    boolean isDone(Object c);
  }

  private static Tree jcontext() {
    CancellableContext parent = Context.background().withCancel();
    return new Tree() {
      public Object child() { return parent.withCancel(); }
      public void cancelParent() { parent.cancel(); }
      public boolean isDone(Object c) { return ((Context) c).isDone(); }
    };
  }

  private static Tree grpcLazy() {
    io.grpc.Context.CancellableContext parent = io.grpc.Context.ROOT.withCancellation();
    return new Tree() {
      public Object child() { return parent.withCancellation(); }
      public void cancelParent() { parent.cancel(null); }
      public boolean isDone(Object c) { return ((io.grpc.Context) c).isCancelled(); }
    };
  }

  private static Tree grpcListener() {
    io.grpc.Context.CancellableContext parent = io.grpc.Context.ROOT.withCancellation();
    return new Tree() {
      public Object child() {
        io.grpc.Context.CancellableContext c = parent.withCancellation();
        c.addListener(GRPC_NOOP, DIRECT);
        return c;
      }
      public void cancelParent() { parent.cancel(null); }
      public boolean isDone(Object c) { return ((io.grpc.Context) c).isCancelled(); }
    };
  }

  private static Tree kotlinxJob() {
    CompletableJob parent = JobKt.Job(null);
    return new Tree() {
      public Object child() { return JobKt.Job(parent); }
      public void cancelParent() { parent.cancel(null); }
      public boolean isDone(Object c) { return ((Job) c).isCancelled(); }
    };
  }

  private static void memory(int n) {
    System.out.printf(Locale.ROOT, "%n## memory: %,d live children of one parent%n", n);
    System.out.printf(Locale.ROOT, "| implementation | bytes per live child | cancel() of the parent | + observe every child done |%n");
    System.out.printf(Locale.ROOT, "|---|---|---|---|%n");
    String[] names = {"jcontext withCancel", "grpc withCancellation (lazy: not linked)",
        "grpc withCancellation + listener (linked)", "kotlinx Job(parent)"};
    List<Supplier<Tree>> trees = List.of(ScaleMain::jcontext, ScaleMain::grpcLazy, ScaleMain::grpcListener,
        ScaleMain::kotlinxJob);
    for (int round = 0; round < 2; round++) { // round 0 warms the code up and is not printed
      for (int i = 0; i < names.length; i++) {
        Object[] children = new Object[n];
        Tree tree = trees.get(i).get();
        long base = Heap.usedAfterGc();
        for (int k = 0; k < n; k++) {
          children[k] = tree.child();
        }
        long used = Heap.usedAfterGc();
        long t0 = System.nanoTime();
        tree.cancelParent();
        long t1 = System.nanoTime();
        int done = 0;
        for (Object c : children) {
          if (tree.isDone(c)) {
            done++;
          }
        }
        long t2 = System.nanoTime();
        if (done != n) {
          throw new AssertionError(names[i] + ": only " + done + " of " + n + " children done");
        }
        if (round == 1) {
          System.out.printf(Locale.ROOT, "| %s | %.1f | %.1f ms (%.1f ns/child) | %.1f ms |%n", names[i],
              (used - base) / (double) n, (t1 - t0) / 1e6, (t1 - t0) / (double) n, (t2 - t0) / 1e6);
        }
      }
    }
  }

  // ---------------------------------------------------------------------------------------
  // heap flatness under churn
  // ---------------------------------------------------------------------------------------

  private static void churn(int cycles) {
    System.out.printf(Locale.ROOT, "%n## churn: %,d derive+cancel cycles under one long-lived parent;"
        + " used heap after GC (MiB) every %,d cycles%n", cycles, cycles / 10);
    CancellableContext jcParent = Context.background().withCancel();
    io.grpc.Context.CancellableContext grpcParent = io.grpc.Context.ROOT.withCancellation();
    CompletableJob kxParent = JobKt.Job(null);
    ScheduledThreadPoolExecutor removeOnCancel = new ScheduledThreadPoolExecutor(1);
    removeOnCancel.setRemoveOnCancelPolicy(true);
    Duration hour = Duration.ofHours(1);
    churnOne("jcontext withCancel", cycles, () -> jcParent.withCancel().cancel());
    churnOne("jcontext withCancel + onDone", cycles, () -> {
      CancellableContext c = jcParent.withCancel();
      c.onDone(NOOP);
      c.cancel();
    });
    churnOne("jcontext withTimeout(1h)", cycles, () -> jcParent.withTimeout(hour).cancel());
    churnOne("grpc withDeadlineAfter(1h), removeOnCancel", cycles,
        () -> grpcParent.withDeadlineAfter(1, TimeUnit.HOURS, removeOnCancel).cancel(null));
    churnOne("kotlinx Job(parent)", cycles, () -> JobKt.Job(kxParent).cancel(null));
    // grpc-java 1.76 never unlinks a child that had a listener from its live parent (the
    // removeListener in notifyAndClearListeners looks for an entry owned by the parent, but the
    // entry is owned by the child), so each cycle leaves one entry behind and the next cycle's
    // removal scan grows with it: a bounded number of cycles shows the growth without taking hours.
    churnOne("grpc withCancellation + listener (" + Math.min(cycles, GRPC_LISTENER_CYCLES) + " cycles only)",
        Math.min(cycles, GRPC_LISTENER_CYCLES), () -> {
      io.grpc.Context.CancellableContext c = grpcParent.withCancellation();
      c.addListener(GRPC_NOOP, DIRECT);
      c.cancel(null);
    });
    removeOnCancel.shutdownNow();
    if (jcParent.isDone() || grpcParent.isCancelled() || kxParent.isCancelled()) {
      throw new AssertionError("parent cancelled");
    }
  }

  private static void churnOne(String name, int cycles, Runnable cycle) {
    int step = Math.max(1, cycles / 10);
    List<String> samples = new ArrayList<>();
    long first = Heap.usedAfterGc();
    long min = first;
    long max = first;
    samples.add(String.format(Locale.ROOT, "%.1f", first / 1048576.0));
    long t0 = System.nanoTime();
    for (int done = 0; done < cycles; ) {
      for (int k = 0; k < step; k++) {
        cycle.run();
      }
      done += step;
      long used = Heap.usedAfterGc();
      min = Math.min(min, used);
      max = Math.max(max, used);
      samples.add(String.format(Locale.ROOT, "%.1f", used / 1048576.0));
    }
    long elapsed = System.nanoTime() - t0;
    System.out.printf(Locale.ROOT, "| %s | %s | spread %s | %s |%n", name, String.join(" ", samples),
        Heap.mib(max - min), max - min < 2 * 1024 * 1024 ? "flat" : "GROWS");
    System.out.printf(Locale.ROOT, "|   (%.0f ns/cycle incl. GCs) | | | |%n", elapsed / (double) cycles);
  }

  // ---------------------------------------------------------------------------------------
  // mass wake-up
  // ---------------------------------------------------------------------------------------

  private static void wake(int n) throws Exception {
    System.out.printf(Locale.ROOT, "%n## wake: %,d waiters on one context; time from cancel() to all resumed%n", n);
    System.out.printf(Locale.ROOT, "| implementation | cancel() call | all resumed |%n|---|---|---|%n");
    for (int round = 0; round < 2; round++) {
      boolean print = round == 1;
      if (TaskExecutors.usesVirtualThreads()) {
        wakeThreads("jcontext awaitDone(), virtual threads", n, print, jcWaiter());
        wakeThreads("grpc addListener + CountDownLatch, virtual threads", n, print, grpcWaiter());
      } else if (print) {
        System.out.printf(Locale.ROOT, "| virtual threads | JDK %d has none: run on JDK 21+ | |%n",
            Runtime.version().feature());
      }
      report(print, "kotlinx Job.join(), coroutines on Dispatchers.Default", KxScale.wakeJobJoin(n));
      report(print, "jcontext done().await() (kotlinx-coroutines future), coroutines on Dispatchers.Default",
          KxScale.wakeContextDone(n));
      report(print, "jcontext-kotlin awaitDone(ctx), coroutines on Dispatchers.Default",
          KxScale.wakeBridgeAwaitDone(n));
    }
  }

  private static void report(boolean print, String name, long[] cancelAndAll) {
    if (print) {
      System.out.printf(Locale.ROOT, "| %s | %.2f ms | %.1f ms |%n", name, cancelAndAll[0] / 1e6, cancelAndAll[1] / 1e6);
    }
  }

  /** A waiter kind for virtual threads: set up the context, then block one thread on it. */
  private interface Waiter {
    Object newContext();

    void await(Object ctx) throws InterruptedException;

    void cancel(Object ctx);
  }

  private static Waiter jcWaiter() {
    return new Waiter() {
      public Object newContext() { return Context.background().withCancel(); }
      public void await(Object ctx) throws InterruptedException { ((Context) ctx).awaitDone(); }
      public void cancel(Object ctx) { ((CancellableContext) ctx).cancel(); }
    };
  }

  private static Waiter grpcWaiter() {
    return new Waiter() {
      public Object newContext() { return io.grpc.Context.ROOT.withCancellation(); }
      public void await(Object ctx) throws InterruptedException {
        CountDownLatch latch = new CountDownLatch(1);
        ((io.grpc.Context) ctx).addListener(c -> latch.countDown(), DIRECT);
        latch.await();
      }
      public void cancel(Object ctx) { ((io.grpc.Context.CancellableContext) ctx).cancel(null); }
    };
  }

  private static void wakeThreads(String name, int n, boolean print, Waiter waiter) throws Exception {
    Object ctx = waiter.newContext();
    CountDownLatch started = new CountDownLatch(n);
    CountDownLatch resumed = new CountDownLatch(n);
    Executor perTask = TaskExecutors.perTask();
    for (int i = 0; i < n; i++) {
      perTask.execute(() -> {
        started.countDown();
        try {
          waiter.await(ctx);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
        resumed.countDown();
      });
    }
    if (!started.await(60, TimeUnit.SECONDS)) {
      throw new AssertionError(name + ": waiters did not start");
    }
    Thread.sleep(1000); // let the last starters reach their wait and park
    long t0 = System.nanoTime();
    waiter.cancel(ctx);
    long t1 = System.nanoTime();
    if (!resumed.await(60, TimeUnit.SECONDS)) {
      throw new AssertionError(name + ": " + resumed.getCount() + " waiters never resumed");
    }
    long t2 = System.nanoTime();
    report(print, name, new long[] {t1 - t0, t2 - t0});
  }
}
