package io.jcontext;

import io.jcontext.internal.Durable;
import java.lang.reflect.Method;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The executor the library runs independent work on when the caller supplies none:
 * {@link Context#afterFunc(Runnable)} actions and the tasks of {@code io.jcontext.sync.Group}.
 */
public final class TaskExecutors {
  private static final Executor PER_TASK = create();

  private TaskExecutors() {}

  /**
   * Returns an executor that runs every task on a thread of its own, as Go runs a function in a
   * new goroutine: a new virtual thread per task when the JVM has them (JDK 21+), otherwise a
   * daemon platform thread from a cached pool (idle threads exit after a minute). It never
   * rejects a task and never runs it on the calling thread. Every call returns the same executor,
   * except on a thread of a {@code io.jcontext.testing.Bubble}, where it returns that bubble's
   * executor, so that the threads it starts belong to the bubble too.
   */
  public static Executor perTask() {
    Executor bubble = Durable.executorFor(null);
    return bubble != null ? bubble : PER_TASK;
  }

  /**
   * Returns the executor the library uses by default for work on behalf of {@code ctx} (the
   * actions of {@link Context#afterFunc(Runnable)}, the tasks of
   * {@code Group.withContext(ctx)}): the executor of the {@code io.jcontext.testing.Bubble} that
   * {@code ctx} (through its clock) or the calling thread belongs to, otherwise
   * {@link #perTask()}.
   */
  public static Executor forContext(Context ctx) {
    Executor bubble = Durable.executorFor(ctx);
    return bubble != null ? bubble : PER_TASK;
  }

  /** Returns whether {@link #perTask()} runs tasks on virtual threads. */
  public static boolean usesVirtualThreads() {
    return !(PER_TASK instanceof java.util.concurrent.ThreadPoolExecutor);
  }

  private static Executor create() {
    try {
      // JDK 21+: looked up reflectively because the core is compiled for Java 17.
      Method m = Executors.class.getMethod("newVirtualThreadPerTaskExecutor");
      return (ExecutorService) m.invoke(null);
    } catch (ReflectiveOperationException | UnsupportedOperationException | LinkageError e) {
      AtomicInteger n = new AtomicInteger();
      ThreadFactory factory = r -> {
        Thread t = new Thread(r, "jcontext-task-" + n.incrementAndGet());
        t.setDaemon(true);
        return t;
      };
      return Executors.newCachedThreadPool(factory);
    }
  }
}
