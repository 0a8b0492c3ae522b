package io.jcontext.bench.scale;

import io.jcontext.CancellableContext;
import io.jcontext.Context;
import io.jcontext.Key;
import io.jcontext.bench.CpuTime;
import io.jcontext.bench.kt.BridgeOps;
import io.jcontext.bench.kt.KxSync;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import kotlinx.coroutines.sync.MutexKt;

/**
 * The key single-threaded shapes of the JMH suite timed in <em>thread CPU time</em> instead of
 * wall time: on a shared machine whose cores are oversubscribed, a JMH iteration measures
 * mostly how often the benchmark thread was descheduled, while CPU time counts only the
 * instructions the thread itself ran. Each shape is its own class with its own loop (no shared
 * megamorphic call site); the figure is the best of 15 rounds of 1 000 000 operations after 5
 * warm-up rounds. A cross-check of the JMH table, not a replacement: it cannot see costs that
 * land on other threads (the grpc scheduler's worker, the jcontext timer thread).
 *
 * <p>{@code java -cp benchmarks.jar io.jcontext.bench.scale.CpuTimeMain [filter]}
 */
public final class CpuTimeMain {
  private static final int OPS = 1_000_000;

  /** Written by every operation so that nothing is optimised away. */
  static volatile Object sink;

  private CpuTimeMain() {}

  /** One shape: runs n operations. */
  abstract static class Shape {
    final String name;

    Shape(String name) {
      this.name = name;
    }

    abstract void run(int n);

    /** Operations per round. */
    int ops() {
      return OPS;
    }
  }

  /**
   * A Kotlin-bridge shape: {@code batch} runs one {@link BridgeOps#BATCH} of operations (one
   * {@code runBlocking}, whose event loop runs on this thread, so its CPU time is counted);
   * 100 000 operations per round, as a launch costs hundreds of ns. Run these one per JVM
   * (pass the full shape name as the filter): they share kotlinx's {@code JobSupport} and
   * {@code CombinedContext} code, and the bound/carried shapes' profiles slow the plain one down.
   */
  static final class BridgeShape extends Shape {
    private final java.util.function.IntSupplier batch;

    BridgeShape(String name, java.util.function.IntSupplier batch) {
      super(name);
      this.batch = batch;
    }

    @Override
    int ops() {
      return 100_000;
    }

    @Override
    void run(int n) {
      int r = 0;
      for (int i = 0; i < n; i += BridgeOps.BATCH) {
        r += batch.getAsInt();
      }
      sink = r;
    }
  }

  private static final io.jcontext.sync.Mutex CONTEXT_MUTEX = io.jcontext.sync.Mutex.create();
  private static final kotlinx.coroutines.sync.Mutex KX_MUTEX = MutexKt.Mutex(false);
  private static final KxSync.Counter COUNTER = new KxSync.Counter();

  private static final Context JC_ROOT = Context.background();
  private static final CancellableContext JC_LIVE = Context.background().withCancel();
  private static final io.grpc.Context GRPC_ROOT = io.grpc.Context.ROOT;
  private static final io.grpc.Context.CancellableContext GRPC_LIVE = io.grpc.Context.ROOT.withCancellation();
  private static final Duration HOUR = Duration.ofHours(1);
  private static final ScheduledThreadPoolExecutor SCHEDULER = new ScheduledThreadPoolExecutor(1);
  private static final int DEPTH = 8;
  private static final List<Key<String>> JC_KEYS = new ArrayList<>();
  private static final List<io.grpc.Context.Key<String>> GRPC_KEYS = new ArrayList<>();
  private static final Context JC_VALUES;
  private static final io.grpc.Context GRPC_VALUES;

  static {
    SCHEDULER.setRemoveOnCancelPolicy(true);
    Context jc = JC_ROOT;
    io.grpc.Context grpc = GRPC_ROOT;
    for (int i = 0; i < DEPTH; i++) {
      JC_KEYS.add(Key.of("k" + i, String.class));
      GRPC_KEYS.add(io.grpc.Context.key("k" + i));
      jc = jc.withValue(JC_KEYS.get(i), "v" + i);
      grpc = grpc.withValue(GRPC_KEYS.get(i), "v" + i);
    }
    JC_VALUES = jc;
    GRPC_VALUES = grpc;
  }

  static List<Shape> shapes() {
    List<Shape> s = new ArrayList<>();
    s.add(new Shape("childOfRoot_jcontext") {
      void run(int n) {
        for (int i = 0; i < n; i++) {
          CancellableContext c = JC_ROOT.withCancel();
          c.cancel();
          sink = c;
        }
      }
    });
    s.add(new Shape("childOfRoot_grpc") {
      void run(int n) {
        for (int i = 0; i < n; i++) {
          io.grpc.Context.CancellableContext c = GRPC_ROOT.withCancellation();
          c.cancel(null);
          sink = c;
        }
      }
    });
    s.add(new Shape("childOfLive_jcontext") {
      void run(int n) {
        for (int i = 0; i < n; i++) {
          CancellableContext c = JC_LIVE.withCancel();
          c.cancel();
          sink = c;
        }
      }
    });
    s.add(new Shape("childOfLive_grpc") {
      void run(int n) {
        for (int i = 0; i < n; i++) {
          io.grpc.Context.CancellableContext c = GRPC_LIVE.withCancellation();
          c.cancel(null);
          sink = c;
        }
      }
    });
    s.add(new Shape("timeoutCancel_jcontext") {
      void run(int n) {
        for (int i = 0; i < n; i++) {
          CancellableContext c = JC_ROOT.withTimeout(HOUR);
          c.cancel();
          sink = c;
        }
      }
    });
    s.add(new Shape("timeoutCancel_grpc_removeOnCancel") {
      void run(int n) {
        for (int i = 0; i < n; i++) {
          io.grpc.Context.CancellableContext c = GRPC_ROOT.withDeadlineAfter(1, TimeUnit.HOURS, SCHEDULER);
          c.cancel(null);
          sink = c;
        }
      }
    });
    s.add(new Shape("poll_jcontext") {
      void run(int n) {
        int done = 0;
        for (int i = 0; i < n; i++) {
          if (JC_LIVE.isDone()) {
            done++;
          }
        }
        sink = done;
      }
    });
    s.add(new Shape("poll_grpc") {
      void run(int n) {
        int done = 0;
        for (int i = 0; i < n; i++) {
          if (GRPC_LIVE.isCancelled()) {
            done++;
          }
        }
        sink = done;
      }
    });
    s.add(new Shape("valueDepth8_jcontext") {
      void run(int n) {
        Key<String> k = JC_KEYS.get(0);
        for (int i = 0; i < n; i++) {
          sink = JC_VALUES.value(k);
        }
      }
    });
    s.add(new Shape("valueDepth8_grpc") {
      void run(int n) {
        io.grpc.Context.Key<String> k = GRPC_KEYS.get(0);
        for (int i = 0; i < n; i++) {
          sink = k.get(GRPC_VALUES);
        }
      }
    });
    s.add(new Shape("valueDepth1_jcontext") {
      void run(int n) {
        Key<String> k = JC_KEYS.get(DEPTH - 1);
        for (int i = 0; i < n; i++) {
          sink = JC_VALUES.value(k);
        }
      }
    });
    s.add(new Shape("valueDepth1_grpc") {
      void run(int n) {
        io.grpc.Context.Key<String> k = GRPC_KEYS.get(DEPTH - 1);
        for (int i = 0; i < n; i++) {
          sink = k.get(GRPC_VALUES);
        }
      }
    });
    // The Kotlin bridge (BridgeBenchmark's shapes).
    s.add(new BridgeShape("bridgeMutexSuspend_jcontext",
        () -> (int) BridgeOps.contextMutexLoop(CONTEXT_MUTEX, JC_ROOT, COUNTER)));
    s.add(new BridgeShape("bridgeMutexSuspend_kotlinx", () -> (int) BridgeOps.kotlinxMutexLoop(KX_MUTEX, COUNTER)));
    s.add(new Shape("bridgeMutexTryLock_jcontext") {
      void run(int n) {
        for (int i = 0; i < n; i++) {
          if (!CONTEXT_MUTEX.tryLock()) {
            throw new AssertionError();
          }
          CONTEXT_MUTEX.unlock();
        }
      }
    });
    s.add(new Shape("bridgeMutexTryLock_kotlinx") {
      void run(int n) {
        for (int i = 0; i < n; i++) {
          if (!KX_MUTEX.tryLock(null)) {
            throw new AssertionError();
          }
          KX_MUTEX.unlock(null);
        }
      }
    });
    s.add(new BridgeShape("launchUndispatched_jcontextBound", () -> BridgeOps.launchBound(JC_LIVE, true)));
    s.add(new BridgeShape("launchUndispatched_jcontextCarried", () -> BridgeOps.launchCarried(JC_LIVE, true)));
    s.add(new BridgeShape("launchUndispatched_kotlinxPlain", () -> BridgeOps.launchPlain(true)));
    s.add(new BridgeShape("launchDispatched_jcontextBound", () -> BridgeOps.launchBound(JC_LIVE, false)));
    s.add(new BridgeShape("launchDispatched_jcontextCarried", () -> BridgeOps.launchCarried(JC_LIVE, false)));
    s.add(new BridgeShape("launchDispatched_kotlinxPlain", () -> BridgeOps.launchPlain(false)));
    s.add(new BridgeShape("firstCurrentContext_baseline", () -> BridgeOps.launchPlainBody(true)));
    s.add(new BridgeShape("firstCurrentContext_plain", () -> BridgeOps.launchPlainCurrentContext(true)));
    s.add(new BridgeShape("firstCurrentContext_carried", () -> BridgeOps.launchCarriedCurrentContext(JC_LIVE, true)));
    s.add(new Shape("baseline_volatileStore") {
      void run(int n) {
        for (int i = 0; i < n; i++) {
          sink = JC_ROOT;
        }
      }
    });
    return s;
  }

  public static void main(String[] args) throws InterruptedException {
    String filter = args.length > 0 ? args[0] : "";
    System.out.printf(Locale.ROOT, "# JDK %s, %d CPUs; thread CPU time, best of 15 x %,d ops (bridge shapes: 100,000)%n",
        System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(), OPS);
    System.out.println("| shape | ns/op (CPU) |");
    System.out.println("|---|---|");
    for (Shape shape : shapes()) {
      if (!shape.name.contains(filter)) {
        continue;
      }
      int ops = shape.ops();
      double best = CpuTime.bestNsPerOp(ops, () -> shape.run(ops));
      System.out.printf(Locale.ROOT, "| %s | %.1f |%n", shape.name, best);
    }
    SCHEDULER.shutdownNow();
    JC_LIVE.cancel();
  }
}
