package io.jcontext;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import io.jcontext.internal.Durable;
import java.util.concurrent.locks.LockSupport;

/**
 * The blocking helpers of {@link Context}: one parked thread woken by whichever of "context done",
 * "timer fired" or "stage completed" happens first.
 *
 * <p>Every wait registers an {@code onDone} callback and, if timed, a timer on the context's
 * clock (so a {@code VirtualClock} drives it), and stops both in a {@code finally}: however the
 * wait ends (done, timeout, stage result, interrupt) it leaves no registration behind. The first
 * event to win the CAS on {@link Waiter#state} decides the outcome.
 */
final class Waits {
  private Waits() {}

  static boolean awaitDone(Context ctx, Duration timeout) throws InterruptedException {
    if (ctx.isDone()) {
      return true;
    }
    if (timeout != null && (timeout.isZero() || timeout.isNegative())) {
      return false;
    }
    if (Thread.interrupted()) {
      throw new InterruptedException();
    }
    Waiter w = new Waiter("Context.awaitDone", timeout, ctx);
    Stop reg = ctx.onDone(w);
    Stop timer = timeout == null ? null : schedule(ctx, timeout, w);
    try {
      return w.await() == Waiter.DONE || ctx.isDone();
    } finally {
      release(reg, timer);
    }
  }

  static void sleep(Context ctx, Duration duration) throws InterruptedException {
    Objects.requireNonNull(ctx, "ctx");
    Objects.requireNonNull(duration, "duration");
    ctx.throwIfDone();
    if (duration.isZero() || duration.isNegative()) {
      return;
    }
    if (Thread.interrupted()) {
      throw new InterruptedException();
    }
    Waiter w = new Waiter("Context.sleep", duration, ctx);
    Stop reg = ctx.onDone(w);
    Stop timer = schedule(ctx, duration, w);
    try {
      if (w.await() == Waiter.DONE) {
        ctx.throwIfDone();
      }
    } finally {
      release(reg, timer);
    }
  }

  static <T> T await(Context ctx, CompletionStage<T> stage, boolean cancelStage)
      throws InterruptedException, ExecutionException {
    Objects.requireNonNull(ctx, "ctx");
    if (Objects.requireNonNull(stage, "stage") instanceof DoneStage) {
      awaitOther(ctx, (DoneStage) stage);
      return null;
    }
    CompletableFuture<T> f = future(stage);
    if (!f.isDone()) {
      if (ctx.isDone()) {
        return ctxFirst(ctx, f, cancelStage);
      }
      if (Thread.interrupted()) {
        throw new InterruptedException();
      }
      Waiter w = new Waiter("Context.await", stage, ctx);
      Stop reg = ctx.onDone(w);
      // The stage may be shared and long-lived, and a CompletableFuture has no way to remove a
      // dependent. So we do not hang our wake-up on f directly (f.whenComplete would stay on f,
      // holding this thread, until f completes): we join f with a private future through anyOf,
      // and complete that future when we leave; the JDK then unlinks the dead node from f.
      CompletableFuture<Void> leave = new CompletableFuture<>();
      try {
        CompletableFuture.anyOf(f, leave).whenComplete((v, e) -> {
          if (f.isDone()) {
            w.wake(Waiter.STAGE);
          }
        });
        if (w.await() != Waiter.STAGE && !f.isDone()) {
          return ctxFirst(ctx, f, cancelStage);
        }
      } finally {
        leave.complete(null);
        release(reg, null);
      }
    }
    return outcome(f);
  }

  /**
   * Returns the value of the completed {@code f}, or throws what {@link CompletableFuture#get()}
   * throws on JDK 17: the stage's own {@link java.util.concurrent.CancellationException} as it
   * is, any other failure wrapped in an {@link ExecutionException}. (Later JDKs wrap a
   * cancellation in a new CancellationException("get"), which would make the result depend on
   * the JDK.)
   */
  private static <T> T outcome(CompletableFuture<T> f) throws ExecutionException {
    Object[] result = new Object[2];
    f.whenComplete((v, e) -> {
      result[0] = v;
      result[1] = e;
    }); // f is complete: runs here and now
    Throwable e = (Throwable) result[1];
    if (e == null) {
      @SuppressWarnings("unchecked")
      T v = (T) result[0];
      return v;
    }
    if (e instanceof java.util.concurrent.CompletionException && e.getCause() != null) {
      e = e.getCause();
    }
    if (e instanceof java.util.concurrent.CancellationException) {
      throw (java.util.concurrent.CancellationException) e;
    }
    throw new ExecutionException(e);
  }

  private static <T> T ctxFirst(Context ctx, CompletableFuture<T> f, boolean cancelStage) {
    if (cancelStage) {
      f.cancel(false);
    }
    throw ctx.err();
  }

  /**
   * Waits for another context's done() stage (never cancelled: a context's done() is ended by
   * cancelling that context). Waits on the context itself rather than on a copy of the stage,
   * which would stay a dependent of a possibly long-lived stage after we leave, and wakes as soon
   * as its err is set, like every other wait.
   */
  private static void awaitOther(Context ctx, DoneStage other) throws InterruptedException {
    if (other.isDone()) {
      return;
    }
    ctx.throwIfDone();
    if (Thread.interrupted()) {
      throw new InterruptedException();
    }
    Waiter w = new Waiter("Context.await", other, ctx);
    Stop reg = ctx.onDone(w);
    Stop otherReg = other.owner().onDone(w.on(Waiter.STAGE));
    try {
      if (w.await() != Waiter.STAGE && !other.isDone()) {
        throw ctx.err();
      }
    } finally {
      release(reg, otherReg);
    }
  }

  private static <T> CompletableFuture<T> future(CompletionStage<T> stage) {
    try {
      return stage.toCompletableFuture();
    } catch (UnsupportedOperationException e) {
      CompletableFuture<T> f = new CompletableFuture<>();
      stage.whenComplete((v, ex) -> {
        if (ex == null) {
          f.complete(v);
        } else {
          f.completeExceptionally(ex);
        }
      });
      return f;
    }
  }

  private static Stop schedule(Context ctx, Duration d, Waiter w) {
    Clock clock = ctx.clock();
    return clock.schedule(Nanos.deadlineAfter(clock.nanoTime(), Nanos.ofDuration(d)), () -> w.wake(Waiter.TIMEOUT));
  }

  private static void release(Stop reg, Stop timer) {
    reg.stop();
    if (timer != null) {
      timer.stop();
    }
  }

  /** A parked thread and the first event that woke it. */
  static final class Waiter extends Wakeup {
    static final int WAITING = 0;
    static final int DONE = 1;
    static final int TIMEOUT = 2;
    static final int STAGE = 3;

    private static final VarHandle STATE;

    static {
      try {
        STATE = MethodHandles.lookup().findVarHandle(Waiter.class, "state", int.class);
      } catch (ReflectiveOperationException e) {
        throw new ExceptionInInitializerError(e);
      }
    }

    private final Thread thread = Thread.currentThread();
    /** The waiting thread's bubble member, or null outside a bubble (io.jcontext.internal.Durable). */
    private final Durable.Member member = Durable.current();
    /** The wait and its argument (a duration, a stage), for a bubble's deadlock report only. */
    private final String op;
    private final Object arg;
    private final Context ctx;
    /** WAITING until the first event's CAS; never changes after. */
    private volatile int state;

    /**
     * A waiter of the calling thread in the wait {@code op} with argument {@code arg} (null, a
     * duration or a stage) on {@code ctx}; they are read only for a bubble's deadlock report.
     */
    Waiter(String op, Object arg, Context ctx) {
      this.op = op;
      this.arg = arg;
      this.ctx = ctx;
    }

    /** Describes the wait, e.g. {@code Context.sleep(PT5S)}; only for a bubble's report. */
    @Override
    public String toString() {
      Object a = arg;
      if (a instanceof DoneStage) {
        a = "done() of " + ((DoneStage) a).owner();
      }
      return op + "(" + (a == null ? "" : a) + ")";
    }

    /** The context is done. */
    @Override
    public void run() {
      wake(DONE);
    }

    /** Returns a callback that wakes this waiter with {@code event}. */
    Wakeup on(int event) {
      return new Wakeup() {
        @Override
        public void run() {
          wake(event);
        }
      };
    }

    void wake(int event) {
      if (STATE.compareAndSet(this, WAITING, event)) {
        Durable.Member m = member;
        if (m != null) {
          m.wake(); // runnable for the bubble before it can run (Durable's protocol)
        }
        LockSupport.unpark(thread);
      }
    }

    /** Parks until an event; returns it. Throws, leaving the state WAITING, if interrupted. */
    int await() throws InterruptedException {
      Durable.Member m = member;
      if (m == null) {
        return park();
      }
      m.block(this, ctx);
      try {
        return park();
      } finally {
        m.unblock();
      }
    }

    private int park() throws InterruptedException {
      while (true) {
        int s = state;
        if (s != WAITING) {
          return s;
        }
        if (Thread.interrupted()) {
          throw new InterruptedException();
        }
        LockSupport.park(this);
      }
    }
  }
}
