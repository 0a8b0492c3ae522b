package io.jcontext.testing;

import io.jcontext.Clock;
import io.jcontext.Context;
import io.jcontext.internal.Durable;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.AbstractQueuedLongSynchronizer;
import java.util.concurrent.locks.AbstractQueuedSynchronizer;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * Go's {@code testing/synctest} for Java threads: runs a test body in a <em>bubble</em>, a set
 * of threads with a virtual clock of their own that moves only when every thread of the bubble
 * is durably blocked. A test of code that starts threads and waits for deadlines then runs in
 * no real time, deterministically, and a deadlock fails at once with what every thread waits on.
 *
 * <pre>{@code
 * Bubble.run(bubble -> {
 *   Context ctx = bubble.context();                      // root on the bubble's clock
 *   try (CancellableContext c = ctx.withTimeout(Duration.ofSeconds(5))) {
 *     Context.sleep(ctx, Duration.ofMillis(4_999));      // returns at virtual 4.999 s, at once
 *     bubble.await();                                    // synctest.Wait
 *     assertNull(c.err());
 *     Context.sleep(ctx, Duration.ofMillis(1));
 *     bubble.await();
 *     assertInstanceOf(DeadlineExceededException.class, c.err());
 *   }
 * });
 * }</pre>
 *
 * <p><b>Threads of a bubble.</b> The body runs on a new thread of the bubble. Threads started
 * through {@link #executor()} or {@link #threadFactory()} belong to it, and so do those the
 * library starts by default for the bubble's contexts or from its threads:
 * {@code Context.afterFunc(action)}, the tasks of {@code Group.withContext(ctx)}, and
 * {@code TaskExecutors.perTask()} or {@code TaskExecutors.forContext(ctx)} called in the
 * bubble; threads they start belong to it too. Bubble threads are daemon platform threads.
 *
 * <p><b>Durably blocked.</b> A thread is durably blocked while it waits in a wait of the library:
 * {@code Context.sleep}, {@code awaitDone}, {@code Context.await(ctx, stage)}, a
 * {@code Mutex}/{@code RWMutex}/{@code Semaphore} wait, a {@code Group} limit or
 * {@code Group.await}, and the hand-offs {@link Latch} and {@link Channel} (built on those
 * waits). The thread that wakes it (a grant, a cancellation, a completed stage, a fired timer)
 * marks it runnable before it unparks it, so a woken thread that has not run yet is never taken
 * for blocked. A thread blocked anywhere else (I/O, {@code Object.wait}, a
 * {@code java.util.concurrent} lock or latch, a busy loop) is not durably blocked: the bubble
 * waits for it in real time (see below). A stage awaited with {@code Context.await} counts as
 * durable even if a thread outside the bubble will complete it: complete stages inside the
 * bubble, or time may move (and a deadlock may be reported) while that thread works.
 *
 * <p><b>Time.</b> The bubble's {@link #clock()} starts at 2000-01-01T00:00:00Z (as Go's). When
 * every thread of the bubble, the body's included, is durably blocked, and a timer is pending,
 * time jumps to the earliest timer and the timers due then fire, on the thread that called
 * {@code run} (which counts as a bubble thread while it fires them, so threads they start or
 * wake belong to the bubble). {@link #await()} is Go's {@code synctest.Wait}. As in Go, time
 * stops moving once the body has returned: threads still blocked then are reported (so a
 * periodic sleeper left behind cannot keep a run going forever).
 *
 * <p><b>The end.</b> {@code run} returns once the body has returned and every thread of the
 * bubble has finished. It throws:
 * <ul>
 *   <li>{@link BubbleDeadlockException} when every thread is durably blocked and no timer is
 *       pending (also after the body returned: threads that would outlive {@code run}); the
 *       message names each thread and what it waits on (which lock, context or stage). The
 *       bubble then interrupts its threads so that nothing hangs.</li>
 *   <li>{@link BubbleStallException} when for {@link Options#stallTimeout} of real time (30 s by
 *       default) no thread blocked, woke or finished while some thread was not durably
 *       blocked: the message names those threads with their stacks. Threads are interrupted.</li>
 *   <li>what the body threw, as it is (checked exceptions included), once every bubble thread
 *       has been interrupted and has finished; an exception escaping any other bubble thread
 *       fails the run the same way (Go crashes the test).</li>
 * </ul>
 * Threads that ignore the interrupts are left running after 10 s of real time; the exception
 * then names them. {@code run} never hangs on a bubble thread.
 *
 * <p><b>Misuse.</b> {@link #await()} on a thread that is not a thread of this bubble, and
 * {@code run} inside a bubble (nested bubbles, which Go forbids too), throw
 * {@link IllegalStateException}. Starting a thread through a bubble that has ended throws
 * {@link RejectedExecutionException}.
 *
 * <p>Thread-safe. Everything a bubble thread did happens-before {@code run} returns.
 */
public final class Bubble {
  /*
   * Implementation overview
   *
   * One lock guards the bookkeeping: the live threads (members), how many of them are running
   * (not durably blocked, not in await, not finished), the thread in await(), the first failure.
   * Waits of the library call Member.block before they park and Member.unblock after; the
   * waking thread calls Member.wake before its unpark (io.jcontext.internal.Durable). Only the
   * coordinator (the caller of run) decides, under the lock, when running == 0: release the
   * awaiter, else fire the earliest timers, else report a deadlock. Before it decides it checks
   * that every blocked thread has really parked and is not interrupted (Thread.getState), so a
   * thread between block() and its park, or woken by an interrupt, is not yet taken as blocked.
   *
   * Invariants (under lock): running == number of members in RUNNING, plus 1 while the
   * coordinator fires timers; awaiter != null iff one member is AWAITING; a member is in members
   * from the creation of its thread until its run method has returned.
   */

  private static final long STOP_NANOS = TimeUnit.SECONDS.toNanos(10);
  private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  static {
    Durable.installLookup(ctx -> {
      Clock c = ctx.clock();
      Bubble b = c instanceof VirtualClock ? ((VirtualClock) c).bubble : null;
      return b == null || b.ended ? null : b.executor;
    });
  }

  private final VirtualClock clock;
  private final long stallNanos;
  private final ReentrantLock lock = new ReentrantLock();
  /** Tells the coordinator that running reached 0, a thread finished, or something failed. */
  private final Condition changed = lock.newCondition();
  /** Tells the thread in await() that it was released. */
  private final Condition released = lock.newCondition();
  private final List<Member> members = new ArrayList<>();
  private final Member coordinator = new Member(this, "bubble-timers", true);
  private final Executor executor = this::execute;
  private final ThreadFactory threadFactory = this::newThread;
  private int running;
  private Member awaiter;
  private Throwable failure;
  private boolean stopping;
  /** The body's thread has finished; time no longer moves. */
  private boolean mainDone;
  /** No thread may join any more; read without the lock by the context lookup. */
  private volatile boolean ended;
  private long lastProgress = System.nanoTime();
  /** Counts progress events (block, wake, start, finish, timers); guarded by lock. */
  private long events;
  private int threadCount;

  private Bubble(Instant start, Duration stallTimeout) {
    this.clock = new VirtualClock(start);
    this.clock.bubble = this;
    this.stallNanos = Clock.nanosOf(stallTimeout);
  }

  /** A test body that returns nothing. */
  @FunctionalInterface
  public interface Body {
    /** Runs on a thread of {@code bubble}. */
    void run(Bubble bubble) throws Exception;
  }

  /** A test body that returns a value. */
  @FunctionalInterface
  public interface ValueBody<T extends @Nullable Object> {
    /** Runs on a thread of {@code bubble}. */
    T call(Bubble bubble) throws Exception;
  }

  /**
   * Runs {@code body} in a new bubble with the default {@link Options}, and returns once it and
   * every thread of the bubble have finished; see the class comment for the failures.
   */
  public static void run(Body body) throws Exception {
    options().run(body);
  }

  /** {@link #run(Body)} for a body that returns a value; returns it. */
  public static <T extends @Nullable Object> T call(ValueBody<T> body) throws Exception {
    return options().call(body);
  }

  /** Returns the default options: start 2000-01-01T00:00:00Z, stall timeout 30 s. */
  public static Options options() {
    return new Options(VirtualClock.DEFAULT_START, Duration.ofSeconds(30));
  }

  /** Returns the bubble of the calling thread, or null if it is not a thread of a bubble. */
  public static Bubble current() {
    Durable.Member m = Durable.current();
    return m instanceof Member ? ((Member) m).bubble : null;
  }

  /** The bubble's clock: virtual time that moves when every bubble thread is durably blocked. */
  public VirtualClock clock() {
    return clock;
  }

  /** Returns the root of the bubble's contexts, on its clock; never cancelled; same instance. */
  public Context context() {
    return clock.background();
  }

  /** Returns an executor that runs every task on a new thread of this bubble. */
  public Executor executor() {
    return executor;
  }

  /**
   * Returns a factory of threads of this bubble. A thread counts as running from its creation,
   * so a thread created and never started keeps time still (and ends in a stall report).
   */
  public ThreadFactory threadFactory() {
    return threadFactory;
  }

  /**
   * Waits until every other thread of this bubble is durably blocked or has finished (Go's
   * {@code synctest.Wait}); time does not move while it waits. One thread at a time.
   *
   * @throws IllegalStateException if the calling thread is not a thread of this bubble, or
   *     another thread is in {@code await}
   * @throws BubbleStallException if a thread stays blocked where the bubble cannot see it for the
   *     stall timeout (the run then fails with the same exception)
   * @throws InterruptedException if interrupted (as when the bubble is being stopped)
   */
  public void await() throws InterruptedException {
    Durable.Member dm = Durable.current();
    if (!(dm instanceof Member) || ((Member) dm).bubble != this || ((Member) dm).coordinator) {
      throw new IllegalStateException("Bubble.await() called on " + Thread.currentThread().getName()
          + ", which is not a thread of this bubble (start threads with bubble.executor() or "
          + "bubble.threadFactory())");
    }
    Member m = (Member) dm;
    lock.lock();
    try {
      if (awaiter != null) {
        throw new IllegalStateException("Bubble.await() called on " + m.name + " while "
            + awaiter.name + " is in Bubble.await(): one thread at a time");
      }
      awaiter = m;
      m.state = Member.AWAITING;
      running--;
      progress();
      try {
        while (awaiter == m) {
          released.await();
        }
        if (stopping) { // released because the run fails: do not let the body go on
          if (failure instanceof BubbleStallException) {
            throw (BubbleStallException) failure;
          }
          Thread.interrupted();
          throw new InterruptedException("the bubble is stopping: " + failure);
        }
      } finally {
        if (awaiter == m) {
          awaiter = null;
        }
        if (m.state == Member.AWAITING) {
          m.state = Member.RUNNING;
          running++;
        }
      }
    } finally {
      lock.unlock();
    }
  }

  @Override
  public String toString() {
    lock.lock();
    try {
      return "Bubble[" + clock.now() + ", " + members.size() + " threads, " + running + " running]";
    } finally {
      lock.unlock();
    }
  }

  // ---------------------------------------------------------------------------------------------

  private void execute(Runnable task) {
    Objects.requireNonNull(task, "task");
    newThread(task).start();
  }

  private Thread newThread(Runnable task) {
    Objects.requireNonNull(task, "task");
    Member m;
    lock.lock();
    try {
      if (ended) {
        throw new RejectedExecutionException("the bubble has ended: no thread may join it");
      }
      m = new Member(this, threadCount == 0 ? "bubble-main" : "bubble-thread-" + threadCount, false);
      threadCount++;
      members.add(m);
      running++;
      progress();
    } finally {
      lock.unlock();
    }
    Thread t = new Thread(() -> runMember(m, task), m.name);
    t.setDaemon(true);
    m.thread = t;
    return t;
  }

  private void runMember(Member m, Runnable task) {
    Durable.setCurrent(m);
    try {
      task.run();
    } catch (Throwable e) {
      fail(e);
    } finally {
      Durable.setCurrent(null);
      lock.lock();
      try {
        if (m.state == Member.RUNNING) {
          running--;
        }
        m.state = Member.DONE;
        members.remove(m);
        if (m.main) {
          mainDone = true;
        }
        progress();
        changed.signalAll();
      } finally {
        lock.unlock();
      }
    }
  }

  private void fail(Throwable e) {
    lock.lock();
    try {
      if (failure == null) {
        failure = e;
      } else if (failure != e && !stopping) {
        failure.addSuppressed(e);
      }
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Under lock: something happened; resets the stall timer. */
  private void progress() {
    lastProgress = System.nanoTime();
    events++;
    if (running == 0) {
      changed.signalAll();
    }
  }

  private <T extends @Nullable Object> T start(ValueBody<T> body) throws Exception {
    if (Durable.current() != null) {
      throw new IllegalStateException("Bubble.run called inside a bubble (on "
          + Thread.currentThread().getName() + "): bubbles do not nest, as in Go's synctest");
    }
    Object[] result = new Object[1];
    Thread main = newThread(() -> {
      try {
        result[0] = body.call(this);
      } catch (Throwable e) {
        fail(e);
      }
    });
    Durable.adjustActive(1);
    Durable.setCurrent(coordinator);
    try {
      main.start();
      coordinate();
    } finally {
      Durable.setCurrent(null);
      Durable.adjustActive(-1);
    }
    Throwable f;
    lock.lock();
    try {
      f = failure;
    } finally {
      lock.unlock();
    }
    if (f != null) {
      throwUnchecked(f);
    }
    @SuppressWarnings("unchecked")
    T value = (T) result[0];
    return value;
  }

  @SuppressWarnings("unchecked")
  private static <E extends Throwable> void throwUnchecked(Throwable e) throws E {
    throw (E) e;
  }

  /** The caller of run: moves time, releases await, detects deadlocks and stalls; see above. */
  private void coordinate() {
    long stopSince = 0;
    lock.lock();
    try {
      while (!members.isEmpty()) {
        long now = System.nanoTime();
        if (failure != null && !stopping) {
          stopping = true;
          stopSince = now;
          releaseAwaiter();
          interruptAll();
        }
        if (stopping && now - stopSince > STOP_NANOS) {
          failure.addSuppressed(new IllegalStateException("bubble threads still running after "
              + "they were interrupted 10 s ago, left behind: " + names(members)));
          break;
        }
        if (running == 0) {
          if (!allParked()) {
            if (!stopping && now - lastProgress > stallNanos) {
              failure = new BubbleStallException(stallReport(now - lastProgress));
              continue;
            }
            lock.unlock();
            try {
              LockSupport.parkNanos(20_000L); // a thread between block() and park, or interrupted
            } finally {
              lock.lock();
            }
            continue;
          }
          if (stopping) {
            interruptAll(); // they caught the interrupt and blocked again
            changed.await(1, TimeUnit.MILLISECONDS);
            continue;
          }
          if (awaiter != null) {
            releaseAwaiter();
            continue;
          }
          if (!mainDone && clock.pendingTimers() > 0) { // as in Go: no time moves after the body
            fireNext();
            continue;
          }
          reportDeadlock();
          continue;
        }
        if (!stopping && now - lastProgress > stallNanos) {
          failure = new BubbleStallException(stallReport(now - lastProgress));
          continue;
        }
        changed.await(Math.min(POLL_NANOS, Math.max(1L, stallNanos - (now - lastProgress))),
            TimeUnit.NANOSECONDS);
      }
    } catch (InterruptedException e) {
      if (failure == null) {
        failure = e;
      }
      interruptAll();
    } finally {
      ended = true;
      lock.unlock();
    }
  }

  /** Under lock, running == 0: fires the earliest timers on this (coordinator) thread. */
  private void fireNext() {
    running++; // the coordinator runs bubble code now: nobody is all blocked meanwhile
    lock.unlock();
    try {
      clock.advanceToNext();
    } catch (Throwable e) {
      fail(e);
    } finally {
      lock.lock();
      running--;
      progress();
    }
  }

  /** Under lock: lets the thread in await() go, counting it as running again. */
  private void releaseAwaiter() {
    Member a = awaiter;
    if (a != null) {
      awaiter = null;
      a.state = Member.RUNNING;
      running++;
      progress();
      released.signalAll();
    }
  }

  /**
   * Under lock: whether every blocked member has parked in its wait and is not interrupted. A
   * thread woken by an interrupt has no waker to mark it runnable: it is RUNNABLE, or still
   * interrupted, or parked on a lock on its way out (our own lock, which we hold, as it reports
   * that it left its wait). The library's waits park on their waiter, their queue or a
   * condition, never directly on a lock's synchronizer; the state is read before the blocker,
   * which is set before a park and cleared after it.
   */
  private boolean allParked() {
    for (Member m : members) {
      if (m.state == Member.BLOCKED || m.state == Member.AWAITING) {
        Thread t = m.thread;
        Thread.State s = t.getState();
        if ((s != Thread.State.WAITING && s != Thread.State.TIMED_WAITING) || t.isInterrupted()) {
          return false;
        }
        Object blocker = LockSupport.getBlocker(t);
        if (blocker instanceof AbstractQueuedSynchronizer || blocker instanceof AbstractQueuedLongSynchronizer) {
          return false;
        }
      }
    }
    return true;
  }

  private void interruptAll() {
    for (Member m : members) {
      Thread t = m.thread;
      if (t != null) {
        t.interrupt();
      }
    }
  }

  /**
   * Under lock, every thread blocked and no timer: fails the run with a report. The report reads
   * the waits' toString (which may take the locks they name), so it is built outside our lock,
   * and used only if nothing woke meanwhile (a thread outside the bubble may wake one).
   */
  private void reportDeadlock() {
    List<Member> snapshot = new ArrayList<>(members);
    long eventsBefore = events;
    Object[][] waits = new Object[snapshot.size()][];
    for (int i = 0; i < waits.length; i++) {
      waits[i] = new Object[] {snapshot.get(i).what, snapshot.get(i).ctx};
    }
    boolean main = mainDone;
    Instant now = clock.now();
    lock.unlock();
    String report;
    try {
      report = deadlockReport(snapshot, waits, main, now);
    } finally {
      lock.lock();
    }
    if (failure == null && running == 0 && events == eventsBefore) {
      failure = new BubbleDeadlockException(report);
    }
  }

  private String deadlockReport(List<Member> members, Object[][] waits, boolean mainDone, Instant now) {
    StringBuilder sb = new StringBuilder();
    if (mainDone) {
      sb.append("the body returned, but ").append(members.size())
          .append(" bubble thread(s) would outlive it: each is blocked in a wait of the library and no timer is pending (at ")
          .append(now).append("):");
    } else {
      sb.append("deadlock: every bubble thread is blocked in a wait of the library and no timer is pending (at ")
          .append(now).append("):");
    }
    for (int i = 0; i < members.size(); i++) {
      Object what = waits[i][0];
      Object ctx = waits[i][1];
      sb.append("\n  ").append(members.get(i).name).append(" waits in ").append(describe(what));
      if (ctx != null && ctx != context()) {
        sb.append(" (ctx ").append(describe(ctx)).append(')');
      }
    }
    return sb.toString();
  }

  private static String describe(Object o) {
    try {
      return String.valueOf(o);
    } catch (RuntimeException e) {
      return o.getClass().getName() + " (toString threw " + e + ")";
    }
  }

  private String stallReport(long idleNanos) {
    StringBuilder sb = new StringBuilder("bubble stalled: no bubble thread blocked, woke or finished for ")
        .append(Duration.ofNanos(idleNanos).toMillis())
        .append(" ms of real time while some were not blocked in a wait of the library (blocked in I/O, "
            + "Object.wait, java.util.concurrent or busy?); time cannot move. Threads at ")
        .append(clock.now()).append(':');
    for (Member m : members) {
      sb.append("\n  ").append(m.name);
      if (m.state == Member.BLOCKED) {
        sb.append(" waits in ").append(describe(m.what));
      } else if (m.state == Member.AWAITING) {
        sb.append(" is in Bubble.await()");
      } else if (m.thread == null || m.thread.getState() == Thread.State.NEW) {
        sb.append(" was created but not started");
      } else {
        sb.append(" is not in a wait of the library (").append(m.thread.getState()).append("):");
        for (StackTraceElement e : m.thread.getStackTrace()) {
          sb.append("\n      at ").append(e);
        }
      }
    }
    return sb.toString();
  }

  private static String names(List<Member> ms) {
    StringBuilder sb = new StringBuilder();
    for (Member m : ms) {
      sb.append(sb.length() == 0 ? "" : ", ").append(m.name);
    }
    return sb.toString();
  }

  /** A thread of a bubble (or its coordinator, whose block/wake are no-ops). */
  private static final class Member extends Durable.Member {
    static final int RUNNING = 0;
    static final int BLOCKED = 1;
    static final int AWAITING = 2;
    static final int DONE = 3;

    final Bubble bubble;
    final String name;
    final boolean coordinator;
    final boolean main;
    volatile Thread thread;
    /** Guarded by bubble.lock. */
    int state = RUNNING;
    /** What it waits on while BLOCKED; guarded by bubble.lock. */
    Object what;
    Context ctx;

    Member(Bubble bubble, String name, boolean coordinator) {
      this.bubble = bubble;
      this.name = name;
      this.coordinator = coordinator;
      this.main = name.equals("bubble-main");
    }

    @Override
    public void block(Object what, Context ctx) {
      if (coordinator) {
        return;
      }
      Bubble b = bubble;
      b.lock.lock();
      try {
        this.what = what;
        this.ctx = ctx;
        if (state == RUNNING) {
          state = BLOCKED;
          b.running--;
          b.progress();
        }
      } finally {
        b.lock.unlock();
      }
    }

    @Override
    public void wake() {
      if (coordinator) {
        return;
      }
      Bubble b = bubble;
      b.lock.lock();
      try {
        if (state == BLOCKED) {
          state = RUNNING;
          b.running++;
          b.progress();
        }
      } finally {
        b.lock.unlock();
      }
    }

    @Override
    public void unblock() {
      wake();
    }

    @Override
    public Executor executor() {
      return bubble.executor;
    }
  }

  /** How to run a bubble: where its clock starts, how long it waits for a stalled thread. */
  public static final class Options {
    private final Instant start;
    private final Duration stallTimeout;

    private Options(Instant start, Duration stallTimeout) {
      this.start = start;
      this.stallTimeout = stallTimeout;
    }

    /** Returns options whose clock starts at {@code start}. */
    public Options start(Instant start) {
      return new Options(Objects.requireNonNull(start, "start"), stallTimeout);
    }

    /**
     * Returns options that fail the run with {@link BubbleStallException} after {@code timeout}
     * of real time without progress while a thread is not durably blocked (default 30 s).
     *
     * @throws IllegalArgumentException if {@code timeout} is not positive
     */
    public Options stallTimeout(Duration timeout) {
      if (Objects.requireNonNull(timeout, "timeout").isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("stall timeout must be positive: " + timeout);
      }
      return new Options(start, timeout);
    }

    /** {@link Bubble#run(Body)} with these options. */
    public void run(Body body) throws Exception {
      Objects.requireNonNull(body, "body");
      call(b -> {
        body.run(b);
        return null;
      });
    }

    /** {@link Bubble#call(ValueBody)} with these options. */
    public <T extends @Nullable Object> T call(ValueBody<T> body) throws Exception {
      Objects.requireNonNull(body, "body");
      return new Bubble(start, stallTimeout).start(body);
    }
  }
}
