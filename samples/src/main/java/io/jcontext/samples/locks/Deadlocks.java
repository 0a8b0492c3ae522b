package io.jcontext.samples.locks;

import io.jcontext.CancellableContext;
import io.jcontext.Context;
import io.jcontext.ContextException;
import io.jcontext.samples.Describe;
import io.jcontext.samples.Go;
import io.jcontext.samples.Sample;
import io.jcontext.sync.Group;
import io.jcontext.sync.Mutex;
import io.jcontext.sync.RWMutex;
import io.jcontext.testing.Bubble;
import io.jcontext.testing.BubbleDeadlockException;
import io.jcontext.testing.Channel;
import io.jcontext.testing.Latch;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;

/**
 * Seed 002's three deadlocks, each broken by a context timeout: with context-aware locks and
 * waits, a cycle of waiting threads ends with {@code DeadlineExceededException}s (and every lock
 * released) instead of hanging the program. The timeout does not fix the design (consistent lock
 * order, no blocking while holding a lock, never forget the signal); it turns a silent hang into
 * an error that says where it happened.
 *
 * <ol>
 *   <li>RW-lock + unbuffered channel: a writer holds the write lock while it waits for a reader to
 *       take its message; the reader cannot take the read lock to receive it.
 *   <li>Lock order: one thread takes A then B, the other B then A. With a shorter timeout, one of
 *       them backs off, releasing its lock, and the other completes.
 *   <li>Forgotten signal: the controller sets {@code ready} but never signals; the three workers
 *       waiting for the signal give up at their deadline.
 * </ol>
 *
 * In a {@link Bubble} the same three deadlocks need no timeout: when every thread of the bubble
 * is blocked in a wait of the library and no timer is pending, the bubble reports at once which
 * thread waits on which lock, channel or group ({@link #rwLockAndChannelInBubble()},
 * {@link #lockOrderInBubble()}, {@link #forgottenSignalInBubble()}).
 *
 * <p>Each timeout scenario takes the parent whose clock times it (a {@link io.jcontext.testing.VirtualClock}
 * in the tests) and returns how every thread ended. {@code started} counts down when every
 * thread has reached its blocking wait, so a test knows when to move time.
 */
public final class Deadlocks implements Sample {

  private static final Duration LIVENESS = Duration.ofSeconds(30);

  private static String ended(Go<String> g) throws Exception {
    Throwable t = g.failure(LIVENESS);
    return t == null ? g.join(LIVENESS) : Describe.error(t);
  }

  /** Scenario 1: returns [writer outcome, reader outcome]. */
  public static List<String> rwLockAndChannel(Context parent, Duration timeout, CountDownLatch started)
      throws Exception {
    RWMutex rw = RWMutex.create();
    CompletableFuture<Integer> channel = new CompletableFuture<>();
    CompletableFuture<Void> taken = new CompletableFuture<>(); // an unbuffered send waits for this
    CountDownLatch writerHolds = new CountDownLatch(1);
    try (CancellableContext ctx = parent.withTimeout(timeout)) {
      Go<String> writer = Go.start("writer", () -> {
        rw.lock(ctx);
        try {
          writerHolds.countDown();
          channel.complete(123);
          started.countDown();
          Context.await(ctx, taken); // ch <- 123: blocks until a receiver takes it
          return "sent";
        } finally {
          rw.unlock();
        }
      });
      writerHolds.await(LIVENESS.toSeconds(), TimeUnit.SECONDS);
      Go<String> reader = Go.start("reader", () -> {
        started.countDown();
        rw.rLock(ctx); // blocks: the writer holds the lock
        try {
          int x = Context.await(ctx, channel);
          taken.complete(null);
          return "read " + x;
        } finally {
          rw.rUnlock();
        }
      });
      List<String> out = List.of(ended(writer), ended(reader));
      if (rw.isWriteLocked() || rw.readers() != 0) {
        throw new IllegalStateException("lock left held");
      }
      return out;
    }
  }

  /**
   * Scenario 2: thread 1 takes A then B with {@code timeout1}, thread 2 takes B then A with
   * {@code timeout2}; returns [thread 1 outcome, thread 2 outcome].
   */
  public static List<String> lockOrder(Context parent, Duration timeout1, Duration timeout2,
      CountDownLatch started) throws Exception {
    Mutex a = Mutex.create();
    Mutex b = Mutex.create();
    CyclicBarrier bothHoldTheirFirst = new CyclicBarrier(2); // replaces the seed's sleep(100 ms)
    Go<String> one = Go.start("locker-1", () -> takeBoth(parent, timeout1, a, b, "A", "B", bothHoldTheirFirst, started));
    Go<String> two = Go.start("locker-2", () -> takeBoth(parent, timeout2, b, a, "B", "A", bothHoldTheirFirst, started));
    List<String> out = List.of(ended(one), ended(two));
    if (a.isLocked() || b.isLocked()) {
      throw new IllegalStateException("lock left held");
    }
    return out;
  }

  private static String takeBoth(Context parent, Duration timeout, Mutex first, Mutex second, String n1,
      String n2, CyclicBarrier barrier, CountDownLatch started) throws Exception {
    try (CancellableContext ctx = parent.withTimeout(timeout)) {
      first.lock(ctx);
      try {
        barrier.await(LIVENESS.toSeconds(), TimeUnit.SECONDS);
        started.countDown();
        second.lock(ctx);
        try {
          return "took " + n1 + " then " + n2;
        } finally {
          second.unlock();
        }
      } finally {
        first.unlock();
      }
    }
  }

  /**
   * Scenario 3: three workers wait for the controller's signal; the controller sets ready but
   * signals only if {@code controllerSignals}. Returns the three workers' outcomes.
   */
  public static List<String> forgottenSignal(Context parent, Duration timeout, boolean controllerSignals,
      CountDownLatch started) throws Exception {
    Mutex mu = Mutex.create();
    boolean[] ready = {false}; // guarded by mu
    CompletableFuture<Void> signal = new CompletableFuture<>(); // the condition's broadcast
    List<Go<String>> workers = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      int id = i;
      workers.add(Go.start("worker-" + i, () -> {
        try (CancellableContext ctx = parent.withTimeout(timeout)) {
          started.countDown();
          while (true) {
            mu.lock(ctx);
            try {
              if (ready[0] && signal.isDone()) {
                return "worker " + id + " got the signal";
              }
            } finally {
              mu.unlock();
            }
            Context.await(ctx, signal); // cond.Wait(), bounded by the context
          }
        }
      }));
    }
    mu.lock(parent);
    try {
      ready[0] = true;
    } finally {
      mu.unlock();
    }
    if (controllerSignals) {
      signal.complete(null); // cond.Broadcast(): the line the seed forgot
    }
    List<String> out = new ArrayList<>();
    for (Go<String> w : workers) {
      out.add(ended(w));
    }
    return out;
  }

  // ---- The same three deadlocks in a bubble, with no timeout: reported at once ---------------

  /** A bubble body or thread that may throw. */
  private interface Task {
    void run() throws Exception;
  }

  private static Runnable task(Task t) {
    return () -> {
      try {
        t.run();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt(); // the bubble stops its threads after the report
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    };
  }

  /** Runs {@code body} in a bubble and returns its deadlock report (the bubble finds it). */
  private static String deadlockReport(Bubble.Body body) throws Exception {
    try {
      Bubble.run(body);
    } catch (BubbleDeadlockException e) {
      return e.getMessage();
    }
    throw new IllegalStateException("expected a deadlock");
  }

  /**
   * Scenario 1 in a bubble: the writer holds the write lock while it sends on an unbuffered
   * channel; the reader (the body) waits for the read lock. Returns the bubble's report.
   */
  public static String rwLockAndChannelInBubble() throws Exception {
    return deadlockReport(bubble -> {
      Context ctx = bubble.context();
      RWMutex rw = RWMutex.create();
      Channel<Integer> ch = new Channel<>(0);
      Latch writerHolds = new Latch(1);
      bubble.executor().execute(task(() -> { // the writer
        rw.lock(ctx);
        try {
          writerHolds.countDown();
          ch.send(ctx, 123); // waits for a receiver that cannot come
        } finally {
          rw.unlock();
        }
      }));
      writerHolds.await(ctx);
      rw.rLock(ctx); // the reader: the writer holds the lock
      try {
        ch.receive(ctx);
      } finally {
        rw.rUnlock();
      }
    });
  }

  /** Scenario 2 in a bubble: A then B against B then A. Returns the bubble's report. */
  public static String lockOrderInBubble() throws Exception {
    return deadlockReport(bubble -> {
      Context ctx = bubble.context();
      Mutex a = Mutex.create();
      Mutex b = Mutex.create();
      Latch bothHoldTheirFirst = new Latch(2);
      bubble.executor().execute(task(() -> {
        a.lock(ctx);
        bothHoldTheirFirst.countDown();
        bothHoldTheirFirst.await(ctx);
        b.lock(ctx);
      }));
      b.lock(ctx);
      bothHoldTheirFirst.countDown();
      bothHoldTheirFirst.await(ctx);
      a.lock(ctx);
    });
  }

  /**
   * Scenario 3 in a bubble: three workers wait for a signal the controller (the body) forgets;
   * the body then waits for them. Returns the bubble's report.
   */
  public static String forgottenSignalInBubble() throws Exception {
    return deadlockReport(bubble -> {
      Context ctx = bubble.context();
      Mutex mu = Mutex.create();
      boolean[] ready = {false}; // guarded by mu
      Latch signal = new Latch(1); // the condition's broadcast, never sent
      Group workers = Group.withContext(ctx); // tasks on threads of the bubble
      for (int i = 0; i < 3; i++) {
        workers.go(c -> {
          while (true) {
            mu.lock(c);
            try {
              if (ready[0] && signal.count() == 0) {
                return;
              }
            } finally {
              mu.unlock();
            }
            signal.await(c); // cond.Wait()
          }
        });
      }
      mu.lock(ctx);
      try {
        ready[0] = true; // and no signal.countDown(): the line the seed forgot
      } finally {
        mu.unlock();
      }
      workers.await();
    });
  }

  @Override
  public String id() {
    return "002-deadlock";
  }

  @Override
  public String title() {
    return "three deadlocks broken by ctx timeouts";
  }

  @Override
  public String run() throws Exception {
    Context bg = Context.background();
    List<String> rw = rwLockAndChannel(bg, Duration.ofMillis(100), new CountDownLatch(2));
    List<String> order = lockOrder(bg, Duration.ofMillis(100), Duration.ofSeconds(5), new CountDownLatch(2));
    List<String> signal = forgottenSignal(bg, Duration.ofMillis(100), false, new CountDownLatch(3));
    boolean ok = rw.stream().allMatch(s -> s.startsWith("DeadlineExceeded"))
        && order.get(0).startsWith("DeadlineExceeded") && order.get(1).equals("took B then A")
        && signal.stream().allMatch(s -> s.startsWith("DeadlineExceeded"));
    if (!ok) {
      throw new IllegalStateException(rw + " " + order + " " + signal);
    }
    long t0 = System.nanoTime();
    int reported = 0;
    for (String report : List.of(rwLockAndChannelInBubble(), lockOrderInBubble(), forgottenSignalInBubble())) {
      if (report.startsWith("deadlock:")) {
        reported++;
      }
    }
    long ms = (System.nanoTime() - t0) / 1_000_000;
    if (reported != 3) {
      throw new IllegalStateException("bubble reported " + reported + " of 3 deadlocks");
    }
    return "RW-lock+channel: both ended by 100 ms deadline; lock order: thread 1 gave up at 100 ms, thread 2 "
        + order.get(1) + "; forgotten signal: 3 workers ended by deadline; every lock released; "
        + "in a bubble without timeouts all 3 reported as deadlocks (" + ms + " ms real)";
  }
}
