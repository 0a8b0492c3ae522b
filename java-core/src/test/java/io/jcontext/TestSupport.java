package io.jcontext;

import static org.junit.jupiter.api.Assertions.fail;

import java.lang.ref.Reference;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** Small helpers shared by the core tests. Real time appears only as generous liveness bounds. */
final class TestSupport {
  /** Upper bound for anything that should happen "soon" in real time. */
  static final Duration LIVENESS = Duration.ofSeconds(20);
  /** Runs tasks on the calling thread, so an afterFunc action's effect is visible when cancel returns. */
  static final Executor DIRECT = Runnable::run;

  private TestSupport() {}

  /** Code that may throw anything; for threads started by tests. */
  interface Body<T> {
    T run() throws Throwable;
  }

  /** Runs {@code body} on a new platform thread named {@code name}; the future carries its outcome. */
  static <T> CompletableFuture<T> async(String name, Body<T> body) {
    CompletableFuture<T> f = new CompletableFuture<>();
    Thread t = new Thread(() -> {
      try {
        f.complete(body.run());
      } catch (Throwable e) {
        f.completeExceptionally(e);
      }
    }, name);
    t.setDaemon(true);
    t.start();
    return f;
  }

  /** A blocking call whose result does not matter. */
  interface Blocking {
    void run() throws Exception;
  }

  /**
   * Runs {@code call} on a new thread; the future carries the {@link ContextException} it threw,
   * or null if it returned normally (any other failure fails the future).
   */
  static CompletableFuture<Throwable> asyncContextFailure(String name, Blocking call) {
    return async(name, () -> {
      try {
        call.run();
        return null;
      } catch (ContextException e) {
        return e;
      }
    });
  }

  /** Returns the future's value, failing the test if it does not complete within {@link #LIVENESS}. */
  static <T> T join(CompletableFuture<T> f) throws Exception {
    try {
      return f.get(LIVENESS.toMillis(), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("not completed within " + LIVENESS);
    }
  }

  /** Polls {@code condition} until it holds; fails after {@link #LIVENESS}. */
  static void eventually(String what, BooleanSupplier condition) throws InterruptedException {
    long end = System.nanoTime() + LIVENESS.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - end > 0) {
        fail("timed out waiting for: " + what);
      }
      Thread.sleep(1);
    }
  }

  /** Runs GCs until every reference is cleared; returns false if they are not after many tries. */
  static boolean gcUntilCleared(Reference<?>... refs) throws InterruptedException {
    for (int i = 0; i < 100; i++) {
      boolean all = true;
      for (Reference<?> r : refs) {
        all &= r.get() == null;
      }
      if (all) {
        return true;
      }
      System.gc();
      Thread.sleep(10);
    }
    return false;
  }

  /** Used heap after a few full GCs. */
  static long usedHeapAfterGc() throws InterruptedException {
    Runtime rt = Runtime.getRuntime();
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 5; i++) {
      System.gc();
      Thread.sleep(20);
      used = Math.min(used, rt.totalMemory() - rt.freeMemory());
    }
    return used;
  }

  /**
   * Installs an uncaught-exception handler on the current thread that records what it is given;
   * {@link #close()} restores the previous handler.
   */
  static final class Uncaught implements AutoCloseable {
    final List<Throwable> seen = new CopyOnWriteArrayList<>();
    private final Thread thread = Thread.currentThread();
    private final Thread.UncaughtExceptionHandler previous = thread.getUncaughtExceptionHandler();

    Uncaught() {
      thread.setUncaughtExceptionHandler((t, e) -> seen.add(e));
    }

    @Override
    public void close() {
      thread.setUncaughtExceptionHandler(previous);
    }
  }
}
