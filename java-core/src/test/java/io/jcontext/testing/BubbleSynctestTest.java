package io.jcontext.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcontext.CancellableContext;
import io.jcontext.Context;
import io.jcontext.DeadlineExceededException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Go 1.25's {@code testing/synctest} tests and examples (src/internal/synctest/synctest_test.go,
 * src/testing/synctest/example_test.go, context_example_test.go) ported to {@link Bubble}, named
 * after them. Goroutines are bubble threads, channels are {@link Channel}s, {@code time.Sleep}
 * is {@link Context#sleep}, {@code synctest.Wait} is {@link Bubble#await()}.
 */
class BubbleSynctestTest {
  private static final Instant START = Instant.parse("2000-01-01T00:00:00Z");

  @Test
  void testNow() throws Exception {
    AtomicReference<Instant> inThread = new AtomicReference<>();
    Bubble.run(b -> {
      assertEquals(START, b.clock().now(), "at start");
      b.executor().execute(() -> inThread.set(b.clock().now())); // new threads see the same clock
      Context.sleep(b.context(), Duration.ofSeconds(1));
      assertEquals(START.plusSeconds(1), b.clock().now(), "after sleep");
    });
    assertEquals(START, inThread.get());
  }

  @Test
  void testRunEmpty() throws Exception {
    Bubble.run(b -> {});
  }

  @Test
  void testSimpleWait() throws Exception {
    Bubble.run(Bubble::await);
  }

  @Test
  void testGoroutineWait() throws Exception {
    Bubble.run(b -> {
      b.executor().execute(() -> {});
      b.await();
    });
  }

  /** A chain of 100 threads handing a count down an unbuffered channel; Wait waits for all. */
  @Test
  void testWait() throws Exception {
    Bubble.run(b -> {
      AtomicBoolean done = new AtomicBoolean();
      Channel<Integer> ch = new Channel<>(0);
      Runnable[] f = new Runnable[1];
      f[0] = () -> {
        try {
          int count = ch.receive(b.context());
          if (count == 0) {
            done.set(true);
          } else {
            b.executor().execute(f[0]);
            ch.send(b.context(), count - 1);
          }
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        }
      };
      b.executor().execute(f[0]);
      ch.send(b.context(), 100);
      b.await();
      assertTrue(done.get(), "done");
    });
  }

  @Test
  void testTimerReadBeforeDeadline() throws Exception {
    Bubble.run(b -> {
      Instant start = b.clock().now();
      try (CancellableContext timer = b.context().withTimeout(Duration.ofSeconds(5))) {
        timer.awaitDone(); // <-tm.C
        assertEquals(Duration.ofSeconds(5), Duration.between(start, b.clock().now()));
      }
    });
  }

  /** time.AfterFunc: a timer whose function starts a thread that sleeps; both in the bubble. */
  @Test
  void testTimeAfter() throws Exception {
    Bubble.run(b -> {
      AtomicInteger i = new AtomicInteger();
      CancellableContext timer = b.context().withTimeout(Duration.ofSeconds(1));
      timer.afterFunc(() -> {
        i.incrementAndGet(); // 1
        b.executor().execute(() -> {
          try {
            Context.sleep(b.context(), Duration.ofSeconds(1));
          } catch (InterruptedException e) {
            throw new IllegalStateException(e);
          }
          i.incrementAndGet(); // 2
        });
      });
      Context.sleep(b.context(), Duration.ofSeconds(3));
      b.await();
      assertEquals(2, i.get(), "after sleep and wait");
    });
  }

  @Test
  void testTimerAfterBubbleExit() throws Exception {
    AtomicBoolean run = new AtomicBoolean();
    Bubble.run(b -> b.context().withTimeout(Duration.ofSeconds(1)).afterFunc(() -> run.set(true)));
    assertFalse(run.get(), "timer ran before bubble exit");
  }

  @Test
  void testDeadlockRoot() {
    BubbleDeadlockException e = assertThrows(BubbleDeadlockException.class,
        () -> Bubble.run(b -> b.context().awaitDone())); // select {}
    assertTrue(e.getMessage().startsWith("deadlock: every bubble thread is blocked"), e.getMessage());
    assertTrue(e.getMessage().contains("bubble-main waits in Context.awaitDone()"), e.getMessage());
  }

  @Test
  void testDeadlockChild() {
    BubbleDeadlockException e = assertThrows(BubbleDeadlockException.class,
        () -> Bubble.run(b -> b.executor().execute(() -> {
          try {
            b.context().awaitDone(); // select {}
          } catch (InterruptedException ignored) {
            // the bubble stops it
          }
        })));
    assertTrue(e.getMessage().startsWith("the body returned, but 1 bubble thread(s) would outlive it"),
        e.getMessage());
    assertTrue(e.getMessage().contains("bubble-thread-1 waits in Context.awaitDone()"), e.getMessage());
  }

  /** A periodic sleeper left behind: time stops once the body returns, so it is reported. */
  @Test
  void testDeadlockTicker() {
    AtomicBoolean ran = new AtomicBoolean();
    BubbleDeadlockException e = assertThrows(BubbleDeadlockException.class,
        () -> Bubble.run(b -> b.executor().execute(() -> {
          try {
            while (true) {
              Context.sleep(b.context(), Duration.ofSeconds(1));
              ran.set(true);
            }
          } catch (InterruptedException ignored) {
            // the bubble stops it
          }
        })));
    assertFalse(ran.get(), "ticker unexpectedly ran");
    assertTrue(e.getMessage().contains("bubble-thread-1 waits in Context.sleep(PT1S)"), e.getMessage());
  }

  /** sync.WaitGroup in the bubble: a Latch counted down by a thread after a sleep. */
  @Test
  void testWaitGroupInBubble() throws Exception {
    Bubble.run(b -> {
      Latch wg = new Latch(1);
      Duration delay = Duration.ofSeconds(1);
      b.executor().execute(() -> {
        try {
          Context.sleep(b.context(), delay);
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        }
        wg.countDown();
      });
      Instant start = b.clock().now();
      wg.await(b.context());
      assertEquals(delay, Duration.between(start, b.clock().now()), "WaitGroup.Wait() took");
    });
  }

  /** The iterator test without iterators: a producer yields the time every second. */
  @Test
  void testIteratorPush() throws Exception {
    Bubble.run(b -> {
      List<Instant> got = new ArrayList<>();
      b.executor().execute(() -> {
        try {
          while (true) {
            synchronized (got) {
              got.add(b.clock().now());
              if (got.size() >= 3) {
                return;
              }
            }
            Context.sleep(b.context(), Duration.ofSeconds(1));
          }
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        }
      });
      Instant now = b.clock().now();
      List<Instant> want = List.of(now, now.plusSeconds(1), now.plusSeconds(2));
      Context.sleep(b.context(), Duration.ofSeconds(5));
      b.await();
      synchronized (got) {
        assertEquals(want, got);
      }
    });
  }

  // ---- src/testing/synctest/example_test.go and context_example_test.go --------------------

  /** TestTime: a thread sleeping 1 ns runs before a 2 ns sleep of the body returns. */
  @Test
  void testTime() throws Exception {
    AtomicReference<Duration> inThread = new AtomicReference<>();
    Duration inBody = Bubble.call(b -> {
      Instant start = b.clock().now();
      b.executor().execute(() -> {
        try {
          Context.sleep(b.context(), Duration.ofNanos(1));
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        }
        inThread.set(Duration.between(start, b.clock().now()));
      });
      Context.sleep(b.context(), Duration.ofNanos(2));
      return Duration.between(start, b.clock().now());
    });
    assertEquals(Duration.ofNanos(1), inThread.get()); // always "1ns"
    assertEquals(Duration.ofNanos(2), inBody); // always "2ns"
  }

  /** TestWait (example): Wait blocks until the thread above has finished. */
  @Test
  void testWaitExample() throws Exception {
    Bubble.run(b -> {
      AtomicBoolean done = new AtomicBoolean();
      b.executor().execute(() -> done.set(true));
      b.await();
      assertTrue(done.get());
    });
  }

  @Test
  void testContextAfterFunc() throws Exception {
    Bubble.run(b -> {
      CancellableContext ctx = b.context().withCancel();
      AtomicBoolean afterFuncCalled = new AtomicBoolean();
      ctx.afterFunc(() -> afterFuncCalled.set(true));
      b.await();
      assertFalse(afterFuncCalled.get(), "before context is canceled: AfterFunc called");
      ctx.cancel();
      b.await();
      assertTrue(afterFuncCalled.get(), "after context is canceled: AfterFunc not called");
    });
  }

  @Test
  void testContextWithTimeout() throws Exception {
    Bubble.run(b -> {
      Duration timeout = Duration.ofSeconds(5);
      try (CancellableContext ctx = b.context().withTimeout(timeout)) {
        Context.sleep(b.context(), timeout.minusNanos(1));
        b.await();
        assertNull(ctx.err(), "before timeout");
        Context.sleep(b.context(), Duration.ofNanos(1));
        b.await();
        assertInstanceOf(DeadlineExceededException.class, ctx.err(), "after timeout");
      }
    });
  }
}
