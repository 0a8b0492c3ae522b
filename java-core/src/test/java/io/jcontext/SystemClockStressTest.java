package io.jcontext;

import static io.jcontext.TestSupport.LIVENESS;
import static io.jcontext.TestSupport.async;
import static io.jcontext.TestSupport.join;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

/**
 * Many threads scheduling and stopping timers on {@link Clock#system()} (and on a clock that
 * paces its callers all the time) at once: every timer not stopped with {@code true} fires
 * exactly once, and every timer stopped with {@code true} never fires. Deadlines are within a
 * few milliseconds, so the test waits for them (bounded).
 */
class SystemClockStressTest {

  @Test
  void everyTimerFiresOnceOrNever() throws Exception {
    everyTimerFiresOnceOrNever(Clock.system());
  }

  /** The same with pacing at every check while the timer thread works (lag limit 0, pauses of 1 ms at most). */
  @Test
  void everyTimerFiresOnceOrNeverWhilePaced() throws Exception {
    SystemClock clock = new SystemClock("stress-timer-paced", 0, TimeUnit.MILLISECONDS.toNanos(1));
    everyTimerFiresOnceOrNever(clock);
    assertTrue(clock.pauses() > 0, "callers were paced");
  }

  private static void everyTimerFiresOnceOrNever(Clock clock) throws Exception {
    int threads = 4;
    int perThread = 20_000;
    int total = threads * perThread;
    AtomicIntegerArray fired = new AtomicIntegerArray(total);
    boolean[] stoppedTrue = new boolean[total]; // each index written by one thread, read after join
    CountDownLatch start = new CountDownLatch(1);
    long[] latest = new long[threads];
    List<CompletableFuture<Void>> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int base = t * perThread;
      int id = t;
      workers.add(async("scheduler-" + t, () -> {
        start.await();
        ThreadLocalRandom r = ThreadLocalRandom.current();
        List<Stop> pending = new ArrayList<>();
        List<Integer> pendingIds = new ArrayList<>();
        long max = 0;
        for (int i = 0; i < perThread; i++) {
          int index = base + i;
          // Deadlines from "already due" to 3 ms ahead, so stop() races with firing.
          long deadline = clock.nanoTime() + r.nextLong(-1_000_000, 3_000_000);
          max = Math.max(max, deadline);
          Stop s = clock.schedule(deadline, () -> fired.incrementAndGet(index));
          if (r.nextInt(3) == 0) {
            stoppedTrue[index] = s.stop(); // at once
          } else if (r.nextBoolean()) {
            pending.add(s); // a little later
            pendingIds.add(index);
          }
          if (pending.size() == 64) {
            for (int k = 0; k < pending.size(); k++) {
              stoppedTrue[pendingIds.get(k)] = pending.get(k).stop();
            }
            pending.clear();
            pendingIds.clear();
          }
        }
        for (int k = 0; k < pending.size(); k++) {
          stoppedTrue[pendingIds.get(k)] = pending.get(k).stop();
        }
        latest[id] = max;
        return null;
      }));
    }
    start.countDown();
    for (CompletableFuture<Void> w : workers) {
      join(w);
    }
    // A sentinel after every other deadline: when it has fired, the timer thread has taken (and
    // run or dropped) every earlier entry.
    long last = 0;
    for (long l : latest) {
      last = Math.max(last, l);
    }
    CountDownLatch sentinel = new CountDownLatch(1);
    clock.schedule(last + 1_000_000, sentinel::countDown);
    assertTrue(sentinel.await(LIVENESS.toMillis(), TimeUnit.MILLISECONDS), "the timer thread fell behind");

    int stopped = 0;
    for (int i = 0; i < total; i++) {
      int expected = stoppedTrue[i] ? 0 : 1;
      assertEquals(expected, fired.get(i), "timer " + i + " (stop() returned " + stoppedTrue[i] + ")");
      stopped += stoppedTrue[i] ? 1 : 0;
    }
    assertTrue(stopped > 0 && stopped < total, "both outcomes exercised: " + stopped + " stopped");
  }

  /** Contexts with timeouts on the system clock, cancelled or expiring concurrently: all end done, nothing left. */
  @Test
  void timeoutsRaceWithCancel() throws Exception {
    CancellableContext parent = Context.background().withCancel();
    int threads = 4;
    int perThread = 5_000;
    List<CompletableFuture<List<CancellableContext>>> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      workers.add(async("worker-" + t, () -> {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        List<CancellableContext> made = new ArrayList<>();
        for (int i = 0; i < perThread; i++) {
          CancellableContext c = parent.withTimeout(java.time.Duration.ofNanos(r.nextLong(0, 2_000_000)));
          if (r.nextBoolean()) {
            c.cancel();
          }
          made.add(c);
        }
        return made;
      }));
    }
    List<CancellableContext> all = new ArrayList<>();
    for (CompletableFuture<List<CancellableContext>> w : workers) {
      all.addAll(join(w));
    }
    for (CancellableContext c : all) {
      assertTrue(c.awaitDone(LIVENESS), "a timeout never fired");
    }
    assertEquals(0, ((CancelCtx) Tree.unwrap(parent)).registrations(), "expired and cancelled children unregistered");
    parent.cancel();
  }
}
