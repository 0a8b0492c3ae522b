package io.jcontext.samples.cancel;

import io.jcontext.CancellableContext;
import io.jcontext.Context;
import io.jcontext.diagnostics.ContextDiagnostics;
import io.jcontext.diagnostics.LiveContexts;
import io.jcontext.samples.Diagnosing;
import io.jcontext.samples.Sample;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Seed 004, task 9: workers leaked by a context whose cancel was thrown away, found with the
 * library's profile of live contexts ({@link ContextDiagnostics#dump}: the live descendants of the
 * server context grouped by creation stack, Go's goroutine profile for contexts) and with thread
 * evidence (the stacks of all live threads), then fixed by handing the cancel to the caller.
 *
 * <p>The leaky starter derives a child and drops the handle, so nothing but an ancestor can ever
 * end it; its worker waits up to an hour. The fixed starter returns the {@link CancellableContext}
 * so the caller cancels it (try-with-resources) when it no longer needs the worker.
 */
public final class LeakDemo implements Sample {

  /** A worker's thread and the handle that stops it. */
  public record Worker(Thread thread, CancellableContext ctx) {}

  /**
   * The bug: starts a worker under a child of {@code parent} and discards the child's cancel.
   * {@code parked} counts down when the worker has started waiting; {@code tracked} receives a
   * weak reference to the child (for the heap evidence).
   */
  public static Thread startWorkerLeaky(Context parent, CountDownLatch parked,
      List<WeakReference<Context>> tracked) {
    CancellableContext ctx = parent.withCancel(); // handle dropped: only parent can end it
    tracked.add(new WeakReference<>(ctx));
    Thread t = new Thread(() -> worker(ctx, parked), "leakdemo-worker");
    t.setDaemon(true);
    t.start();
    return t;
  }

  /** The fix: the caller gets the handle and must cancel it. */
  public static Worker startWorker(Context parent, CountDownLatch parked,
      List<WeakReference<Context>> tracked) {
    CancellableContext ctx = parent.withCancel();
    tracked.add(new WeakReference<>(ctx));
    Thread t = new Thread(() -> worker(ctx, parked), "leakdemo-worker");
    t.setDaemon(true);
    t.start();
    return new Worker(t, ctx);
  }

  /**
   * The fixed pattern end to end: starts {@code n} workers under {@code parent}, waits until they
   * are parked, cancels each through its handle and joins it. Returns weak references to their
   * contexts; no strong reference to them survives this call (measuring in the same frame could
   * see one kept alive by a stale local variable).
   */
  public static List<WeakReference<Context>> startCancelAndJoin(Context parent, int n) throws InterruptedException {
    CountDownLatch parked = new CountDownLatch(n);
    List<WeakReference<Context>> refs = new ArrayList<>();
    List<Worker> workers = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      workers.add(startWorker(parent, parked, refs));
    }
    if (!parked.await(10, TimeUnit.SECONDS)) {
      throw new IllegalStateException("workers did not start");
    }
    for (Worker w : workers) {
      w.ctx().cancel();
    }
    for (Worker w : workers) {
      w.thread().join(10_000);
      if (w.thread().isAlive()) {
        throw new IllegalStateException("worker still running after cancel");
      }
    }
    return refs;
  }

  /** Waits for ctx or an hour, whichever is first (Go: select on ctx.Done() and time.After). */
  private static void worker(Context ctx, CountDownLatch parked) {
    parked.countDown();
    try {
      ctx.awaitDone(Duration.ofHours(1));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Thread evidence: the number of live threads whose stack is inside {@code LeakDemo.worker},
   * read from {@link Thread#getAllStackTraces()} as Go reads a goroutine profile.
   */
  public static int threadsInWorker() {
    int n = 0;
    for (Map.Entry<Thread, StackTraceElement[]> e : Thread.getAllStackTraces().entrySet()) {
      for (StackTraceElement frame : e.getValue()) {
        if (frame.getClassName().equals(LeakDemo.class.getName()) && frame.getMethodName().equals("worker")) {
          n++;
          break;
        }
      }
    }
    return n;
  }

  /**
   * Heap evidence: how many of the tracked contexts are still reachable after garbage collection
   * (a collected context is provably not retained by its parent, a timer or a thread).
   */
  public static int reachable(List<WeakReference<Context>> tracked) {
    int alive = count(tracked);
    if (alive > 0) {
      System.gc(); // a full collection clears the weak references to everything unreachable
      int after = count(tracked);
      if (after > 0 && after < alive) {
        System.gc(); // some went, some stayed: make sure the rest is not merely late
        after = count(tracked);
      }
      alive = after;
    }
    return alive;
  }

  /**
   * Heap evidence that the tracked contexts are released: collects until none is reachable, for
   * at most {@code bound} (a liveness guard), and returns how many still are. Needed right after
   * joining threads: a thread that {@code join} reports finished can still be a GC root for a
   * moment while the JVM tears it down, and with it the task that captured its context.
   */
  public static int reachableAfterRelease(List<WeakReference<Context>> tracked, java.time.Duration bound) {
    long end = System.nanoTime() + bound.toNanos();
    int alive = reachable(tracked);
    while (alive > 0 && System.nanoTime() < end) {
      Thread.yield();
      System.gc();
      alive = count(tracked);
    }
    return alive;
  }

  private static int count(List<WeakReference<Context>> tracked) {
    int n = 0;
    for (WeakReference<Context> r : tracked) {
      if (r.get() != null) {
        n++;
      }
    }
    return n;
  }

  @Override
  public String id() {
    return "004-09";
  }

  @Override
  public String title() {
    return "leak from a never-cancelled context";
  }

  @Override
  public String run() throws Exception {
    int n = 100;
    int baseline = threadsInWorker();
    try (Diagnosing session = Diagnosing.on(Duration.ofMinutes(1))) {
      // The leak: a long-lived server context, 100 workers whose cancel was discarded.
      CancellableContext server = Context.background().withCancel();
      CountDownLatch parked = new CountDownLatch(n);
      List<Thread> leaked = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        leaked.add(startWorkerLeaky(server, parked, new ArrayList<>()));
      }
      if (!parked.await(10, TimeUnit.SECONDS)) {
        throw new IllegalStateException("workers did not start");
      }
      int leakedThreads = threadsInWorker() - baseline;
      LiveContexts profile = ContextDiagnostics.dump(server); // what a user looks at
      LiveContexts.Group group = profile.groups().get(0);

      // The fix: every worker's cancel is called by its caller; the profile does not grow.
      startCancelAndJoin(server, n);
      int afterFixed = ContextDiagnostics.dump(server).total();

      // Only the ancestor can end the leaked ones.
      server.cancel();
      for (Thread t : leaked) {
        t.join(10_000);
      }
      int afterShutdown = threadsInWorker() - baseline;
      int liveAfterShutdown = ContextDiagnostics.dump(server).total();
      if (leakedThreads != n || profile.total() != n || profile.groups().size() != 1 || group.count() != n
          || !group.site().get(0).getMethodName().equals("startWorkerLeaky") || afterFixed != n
          || afterShutdown != 0 || liveAfterShutdown != 0) {
        throw new IllegalStateException("leaked " + leakedThreads + " threads, profile " + profile
            + "; after the fixed workers " + afterFixed + "; after shutdown " + afterShutdown + " threads, "
            + liveAfterShutdown + " contexts");
      }
      return "leaky: " + leakedThreads + " threads parked in worker; live-context profile: " + group.count()
          + " " + group.contextKind() + " @ " + Diagnosing.top(group.site()) + "; fixed workers add "
          + (afterFixed - n) + "; leak ended only by cancelling the server context";
    }
  }
}
