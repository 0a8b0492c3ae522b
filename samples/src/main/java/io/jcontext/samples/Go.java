package io.jcontext.samples;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A body of code running on a thread of its own, like a goroutine, whose result or exception can
 * be collected exactly as thrown (no {@code ExecutionException} wrapping). Used by the samples to
 * start workers; waits are bounded so a broken library fails a sample instead of hanging it.
 *
 * @param <T> the result type
 */
public final class Go<T> {
  private final Thread thread;
  private final CountDownLatch finished = new CountDownLatch(1);
  /** Written by the worker before {@code finished} counts down; read after. */
  private T result;
  private Throwable error;

  private Go(String name, Callable<T> body) {
    thread = new Thread(() -> {
      try {
        result = body.call();
      } catch (Throwable t) {
        error = t;
      } finally {
        finished.countDown();
      }
    }, name);
    thread.setDaemon(true);
  }

  /** Starts {@code body} on a new daemon thread named {@code name}. */
  public static <T> Go<T> start(String name, Callable<T> body) {
    Go<T> go = new Go<>(name, body);
    go.thread.start();
    return go;
  }

  /** Starts a body without result. */
  public static Go<Void> run(String name, ThrowingRunnable body) {
    return start(name, () -> {
      body.run();
      return null;
    });
  }

  /** Returns the thread running the body. */
  public Thread thread() {
    return thread;
  }

  /** Waits up to {@code timeout} (real time) for the body to end; returns whether it ended. */
  public boolean await(Duration timeout) throws InterruptedException {
    return finished.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  /** Returns whether the body has ended. */
  public boolean isFinished() {
    return finished.getCount() == 0;
  }

  /**
   * Waits up to {@code timeout} and returns the body's result, or throws exactly what the body
   * threw.
   *
   * @throws TimeoutException if the body is still running after {@code timeout}
   */
  public T join(Duration timeout) throws Exception {
    if (!await(timeout)) {
      throw new TimeoutException(thread.getName() + " still running after " + timeout);
    }
    if (error instanceof Exception) {
      throw (Exception) error;
    }
    if (error instanceof Error) {
      throw (Error) error;
    }
    return result;
  }

  /**
   * Waits up to {@code timeout} and returns what the body threw, or null if it returned normally.
   *
   * @throws TimeoutException if the body is still running after {@code timeout}
   */
  public Throwable failure(Duration timeout) throws InterruptedException, TimeoutException {
    if (!await(timeout)) {
      throw new TimeoutException(thread.getName() + " still running after " + timeout);
    }
    return error;
  }

  /** A body that may throw. */
  @FunctionalInterface
  public interface ThrowingRunnable {
    /** Runs the body. */
    void run() throws Exception;
  }
}
