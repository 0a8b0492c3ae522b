package io.jcontext;

import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

/** Running user callbacks without letting their exceptions stop a cancellation. */
final class Callbacks {
  /** A {@link Stop} for a registration that can no longer be prevented. */
  static final Stop ALREADY_RAN = () -> false;

  private Callbacks() {}

  /** Runs {@code callback}; an exception it throws goes to the thread's uncaught-exception handler. */
  static void run(Runnable callback) {
    try {
      callback.run();
    } catch (Throwable t) {
      report(t);
    }
  }

  /** Hands {@code action} to {@code executor}; a rejection goes to the uncaught-exception handler. */
  static void execute(Executor executor, Runnable action) {
    try {
      executor.execute(action);
    } catch (Throwable t) {
      report(t);
    }
  }

  /** Passes {@code t} to the current thread's uncaught-exception handler. */
  static void report(Throwable t) {
    Thread thread = Thread.currentThread();
    try {
      thread.getUncaughtExceptionHandler().uncaughtException(thread, t);
    } catch (Throwable ignored) {
      // a handler that throws must not break the cancellation either
    }
  }

  /**
   * Returns a {@link Stop} for a registration on a context that can never be done: nothing was
   * registered, so the first call reports that it prevented the run, and later calls do not.
   */
  static Stop neverRuns() {
    AtomicBoolean stopped = new AtomicBoolean();
    return () -> stopped.compareAndSet(false, true);
  }
}
