package io.jcontext.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcontext.CancellableContext;
import io.jcontext.Context;
import io.jcontext.DeadlineExceededException;
import io.jcontext.TaskExecutors;
import io.jcontext.sync.Group;
import io.jcontext.sync.Mutex;
import io.jcontext.sync.RWMutex;
import io.jcontext.sync.Semaphore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The bubble beyond Go's own tests: every wait of the library is durable, the wake race, the
 * deadlock reports (which lock, which context, which stage), blind spots, and misuse.
 */
class BubbleTest {
  private static final Duration SECOND = Duration.ofSeconds(1);

  interface Body {
    void run() throws Exception;
  }

  private static Runnable go(Body body) {
    return () -> {
      try {
        body.run();
      } catch (RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    };
  }

  // ---- every wait of the library is durable; time moves only when all are blocked ----------

  @Test
  void mutexWaiterGetsTheLockWhenTheHolderWakesFromASleep() throws Exception {
    Bubble.run(b -> {
      Mutex m = Mutex.create();
      Context ctx = b.context();
      m.lock(ctx);
      AtomicReference<Instant> got = new AtomicReference<>();
      b.executor().execute(go(() -> {
        m.lock(ctx);
        got.set(b.clock().now());
        m.unlock();
      }));
      Context.sleep(ctx, SECOND);
      m.unlock();
      b.await();
      assertEquals(b.clock().now(), got.get());
      assertEquals(VirtualClock.DEFAULT_START.plusSeconds(1), got.get());
    });
  }

  /**
   * Two threads take turns on a Mutex with a virtual sleep inside: an unlock wakes the waiter, the
   * unlocker takes the mutex again first (barging), and the woken waiter's retry fails and parks
   * again. It must count as blocked again, or the bubble sees a running thread and time stops
   * (a stall after the bound below).
   */
  @Test
  void mutexWaiterThatLosesItsRetryIsBlockedAgain() throws Exception {
    Duration elapsed = Bubble.options().stallTimeout(Duration.ofSeconds(5)).call(b -> {
      Instant t0 = b.clock().now();
      Mutex m = Mutex.create();
      Context ctx = b.context();
      Latch done = new Latch(2);
      Runnable worker = go(() -> {
        for (int i = 0; i < 20; i++) {
          m.lock(ctx);
          try {
            Context.sleep(ctx, SECOND);
          } finally {
            m.unlock();
          }
        }
        done.countDown();
      });
      b.executor().execute(worker);
      b.executor().execute(worker);
      done.await(ctx);
      return Duration.between(t0, b.clock().now());
    });
    assertEquals(Duration.ofSeconds(40), elapsed, "40 one-second turns, one at a time");
  }

  @Test
  void semaphoreRwMutexAndGroupWaitsAreDurable() throws Exception {
    Bubble.run(b -> {
      Context ctx = b.context();
      Semaphore sem = Semaphore.create(2);
      RWMutex rw = RWMutex.create();
      sem.acquire(ctx, 2);
      rw.lock(ctx);
      Group g = Group.withContext(ctx); // tasks on bubble threads by default
      g.setLimit(1);
      List<String> order = Collections.synchronizedList(new ArrayList<>());
      g.go(c -> {
        sem.acquire(c, 1);
        order.add("sem at " + b.clock().now());
        sem.release(1);
      });
      b.executor().execute(go(() -> g.go(c -> { // waits for the limit slot, then for the read lock
        rw.rLock(c);
        order.add("rLock at " + b.clock().now());
        rw.rUnlock();
      })));
      Context.sleep(ctx, SECOND);
      sem.release(2);
      Context.sleep(ctx, SECOND);
      rw.unlock();
      g.await(); // durable too
      assertEquals(List.of("sem at 2000-01-01T00:00:01Z", "rLock at 2000-01-01T00:00:02Z"), order);
    });
  }

  @Test
  void lockTimeoutsFireOnTheBubbleClock() throws Exception {
    Bubble.run(b -> {
      Mutex m = Mutex.create();
      m.lock(b.context());
      AtomicReference<Throwable> err = new AtomicReference<>();
      b.executor().execute(() -> {
        try (CancellableContext c = b.context().withTimeout(Duration.ofMinutes(5))) {
          m.lock(c);
        } catch (Throwable e) {
          err.set(e);
        }
      });
      b.await();
      assertNull(err.get());
      Context.sleep(b.context(), Duration.ofMinutes(10));
      assertInstanceOf(DeadlineExceededException.class, err.get());
      m.unlock();
    });
  }

  @Test
  void awaitOfAStageCompletedByABubbleThread() throws Exception {
    String v = Bubble.call(b -> {
      CompletableFuture<String> f = new CompletableFuture<>();
      b.executor().execute(go(() -> {
        Context.sleep(b.context(), Duration.ofHours(1));
        f.complete("after an hour at " + b.clock().now());
      }));
      return Context.await(b.context(), f);
    });
    assertEquals("after an hour at 2000-01-01T01:00:00Z", v);
  }

  @Test
  void defaultExecutorsStartBubbleThreads() throws Exception {
    Bubble.run(b -> {
      AtomicReference<Bubble> fromPerTask = new AtomicReference<>();
      AtomicReference<Bubble> fromAfterFunc = new AtomicReference<>();
      AtomicReference<Bubble> nested = new AtomicReference<>();
      TaskExecutors.perTask().execute(() -> {
        fromPerTask.set(Bubble.current());
        TaskExecutors.perTask().execute(() -> nested.set(Bubble.current()));
      });
      CancellableContext c = b.context().withCancel();
      c.afterFunc(() -> fromAfterFunc.set(Bubble.current()));
      c.cancel();
      b.await();
      assertSame(b, fromPerTask.get());
      assertSame(b, nested.get());
      assertSame(b, fromAfterFunc.get());
      assertSame(b.executor(), TaskExecutors.forContext(Context.background()));
    });
    assertNull(Bubble.current());
  }

  @Test
  void contextsOfABubbleUseItsExecutorFromOutside() throws Exception {
    AtomicReference<Executor> seen = new AtomicReference<>();
    Bubble.run(b -> {
      Executor[] e = new Executor[1];
      Thread outside = new Thread(() -> e[0] = TaskExecutors.forContext(b.context()));
      outside.start();
      outside.join(); // a blind spot, but brief
      seen.set(e[0]);
      assertSame(b.executor(), e[0]);
    });
    assertFalse(seen.get() == TaskExecutors.perTask(), "the bubble's executor");
  }

  /**
   * The wake race: the body unlocks a mutex another thread waits for and at once sleeps. If the
   * woken thread were counted blocked until it runs, time could jump past the sleep before it
   * takes the lock. It must always take it at the instant of the unlock.
   */
  @Test
  void aWokenThreadCountsAsRunnableBeforeItRuns() throws Exception {
    Bubble.run(b -> {
      Context ctx = b.context();
      Mutex m = Mutex.create();
      Semaphore s = Semaphore.create(1);
      for (int i = 0; i < 200; i++) {
        m.lock(ctx);
        s.acquire(ctx, 1);
        Instant unlockedAt = b.clock().now();
        AtomicReference<Instant> mutexAt = new AtomicReference<>();
        AtomicReference<Instant> semAt = new AtomicReference<>();
        b.executor().execute(go(() -> {
          m.lock(ctx);
          mutexAt.set(b.clock().now());
          m.unlock();
        }));
        b.executor().execute(go(() -> {
          s.acquire(ctx, 1);
          semAt.set(b.clock().now());
          s.release(1);
        }));
        b.await(); // both wait
        m.unlock();
        s.release(1);
        Context.sleep(ctx, Duration.ofMillis(1));
        b.await();
        assertEquals(unlockedAt, mutexAt.get(), "iteration " + i);
        assertEquals(unlockedAt, semAt.get(), "iteration " + i);
      }
    });
  }

  /** A cancellation wakes a waiter; time must not move until it has run. */
  @Test
  void aCancelledWaiterCountsAsRunnableBeforeItRuns() throws Exception {
    Bubble.run(b -> {
      for (int i = 0; i < 200; i++) {
        CancellableContext c = b.context().withCancel();
        AtomicReference<Instant> at = new AtomicReference<>();
        b.executor().execute(() -> {
          try {
            c.awaitDone();
          } catch (InterruptedException e) {
            throw new IllegalStateException(e);
          }
          at.set(b.clock().now());
        });
        b.await();
        Instant cancelledAt = b.clock().now();
        c.cancel();
        Context.sleep(b.context(), SECOND);
        assertEquals(cancelledAt, at.get(), "iteration " + i);
      }
    });
  }

  /**
   * An interrupt wakes a blocked thread without a waker that could mark it runnable: the bubble
   * must not take it for blocked (its thread is no longer parked, or is interrupted) and move
   * time before it has run.
   */
  @Test
  void anInterruptedWaiterCountsAsRunnableBeforeItRuns() throws Exception {
    Bubble.run(b -> {
      for (int i = 0; i < 100; i++) {
        AtomicReference<Instant> at = new AtomicReference<>();
        Thread t = b.threadFactory().newThread(() -> {
          try {
            Context.sleep(b.context(), Duration.ofHours(1));
          } catch (InterruptedException e) {
            at.set(b.clock().now());
          }
        });
        t.start();
        b.await();
        Instant interruptedAt = b.clock().now();
        t.interrupt();
        Context.sleep(b.context(), SECOND);
        assertEquals(interruptedAt, at.get(), "iteration " + i);
      }
    });
  }

  // ---- deadlocks: reported at once, naming each thread and its wait ------------------------

  @Test
  void lockOrderDeadlockNamesBothLocks() {
    BubbleDeadlockException e = assertThrows(BubbleDeadlockException.class, () -> Bubble.run(b -> {
      Context ctx = b.context();
      Mutex a = Mutex.create();
      Mutex c = Mutex.create();
      Latch bothHold = new Latch(2);
      b.executor().execute(go(() -> {
        a.lock(ctx);
        bothHold.countDown();
        bothHold.await(ctx);
        c.lock(ctx);
      }));
      c.lock(ctx);
      bothHold.countDown();
      bothHold.await(ctx);
      a.lock(ctx);
    }));
    String msg = e.getMessage();
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("waits in Mutex.lock on (Mutex@[0-9a-f]+) ").matcher(msg);
    List<String> locks = new ArrayList<>();
    while (m.find()) {
      locks.add(m.group(1));
    }
    assertEquals(2, locks.size(), msg);
    assertFalse(locks.get(0).equals(locks.get(1)), "the report tells the two locks apart: " + msg);
    assertTrue(msg.contains("bubble-main waits in Mutex.lock on Mutex@"), msg);
    assertTrue(msg.contains("bubble-thread-1 waits in Mutex.lock on Mutex@"), msg);
  }

  @Test
  void deadlockOnAChannelAndAContextNamesThem() {
    BubbleDeadlockException e = assertThrows(BubbleDeadlockException.class, () -> Bubble.run(b -> {
      Channel<String> ch = new Channel<>(0);
      CancellableContext never = b.context().withCancel();
      b.executor().execute(go(never::awaitDone));
      ch.send(b.context(), "nobody receives");
    }));
    String msg = e.getMessage();
    assertTrue(msg.contains("bubble-main waits in Context.await(send on Channel@"), msg);
    assertTrue(msg.contains("bubble-thread-1 waits in Context.awaitDone() (ctx "), msg);
  }

  @Test
  void deadlockStopsEveryThreadAndRunsNoFurtherTime() {
    AtomicInteger interrupted = new AtomicInteger();
    assertThrows(BubbleDeadlockException.class, () -> Bubble.run(b -> {
      for (int i = 0; i < 5; i++) {
        b.executor().execute(() -> {
          try {
            b.context().awaitDone();
          } catch (InterruptedException ex) {
            interrupted.incrementAndGet();
          }
        });
      }
      b.context().awaitDone();
    }));
    assertEquals(5, interrupted.get()); // every thread had finished when run returned
  }

  // ---- blind spots: a real-time bound, a report with the stack -----------------------------

  @Test
  void aThreadBlockedInAJucLatchStallsTheBubble() {
    CountDownLatch never = new CountDownLatch(1);
    BubbleStallException e = assertThrows(BubbleStallException.class, () ->
        Bubble.options().stallTimeout(Duration.ofSeconds(1)).run(b -> {
          b.executor().execute(go(never::await));
          Context.sleep(b.context(), SECOND); // time cannot move while the thread is not durably blocked
        }));
    String msg = e.getMessage();
    assertTrue(msg.contains("bubble-thread-1 is not in a wait of the library (WAITING)"), msg);
    assertTrue(msg.contains("java.util.concurrent.CountDownLatch.await"), msg);
    assertTrue(msg.contains("bubble-main waits in Context.sleep(PT1S)"), msg);
  }

  @Test
  void awaitFailsOnAStallInsteadOfHanging() {
    Object monitor = new Object();
    AtomicReference<Throwable> fromAwait = new AtomicReference<>();
    BubbleStallException e = assertThrows(BubbleStallException.class, () ->
        Bubble.options().stallTimeout(Duration.ofSeconds(1)).run(b -> {
          b.executor().execute(go(() -> {
            synchronized (monitor) {
              monitor.wait();
            }
          }));
          try {
            b.await();
          } catch (Throwable t) {
            fromAwait.set(t);
            throw t;
          }
        }));
    assertSame(e, fromAwait.get());
    assertTrue(e.getMessage().contains("java.lang.Object.wait"), e.getMessage());
  }

  // ---- misuse ------------------------------------------------------------------------------

  @Test
  void awaitOutsideABubbleIsAnError() throws Exception {
    Bubble[] kept = new Bubble[1];
    Bubble.run(b -> kept[0] = b);
    IllegalStateException e = assertThrows(IllegalStateException.class, kept[0]::await);
    assertTrue(e.getMessage().contains("not a thread of this bubble"), e.getMessage());
  }

  @Test
  void awaitFromAnotherBubbleIsAnError() throws Exception {
    Bubble[] first = new Bubble[1];
    Bubble.run(b -> first[0] = b);
    Bubble.run(b -> assertThrows(IllegalStateException.class, first[0]::await));
  }

  @Test
  void nestedBubblesAreAnError() throws Exception {
    Bubble.run(b -> {
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> Bubble.run(x -> {}));
      assertTrue(e.getMessage().contains("bubbles do not nest"), e.getMessage());
    });
  }

  @Test
  void aThrowingBodyStopsEveryThreadAndSurfaces() {
    AtomicBoolean stopped = new AtomicBoolean();
    Exception thrown = new Exception("body failed");
    Exception e = assertThrows(Exception.class, () -> Bubble.run(b -> {
      b.executor().execute(() -> {
        try {
          Context.sleep(b.context(), Duration.ofDays(1));
        } catch (InterruptedException ex) {
          stopped.set(true);
        }
      });
      b.await();
      throw thrown;
    }));
    assertSame(thrown, e);
    assertTrue(stopped.get(), "the sleeping thread was stopped before run returned");
  }

  @Test
  void aThrowingThreadFailsTheRun() {
    IllegalStateException boom = new IllegalStateException("boom");
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> Bubble.run(b -> {
      b.executor().execute(() -> {
        throw boom;
      });
      Context.sleep(b.context(), SECOND);
    }));
    assertSame(boom, e);
  }

  @Test
  void aThreadCannotJoinAnEndedBubble() throws Exception {
    Bubble[] kept = new Bubble[1];
    Bubble.run(b -> kept[0] = b);
    assertThrows(RejectedExecutionException.class, () -> kept[0].executor().execute(() -> {}));
    assertThrows(RejectedExecutionException.class, () -> kept[0].threadFactory().newThread(() -> {}));
  }

  @Test
  void twoThreadsInAwaitIsAnError() {
    assertThrows(IllegalStateException.class, () -> Bubble.run(b -> {
      AtomicReference<Throwable> second = new AtomicReference<>();
      Latch inAwait = new Latch(1);
      b.executor().execute(go(() -> {
        inAwait.countDown();
        b.await();
      }));
      inAwait.await(b.context());
      // the other thread may or may not be in await() yet: spin on its state through a sleep
      for (int i = 0; i < 1000 && second.get() == null; i++) {
        try {
          b.await();
        } catch (IllegalStateException e) {
          second.set(e);
        }
      }
      throw (IllegalStateException) second.get();
    }));
  }

  @Test
  void optionsAreChecked() {
    assertThrows(IllegalArgumentException.class, () -> Bubble.options().stallTimeout(Duration.ZERO));
    assertThrows(NullPointerException.class, () -> Bubble.options().start(null));
    assertThrows(NullPointerException.class, () -> Bubble.run(null));
  }

  @Test
  void startInstantAndValue() throws Exception {
    Instant start = Instant.parse("2030-06-01T12:00:00Z");
    Instant now = Bubble.options().start(start).call(b -> {
      Context.sleep(b.context(), Duration.ofDays(365));
      return b.clock().now();
    });
    assertEquals(start.plus(Duration.ofDays(365)), now);
  }
}
