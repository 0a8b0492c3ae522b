package io.jcontext.sync;

import io.jcontext.CancellableContext;
import io.jcontext.Context;
import io.jcontext.ContextException;
import io.jcontext.TaskExecutors;
import io.jcontext.internal.Durable;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * A group of tasks working on parts of one job, with the semantics of Go's
 * {@code golang.org/x/sync/errgroup}: the first failure cancels the group's context, and
 * {@link #await()} waits for every task and reports that first failure.
 *
 * <pre>{@code
 * Group g = Group.withContext(ctx);
 * for (String url : urls) {
 *   g.go(gctx -> pages.put(url, fetch(gctx, url)));   // gctx == g.context()
 * }
 * g.await();   // throws ExecutionException(first failure) after all tasks have returned
 * }</pre>
 *
 * <p><b>Context.</b> {@link #context()} is a cancellable child of the parent, passed to every
 * task. It is cancelled the first time a task fails (its {@link Context#cause() cause} is that
 * failure), or when {@code await} returns, whichever comes first: after {@code await} it is
 * always done, with the first failure or {@code ContextCancelledException} as cause.
 *
 * <p><b>Failures.</b> Any exception <em>or error</em> a task throws is a failure; the first one
 * (by completion order) is the group's error. Unlike current Go, which lets a panic crash the
 * process, nothing is lost on a task's thread. {@code await} wraps it in an
 * {@link ExecutionException} (as {@code Future.get} does), keeping both stack traces.
 *
 * <p><b>Threads.</b> Each task runs on a thread of its own from the executor:
 * {@link TaskExecutors#perTask()} (a virtual thread per task on JDK 21+, else a pooled daemon
 * platform thread) unless one is given to {@link #withContext(Context, Executor)}.
 *
 * <p><b>Limit.</b> {@link #setLimit(int)} bounds the number of running tasks. With a limit,
 * {@link #go} waits for a free slot, regardless of any context, as Go does; with limit 0 it
 * waits forever (until interrupted). {@link #tryGo} never waits.
 *
 * <p><b>Without blocking.</b> {@link #awaitAsync()} is {@code await} as a
 * {@link CompletionStage} (the Kotlin bridge's {@code awaitSuspending} suspends on it), and
 * {@link #goAsync(ContextTask)} is {@code go} that waits for a slot in the limit's line without
 * holding a thread.
 *
 * <p><b>Reuse.</b> As in Go, a group may be awaited more than once and given more tasks after
 * {@code await}; the first error stays, and the context stays cancelled.
 *
 * <p><b>Memory.</b> Thread-safe. Everything a task did happens-before {@code await} returns or
 * throws; {@code go} happens-before the task starts.
 */
public final class Group {
  private final CancellableContext ctx;
  private final Executor executor;
  /** The first failure; set once, never cleared. */
  private final AtomicReference<Throwable> error = new AtomicReference<>();
  /** Tasks started and not yet finished; await waits on allDone for it to reach 0. */
  private final AtomicInteger active = new AtomicInteger();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition allDone = lock.newCondition();
  /** Bubble threads parked in await (io.jcontext.internal.Durable); guarded by lock; usually null. */
  private List<Durable.Member> parked;
  /** awaitAsync stages waiting for active to reach 0; guarded by lock; cancelled ones leave. */
  private List<CompletableFuture<Void>> idleWaiters = new ArrayList<>();
  /** The limit's slots, or null for no limit; replaced only by setLimit. */
  private volatile PermitQueue slots;

  private Group(CancellableContext ctx, Executor executor) {
    this.ctx = ctx;
    this.executor = executor;
  }

  /**
   * Returns a group whose tasks run on {@link TaskExecutors#perTask()} under a new cancellable
   * child of {@code parent} (Go's {@code errgroup.WithContext}). If {@code parent} is already
   * done, so is the group's context, and tasks see that when they start.
   */
  public static Group withContext(Context parent) {
    return withContext(parent, TaskExecutors.forContext(parent));
  }

  /** Returns a group like {@link #withContext(Context)} whose tasks run on {@code executor}. */
  public static Group withContext(Context parent, Executor executor) {
    Objects.requireNonNull(parent, "parent");
    Objects.requireNonNull(executor, "executor");
    return new Group(parent.withCancel(), executor);
  }

  /**
   * Runs {@code tasks} concurrently under one derived context and returns when all have returned:
   * structured concurrency. The first failure cancels the others. Nothing the
   * call started outlives it, and the derived context is cancelled when it returns.
   *
   * <p>If {@code ctx} is already done, nothing starts and {@code ctx.err()} is thrown. No tasks
   * return at once. If the calling thread is interrupted, the derived context is cancelled (its
   * cause is the {@link InterruptedException}), the call still waits for every task to return,
   * and then throws the {@code InterruptedException}.
   *
   * @throws ExecutionException with the first failure as its cause
   * @throws ContextException {@code ctx.err()} if {@code ctx} is done on entry
   * @throws NullPointerException if {@code ctx}, {@code tasks} or a task is null
   */
  public static void run(Context ctx, ContextTask... tasks) throws InterruptedException, ExecutionException {
    Objects.requireNonNull(ctx, "ctx");
    for (ContextTask t : Objects.requireNonNull(tasks, "tasks")) {
      Objects.requireNonNull(t, "task");
    }
    ctx.throwIfDone();
    if (tasks.length == 0) {
      return;
    }
    Group g = withContext(ctx);
    for (ContextTask t : tasks) {
      g.start(t, null, null);
    }
    InterruptedException interrupt = null;
    try {
      while (true) {
        try {
          g.await();
          break;
        } catch (InterruptedException e) {
          interrupt = interrupt == null ? e : interrupt; // await cancelled the context; keep joining
        }
      }
    } catch (ExecutionException e) {
      if (interrupt == null) {
        throw e;
      }
    }
    if (interrupt != null) {
      throw interrupt;
    }
  }

  /** Returns the group's derived context: the one every task receives. */
  public Context context() {
    return ctx;
  }

  /**
   * Starts {@code task} on its own thread. With a limit, first waits until fewer than the limit
   * are running (forever with limit 0). Never runs the task on the calling thread.
   *
   * @throws InterruptedException if interrupted while waiting for a slot (the task is not started)
   * @throws RejectedExecutionException if the executor rejects it (the group is unchanged)
   */
  public void go(ContextTask task) throws InterruptedException {
    Objects.requireNonNull(task, "task");
    PermitQueue s = slots;
    if (s != null) {
      s.acquire(Context.background(), 1);
    }
    start(task, s, null);
  }

  /**
   * Starts {@code task} if the limit allows it now, and returns whether it did; never waits.
   * Always true without a limit, always false with limit 0.
   *
   * @throws RejectedExecutionException if the executor rejects it (the group is unchanged)
   */
  public boolean tryGo(ContextTask task) {
    Objects.requireNonNull(task, "task");
    PermitQueue s = slots;
    if (s != null && !s.tryAcquire(1)) {
      return false;
    }
    start(task, s, null);
    return true;
  }

  /**
   * Limits the group to {@code n} running tasks; a negative {@code n} removes the limit.
   *
   * @throws IllegalStateException if tasks started under the current limit are still running
   */
  public void setLimit(int n) {
    PermitQueue current = slots;
    if (current != null) {
      long running = current.size - current.available(); // read once
      if (running != 0) {
        throw new IllegalStateException("cannot change the limit while " + running + " tasks of the group are running");
      }
    }
    PermitQueue q = n < 0 ? null : new PermitQueue(n);
    if (q != null) {
      q.owner = this;
    }
    slots = q;
  }

  /**
   * Waits until every task started so far has returned, then cancels the context and throws the
   * first failure, if any (Go's {@code Wait}).
   *
   * @throws ExecutionException with the group's first failure as its cause
   * @throws InterruptedException if interrupted while waiting; the context is then cancelled
   *     with the {@code InterruptedException} as cause, and the tasks may still be running (call
   *     {@code await} again to wait for them)
   */
  public void await() throws InterruptedException, ExecutionException {
    lock.lock();
    Durable.Member m = null;
    try {
      while (active.get() != 0) {
        if (m == null && (m = Durable.current()) != null) {
          if (parked == null) {
            parked = new ArrayList<>(2);
          }
          parked.add(m);
        }
        if (m != null) {
          m.block(new Awaiting(), ctx); // durably blocked; finish() wakes it under the lock
        }
        allDone.await();
      }
    } catch (InterruptedException e) {
      ctx.cancel(e);
      throw e;
    } finally {
      if (m != null) {
        parked.remove(m);
        m.unblock();
      }
      lock.unlock();
    }
    Throwable first = error.get();
    ctx.cancel(first);
    if (first != null) {
      throw new ExecutionException(first);
    }
  }

  /**
   * {@link #await()} without blocking (Go's {@code Wait} as a stage): the returned stage completes
   * once every task started so far has returned (at once if none is running); at that moment the
   * group's context is cancelled and the stage completes normally, or exceptionally with an
   * {@link ExecutionException} whose cause is the group's first failure.
   *
   * <p><b>Where dependents run.</b> Actions attached with the non-{@code Async} methods run on the
   * thread of the task that finished last, right after it returned (or on the caller, if the
   * group is idle); use the {@code *Async} methods with an executor to choose.
   *
   * <p><b>Cancellation.</b> Each call returns a new stage. Cancelling it (e.g. the Kotlin bridge
   * does when the awaiting coroutine is cancelled) cancels the group's context with the
   * {@code CancellationException} as cause, as an interrupt of {@code await} does, and removes
   * the stage from the group; the tasks may still be running.
   */
  public CompletionStage<@Nullable Void> awaitAsync() {
    CompletableFuture<Void> f = new CompletableFuture<>();
    boolean idle;
    lock.lock();
    try {
      idle = active.get() == 0;
      if (!idle) {
        idleWaiters.add(f);
      }
    } finally {
      lock.unlock();
    }
    if (idle) {
      completeAwait(f);
      return f;
    }
    f.whenComplete((v, e) -> {
      if (f.isCancelled()) {
        lock.lock();
        try {
          idleWaiters.remove(f);
        } finally {
          lock.unlock();
        }
        ctx.cancel(e);
      }
    });
    return f;
  }

  private void completeAwait(CompletableFuture<Void> f) {
    Throwable first = error.get();
    ctx.cancel(first);
    if (first != null) {
      f.completeExceptionally(new ExecutionException(first));
    } else {
      f.complete(null);
    }
  }

  /**
   * {@link #go} without blocking: starts {@code task} once the limit allows, waiting in the
   * limit's FIFO line (shared with blocked {@code go} calls) without holding a thread. The
   * returned stage completes when the task has been handed to the executor: at once if a slot is
   * free (or there is no limit), else on the task's own thread just before the task runs. It
   * completes exceptionally with {@link RejectedExecutionException} if the executor rejects the
   * task (the slot is given back). A task that waited is handed to the executor
   * ({@code Executor.execute}) by the thread that freed its slot: the thread of a task that just
   * finished, after the group's state is consistent.
   *
   * <p><b>Cancellation.</b> Cancelling the stage while it waits for a slot withdraws the request:
   * the task never starts and the line moves on. If the slot was granted at that instant the task
   * starts anyway (and counts for {@link #await()} as usual), although the stage reports
   * cancellation.
   */
  public CompletionStage<@Nullable Void> goAsync(ContextTask task) {
    Objects.requireNonNull(task, "task");
    PermitQueue s = slots;
    if (s == null || s.tryAcquire(1)) {
      return startNow(task, s);
    }
    SlotWaiter w = new SlotWaiter(task, s);
    w.n = 1;
    w.queue = s;
    if (s.acquireOrEnqueue(w)) {
      return startNow(task, s);
    }
    w.future.whenComplete((v, e) -> {
      if (w.future.isCancelled() && !w.cancel()) {
        w.decide(SlotWaiter.ABANDONED); // granted first: wake() starts it unless we decide first
      }
    });
    return w.future;
  }

  private CompletionStage<Void> startNow(ContextTask task, PermitQueue s) {
    try {
      start(task, s, null);
    } catch (RejectedExecutionException e) {
      return CompletableFuture.failedFuture(e);
    }
    return CompletableFuture.completedFuture(null);
  }

  /** A goAsync request in the limit's line; wake() runs once it is granted a slot. */
  private final class SlotWaiter extends LockWaiter {
    static final int UNDECIDED = 0;
    static final int STARTED = 1;
    static final int ABANDONED = 2;

    final ContextTask task;
    final PermitQueue slots;
    final CompletableFuture<Void> future = new CompletableFuture<>();
    final AtomicInteger decision = new AtomicInteger();

    SlotWaiter(ContextTask task, PermitQueue slots) {
      this.task = task;
      this.slots = slots;
    }

    boolean decide(int d) {
      return decision.compareAndSet(UNDECIDED, d);
    }

    @Override
    protected void wake() { // granted (strict engine): the slot is ours
      if (!decide(STARTED)) {
        slots.release(1, 0); // the request was cancelled as it was granted
        return;
      }
      try {
        start(task, slots, future);
      } catch (RejectedExecutionException e) {
        future.completeExceptionally(e); // start gave the slot back
      }
    }
  }

  /** Returns {@code Group[n running, failed|ok, ctx]}. */
  /** Describes a wait in {@link #await()}, for a bubble's deadlock report. */
  private final class Awaiting {
    @Override
    public String toString() {
      return "Group.await on " + Group.this;
    }
  }

  @Override
  public String toString() {
    return "Group[" + active.get() + " running, " + (error.get() != null ? "failed" : "ok") + ", " + ctx + "]";
  }

  private void start(ContextTask task, PermitQueue s, CompletableFuture<Void> started) {
    active.incrementAndGet();
    try {
      executor.execute(() -> {
        if (started != null) {
          started.complete(null);
        }
        runTask(task, s);
      });
    } catch (Throwable e) {
      finish(s); // undo: the task never ran
      throw e;
    }
  }

  private void runTask(ContextTask task, PermitQueue s) {
    try {
      task.run(ctx);
    } catch (Throwable e) {
      if (error.compareAndSet(null, e)) {
        ctx.cancel(e);
      }
    } finally {
      finish(s);
    }
  }

  private void finish(PermitQueue s) {
    if (s != null) {
      s.release(1, 0); // before the count: a waiting go() may start once await could return
    }
    if (active.decrementAndGet() == 0) {
      List<CompletableFuture<Void>> idle = null;
      lock.lock();
      try {
        if (parked != null) {
          for (Durable.Member m : parked) {
            m.wake(); // runnable for their bubble before they can run
          }
        }
        allDone.signalAll();
        if (active.get() == 0 && !idleWaiters.isEmpty()) { // not restarted meanwhile
          idle = idleWaiters;
          idleWaiters = new ArrayList<>();
        }
      } finally {
        lock.unlock();
      }
      if (idle != null) {
        for (CompletableFuture<Void> f : idle) {
          completeAwait(f);
        }
      }
    }
  }
}
