package io.jcontext;

import static io.jcontext.TestSupport.LIVENESS;
import static io.jcontext.TestSupport.async;
import static io.jcontext.TestSupport.join;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcontext.testing.VirtualClock;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * Go's {@code example_test.go}, written for this library, each asserting what the Go example
 * prints. Deadlines run on a {@link VirtualClock}.
 */
class ExampleTest {

  /**
   * ExampleWithCancel: a generator thread must not leak once the consumer is done. The generator
   * blocks handing over values; cancelling the context interrupts it through afterFunc.
   */
  @Test
  void withCancel() throws Exception {
    List<Integer> got = new ArrayList<>();
    Thread[] generator = new Thread[1];
    try (CancellableContext ctx = Context.background().withCancel()) {
      SynchronousQueue<Integer> dst = gen(ctx, generator);
      while (true) {
        int n = dst.take();
        got.add(n);
        if (n == 5) {
          break;
        }
      }
    } // cancel when we are finished consuming integers
    assertEquals(List.of(1, 2, 3, 4, 5), got);
    generator[0].join(LIVENESS.toMillis());
    assertFalse(generator[0].isAlive(), "the generator thread leaked");
  }

  /** Sends 1, 2, 3, ... on a new thread until ctx is done. */
  private static SynchronousQueue<Integer> gen(Context ctx, Thread[] thread) {
    SynchronousQueue<Integer> dst = new SynchronousQueue<>();
    thread[0] = new Thread(() -> {
      Thread self = Thread.currentThread();
      Stop stop = ctx.afterFunc(self::interrupt, TestSupport.DIRECT);
      try {
        for (int n = 1; !ctx.isDone(); n++) {
          dst.put(n);
        }
      } catch (InterruptedException e) {
        // ctx is done: return, not to leak the thread
      } finally {
        stop.stop();
      }
    }, "gen");
    thread[0].setDaemon(true);
    thread[0].start();
    return dst;
  }

  /** Go's {@code select { case <-time.After(1s): "overslept" case <-ctx.Done(): ctx.Err() }}. */
  private static String oversleep(Context ctx) throws InterruptedException {
    try {
      Context.sleep(ctx, Duration.ofSeconds(1));
      return "overslept";
    } catch (ContextException e) {
      return e.getMessage();
    }
  }

  @Test
  void withDeadline() throws Exception {
    VirtualClock clock = new VirtualClock();
    try (CancellableContext ctx = clock.background().withDeadline(clock.now().plusMillis(50))) {
      CompletableFuture<String> out = async("sleeper", () -> oversleep(ctx));
      assertTrue(clock.awaitPendingTimers(2, LIVENESS), "deadline timer + sleep timer");
      clock.advanceToNext(); // to the deadline, 50 ms
      assertEquals("context deadline exceeded", join(out));
      assertEquals(Duration.ofMillis(50), Duration.between(VirtualClock.DEFAULT_START, clock.now()));
    }
    assertEquals(0, clock.pendingTimers(), "the sleep's timer was stopped");
  }

  @Test
  void withTimeout() throws Exception {
    VirtualClock clock = new VirtualClock();
    try (CancellableContext ctx = clock.background().withTimeout(Duration.ofMillis(50))) {
      CompletableFuture<String> out = async("sleeper", () -> oversleep(ctx));
      assertTrue(clock.awaitPendingTimers(2, LIVENESS));
      clock.advance(Duration.ofSeconds(2));
      assertEquals("context deadline exceeded", join(out)); // prints "context deadline exceeded"
    }
    // Without the deadline, the sleep wins: "overslept".
    try (CancellableContext ctx = clock.background().withTimeout(Duration.ofSeconds(5))) {
      CompletableFuture<String> out = async("sleeper", () -> oversleep(ctx));
      assertTrue(clock.awaitPendingTimers(2, LIVENESS));
      clock.advance(Duration.ofSeconds(1));
      assertEquals("overslept", join(out));
    }
  }

  @Test
  void withValue() {
    Key<String> language = Key.of("language", String.class);
    Key<String> color = Key.of("color", String.class);
    List<String> out = new ArrayList<>();
    Context ctx = Context.background().withValue(language, "Go");
    for (Key<String> k : List.of(language, color)) {
      String v = ctx.value(k);
      out.add(v != null ? "found value: " + v : "key not found: " + k);
    }
    assertEquals(List.of("found value: Go", "key not found: color"), out);
  }

  /** ExampleAfterFunc_cond: waiting on a condition variable, woken when the context ends. */
  @Test
  void afterFuncCond() throws Exception {
    VirtualClock clock = new VirtualClock();
    ReentrantLock lock = new ReentrantLock();
    Condition cond = lock.newCondition();
    List<CompletableFuture<String>> outs = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      outs.add(async("waiter" + i, () -> {
        try (CancellableContext ctx = clock.background().withTimeout(Duration.ofMillis(1))) {
          lock.lock();
          try {
            ContextException err = waitOnCond(ctx, lock, cond, () -> false);
            return err == null ? "nil" : err.getMessage();
          } finally {
            lock.unlock();
          }
        }
      }));
    }
    assertTrue(clock.awaitPendingTimers(4, LIVENESS));
    clock.advance(Duration.ofMillis(1));
    for (CompletableFuture<String> out : outs) {
      assertEquals("context deadline exceeded", join(out));
    }
  }

  /** Waits on {@code cond} (whose lock the caller holds) until {@code conditionMet} or ctx is done. */
  private static ContextException waitOnCond(Context ctx, ReentrantLock lock, Condition cond,
      BooleanSupplier conditionMet) throws InterruptedException {
    Stop stop = ctx.afterFunc(() -> {
      // Taking the lock makes sure the signal cannot come before the waiter is waiting.
      lock.lock();
      try {
        cond.signalAll(); // all: we cannot wake just our own waiter
      } finally {
        lock.unlock();
      }
    });
    try {
      while (!conditionMet.getAsBoolean()) {
        cond.await();
        if (ctx.err() != null) {
          return ctx.err();
        }
      }
      return null;
    } finally {
      stop.stop();
    }
  }

  /** ExampleAfterFunc_connection: a blocking socket read stopped when the context ends. */
  @Test
  void afterFuncConnection() throws Exception {
    VirtualClock clock = new VirtualClock();
    try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        Socket conn = new Socket(listener.getInetAddress(), listener.getLocalPort());
        Socket peer = listener.accept()) {
      try (CancellableContext ctx = clock.background().withTimeout(Duration.ofMillis(1))) {
        CompletableFuture<String> out = async("reader", () -> {
          try {
            readFromConn(ctx, conn, new byte[1024]);
            return "read returned";
          } catch (ContextException e) {
            return e.getMessage();
          }
        });
        clock.advance(Duration.ofMillis(1));
        assertEquals("context deadline exceeded", join(out));
      }
      assertTrue(conn.isClosed());
      assertFalse(peer.isClosed());
    }
  }

  /** Reads from {@code conn}; if ctx ends first the connection is closed and ctx's err thrown. */
  private static int readFromConn(Context ctx, Socket conn, byte[] b) throws IOException, InterruptedException {
    CountDownLatch stopped = new CountDownLatch(1);
    Stop stop = ctx.afterFunc(() -> {
      try {
        conn.close(); // Java sockets have no read deadline to set from outside: closing unblocks the read
      } catch (IOException ignored) {
        // closing anyway
      } finally {
        stopped.countDown();
      }
    });
    int n;
    try {
      InputStream in = conn.getInputStream();
      n = in.read(b);
    } catch (IOException e) {
      if (stop.stop()) {
        throw e; // a real I/O error
      }
      stopped.await();
      throw ctx.err();
    }
    if (!stop.stop()) {
      stopped.await(); // the action started: wait for it, the connection is gone
      throw ctx.err();
    }
    return n;
  }

  /** ExampleAfterFunc_merge: a context cancelled when either of two contexts is. */
  @Test
  void afterFuncMerge() throws Exception {
    CancellableContext ctx1 = Context.background().withCancel();
    CancellableContext ctx2 = Context.background().withCancel();
    Merged merged = mergeCancel(ctx1, ctx2);
    try {
      ctx2.cancel(new Exception("ctx2 canceled"));
      assertTrue(merged.ctx.awaitDone(LIVENESS));
      assertEquals("ctx2 canceled", merged.ctx.cause().getMessage());
      assertInstanceOf(ContextCancelledException.class, merged.ctx.err());
    } finally {
      merged.cancel();
      ctx1.cancel(new Exception("ctx1 canceled"));
    }
    assertEquals("ctx2 canceled", merged.ctx.cause().getMessage(), "later cancellations do not change the cause");
  }

  private static final class Merged {
    final CancellableContext ctx;
    final Stop stop;

    Merged(CancellableContext ctx, Stop stop) {
      this.ctx = ctx;
      this.stop = stop;
    }

    void cancel() {
      stop.stop();
      ctx.cancel();
    }
  }

  /** Returns a context with the values of {@code ctx}, cancelled when {@code ctx} or {@code cancelCtx} is. */
  private static Merged mergeCancel(Context ctx, Context cancelCtx) {
    CancellableContext merged = ctx.withCancel();
    Stop stop = cancelCtx.afterFunc(() -> merged.cancel(cancelCtx.cause()));
    return new Merged(merged, stop);
  }
}
