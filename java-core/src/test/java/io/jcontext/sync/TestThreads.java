package io.jcontext.sync;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Threads for tests: start a body on its own platform thread, and wait (for liveness only). */
final class TestThreads {
  /** A generous real-time bound for things that must happen; never a timing assertion. */
  static final Duration LIVENESS = Duration.ofSeconds(60);

  private TestThreads() {}

  @FunctionalInterface
  interface Body {
    void run() throws Exception;
  }

  /** A started thread and the outcome of its body. */
  static final class Started {
    final Thread thread;
    private final CountDownLatch finished = new CountDownLatch(1);
    private volatile Throwable failure;

    Started(Body body) {
      thread = new Thread(() -> {
        try {
          body.run();
        } catch (Throwable t) {
          failure = t;
        } finally {
          finished.countDown();
        }
      });
      thread.setDaemon(true);
      thread.start();
    }

    private void awaitFinished() throws InterruptedException {
      if (!finished.await(LIVENESS.toMillis(), TimeUnit.MILLISECONDS)) {
        AssertionError e = new AssertionError("thread did not finish: " + thread.getState());
        e.setStackTrace(thread.getStackTrace()); // where it is stuck
        throw e;
      }
      thread.join(LIVENESS.toMillis());
    }

    /** Waits for the body to return normally. */
    void join() throws Exception {
      awaitFinished();
      if (failure != null) {
        throw new AssertionError("thread failed", failure);
      }
    }

    /** Waits for the body to throw and returns what it threw. */
    Throwable failure() throws Exception {
      awaitFinished();
      if (failure == null) {
        throw new AssertionError("thread returned normally");
      }
      return failure;
    }

    /** Waits for the body to finish, however it ends. */
    void awaitQuietly() throws InterruptedException {
      awaitFinished();
    }

    boolean isDone() {
      return finished.getCount() == 0;
    }

    /** Whether the body has thrown (false while running). */
    boolean failed() {
      return isDone() && failure != null;
    }
  }

  static Started start(Body body) {
    return new Started(body);
  }

  /** Waits (real time, bounded by LIVENESS) until {@code condition} holds. */
  static void eventually(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + LIVENESS.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        fail("timed out waiting for: " + what);
      }
      LockSupport.parkNanos(50_000);
    }
  }
}
