package io.jcontext.sync;

import static io.jcontext.sync.TestThreads.eventually;
import static io.jcontext.sync.TestThreads.start;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.jcontext.CancellableContext;
import io.jcontext.Context;
import io.jcontext.ContextCancelledException;
import io.jcontext.Key;
import io.jcontext.TaskExecutors;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Ports of Go's errgroup_test.go, seed 004 task 11 (structured run), and Java specifics. */
class GroupTest {
  private final Context bg = Context.background();
  private static final Exception ERR1 = new Exception("errgroup_test: 1");
  private static final Exception ERR2 = new Exception("errgroup_test: 2");
  private static final Exception DOOM = new Exception("group_test: doomed");

  /** Go's Wait: null or the first error. */
  private static Throwable waitErr(Group g) throws InterruptedException {
    try {
      g.await();
      return null;
    } catch (ExecutionException e) {
      return e.getCause();
    }
  }

  private static ContextTask returning(Exception err) {
    return ctx -> {
      if (err != null) {
        throw err;
      }
    };
  }

  // ---- Ports of errgroup_test.go ------------------------------------------------------------

  @Test
  void zeroGroup() throws Exception {
    List<List<Exception>> cases = List.of(
        List.of(), Collections.singletonList(null), List.of(ERR1),
        Arrays.asList(ERR1, null), Arrays.asList(ERR1, null, ERR2));
    for (List<Exception> errs : cases) {
      Group g = Group.withContext(bg);
      Exception first = null;
      for (Exception err : errs) {
        g.go(returning(err));
        if (first == null && err != null) {
          first = err;
        }
        assertSame(first, waitErr(g), "after " + errs);
      }
    }
  }

  @Test
  void withContext() throws Exception {
    List<List<Exception>> cases = List.of(
        List.of(), Collections.singletonList(null), List.of(DOOM), Arrays.asList(DOOM, null));
    List<Exception> wants = Arrays.asList(null, null, DOOM, DOOM);
    for (int i = 0; i < cases.size(); i++) {
      Group g = Group.withContext(bg);
      for (Exception err : cases.get(i)) {
        g.go(returning(err));
      }
      assertSame(wants.get(i), waitErr(g));
      assertTrue(g.context().isDone(), "await always cancels the derived context");
    }
  }

  @Test
  void tryGo() throws Exception {
    Group g = Group.withContext(bg);
    int n = 42;
    g.setLimit(42);
    Semaphore ch = new Semaphore(0); // each task "sends" by waiting for a receive
    ContextTask fn = ctx -> ch.acquire();
    for (int i = 0; i < n; i++) {
      assertTrue(g.tryGo(fn), "TryGo should succeed at " + i);
    }
    assertFalse(g.tryGo(fn), "TryGo is expected to fail");
    ch.release(n);
    g.await();

    assertTrue(g.tryGo(fn), "TryGo should succeed after all tasks");
    ch.release(1);
    g.await();

    g.setLimit(1); // switch limit
    assertTrue(g.tryGo(fn));
    assertFalse(g.tryGo(fn));
    ch.release(1);
    g.await();

    g.setLimit(0); // block all calls
    for (int i = 0; i < 1 << 10; i++) {
      assertFalse(g.tryGo(fn));
    }
    g.await();
  }

  @Test
  void goLimit() throws Exception {
    int limit = 10;
    Group g = Group.withContext(bg);
    g.setLimit(limit);
    AtomicInteger active = new AtomicInteger();
    for (int i = 0; i <= 1 << 10; i++) {
      g.go(ctx -> {
        int n = active.incrementAndGet();
        if (n > limit) {
          throw new IllegalStateException("saw " + n + " active tasks; want <= " + limit);
        }
        Thread.yield();
        active.decrementAndGet();
      });
    }
    assertNull(waitErr(g));
  }

  @Test
  void cancelCause() throws Exception {
    List<List<Exception>> cases = List.of(
        List.of(), Collections.singletonList(null), List.of(DOOM), Arrays.asList(DOOM, null));
    List<Exception> wants = Arrays.asList(null, null, DOOM, DOOM);
    for (int i = 0; i < cases.size(); i++) {
      Group g = Group.withContext(bg);
      for (Exception err : cases.get(i)) {
        g.tryGo(returning(err));
      }
      assertSame(wants.get(i), waitErr(g));
      Throwable cause = g.context().cause();
      if (wants.get(i) == null) {
        assertInstanceOf(ContextCancelledException.class, cause);
        assertSame(g.context().err(), cause);
      } else {
        assertSame(wants.get(i), cause);
      }
    }
  }

  // ---- Java specifics ------------------------------------------------------------------------

  @Test
  void firstErrorCancelsTheContextAtOnce() throws Exception {
    Group g = Group.withContext(bg);
    g.go(ctx -> ctx.awaitDone()); // returns only when cancelled
    g.go(returning(DOOM));
    ExecutionException e = assertThrows(ExecutionException.class, g::await);
    assertSame(DOOM, e.getCause());
    assertSame(DOOM, g.context().cause());
  }

  @Test
  void uncheckedExceptionsAndErrorsAreTheGroupsError() throws Exception {
    Group g = Group.withContext(bg);
    AssertionError error = new AssertionError("an Error, not an Exception");
    g.go(ctx -> {
      throw error;
    });
    assertSame(error, waitErr(g));
    Group h = Group.withContext(bg);
    IllegalStateException unchecked = new IllegalStateException("unchecked");
    h.go(ctx -> {
      throw unchecked;
    });
    assertSame(unchecked, waitErr(h));
  }

  @Test
  void tasksReceiveTheDerivedContextAndRunOnTheExecutor() throws Exception {
    AtomicInteger executed = new AtomicInteger();
    Executor executor = r -> {
      executed.incrementAndGet();
      new Thread(r).start();
    };
    Key<String> key = Key.of("k", String.class);
    Group g = Group.withContext(bg.withValue(key, "v"), executor);
    AtomicReference<Context> seen = new AtomicReference<>();
    g.go(ctx -> {
      seen.set(ctx);
      assertEquals("v", ctx.value(key));
    });
    g.await();
    assertSame(g.context(), seen.get());
    assertEquals(1, executed.get());
  }

  @Test
  void defaultExecutorUsesVirtualThreadsWhenAvailable() throws Exception {
    Group g = Group.withContext(bg);
    AtomicReference<Thread> thread = new AtomicReference<>();
    g.go(ctx -> thread.set(Thread.currentThread()));
    g.await();
    assertNotNull(thread.get());
    assertTrue(thread.get() != Thread.currentThread());
    String kind = thread.get().toString();
    assertEquals(TaskExecutors.usesVirtualThreads(), kind.startsWith("VirtualThread"), kind);
  }

  @Test
  void rejectedTaskLeavesGroupUnchanged() throws Exception {
    Group g = Group.withContext(bg, r -> {
      throw new RejectedExecutionException("full");
    });
    g.setLimit(1);
    assertThrows(RejectedExecutionException.class, () -> g.go(ctx -> { }));
    assertThrows(RejectedExecutionException.class, () -> g.tryGo(ctx -> { }));
    g.setLimit(2); // no task is counted as running
    g.await();
    assertFalse(g.toString().contains("failed"));
  }

  @Test
  void setLimitWhileTasksRunUnderALimitThrows() throws Exception {
    Group g = Group.withContext(bg);
    g.setLimit(2);
    CountDownLatch release = new CountDownLatch(1);
    g.go(ctx -> release.await());
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> g.setLimit(3));
    assertTrue(e.getMessage().contains("1 tasks"), e.getMessage());
    release.countDown();
    g.await();
    g.setLimit(3);
    g.setLimit(-1);
    assertTrue(g.tryGo(ctx -> { }));
    g.await();
  }

  @Test
  void goWaitsForASlotAndLimitZeroBlocksUntilInterrupted() throws Exception {
    Group g = Group.withContext(bg);
    g.setLimit(1);
    CountDownLatch release = new CountDownLatch(1);
    g.go(ctx -> release.await());
    AtomicInteger ran = new AtomicInteger();
    TestThreads.Started second = start(() -> g.go(ctx -> ran.incrementAndGet()));
    eventually("second go waits", () -> second.thread.getState() == Thread.State.WAITING);
    assertFalse(second.isDone());
    release.countDown();
    second.join();
    g.await();
    assertEquals(1, ran.get());

    g.setLimit(0);
    TestThreads.Started blocked = start(() -> g.go(ctx -> ran.incrementAndGet()));
    eventually("go waits forever", () -> blocked.thread.getState() == Thread.State.WAITING);
    blocked.thread.interrupt();
    assertInstanceOf(InterruptedException.class, blocked.failure());
    g.await();
    assertEquals(1, ran.get(), "the blocked task never started");
  }

  @Test
  void interruptedAwaitCancelsTheContext() throws Exception {
    Group g = Group.withContext(bg);
    g.go(ctx -> {
      ctx.awaitDone();
      ctx.throwIfDone();
    });
    Thread.currentThread().interrupt();
    InterruptedException e = assertThrows(InterruptedException.class, g::await);
    assertSame(e, g.context().cause());
    assertInstanceOf(ContextCancelledException.class, waitErr(g), "the task saw the cancellation");
  }

  @Test
  void parentCancellationReachesTasks() throws Exception {
    CancellableContext parent = bg.withCancel();
    Group g = Group.withContext(parent);
    g.go(ctx -> {
      ctx.awaitDone();
      ctx.throwIfDone();
    });
    parent.cancel();
    assertSame(parent.err(), waitErr(g));
  }

  @Test
  void nullArguments() {
    assertThrows(NullPointerException.class, () -> Group.withContext(null));
    assertThrows(NullPointerException.class, () -> Group.withContext(bg, null));
    Group g = Group.withContext(bg);
    assertThrows(NullPointerException.class, () -> g.go(null));
    assertThrows(NullPointerException.class, () -> g.tryGo(null));
    assertThrows(NullPointerException.class, () -> Group.run(null));
    assertThrows(NullPointerException.class, () -> Group.run(bg, (ContextTask) null));
  }

  // ---- Seed 004, task 11: structured run(ctx, tasks...) --------------------------------------

  @Test
  void runGivesEveryTaskTheSameDerivedContext() throws Exception {
    Key<String> key = Key.of("request", String.class);
    Context ctx = bg.withValue(key, "r-1");
    List<Context> seen = Collections.synchronizedList(new ArrayList<>());
    ContextTask record = c -> {
      assertEquals("r-1", c.value(key));
      seen.add(c);
    };
    Group.run(ctx, record, record, record);
    assertEquals(3, seen.size());
    assertSame(seen.get(0), seen.get(1));
    assertSame(seen.get(0), seen.get(2));
    assertTrue(seen.get(0) != ctx);
  }

  @Test
  void runFirstErrorCancelsSiblings() throws Exception {
    AtomicReference<Throwable> siblingSaw = new AtomicReference<>();
    ExecutionException e = assertThrows(ExecutionException.class, () -> Group.run(bg,
        c -> {
          throw DOOM;
        },
        c -> {
          c.awaitDone(); // would run forever without the cancellation
          siblingSaw.set(c.cause());
        }));
    assertSame(DOOM, e.getCause());
    assertSame(DOOM, siblingSaw.get());
  }

  @Test
  void runCancelsTheContextBeforeReturning() throws Exception {
    AtomicReference<Context> captured = new AtomicReference<>();
    Group.run(bg, captured::set);
    assertTrue(captured.get().isDone(), "a goroutine that kept the ctx sees it done");
  }

  @Test
  void runWithDoneContextStartsNothing() {
    CancellableContext ctx = bg.withCancel();
    ctx.cancel();
    AtomicInteger calls = new AtomicInteger();
    ContextCancelledException e = assertThrows(ContextCancelledException.class,
        () -> Group.run(ctx, c -> calls.incrementAndGet(), c -> calls.incrementAndGet()));
    assertSame(ctx.err(), e);
    assertEquals(0, calls.get());
  }

  @Test
  void runWithoutTasksReturns() throws Exception {
    Group.run(bg);
  }

  @Test
  void runWaitsForEveryTaskEvenWhenInterrupted() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    AtomicInteger finished = new AtomicInteger();
    TestThreads.Started caller = start(() -> Group.run(bg, c -> {
      started.countDown();
      c.awaitDone();
      finished.incrementAndGet();
    }));
    started.await();
    caller.thread.interrupt();
    assertInstanceOf(InterruptedException.class, caller.failure());
    assertEquals(1, finished.get(), "nothing outlives run");
  }

  @Test
  void runReturnsOnlyAfterEveryTask() throws Exception {
    AtomicInteger done = new AtomicInteger();
    ContextTask slow = c -> {
      for (int i = 0; i < 100; i++) {
        Thread.yield();
      }
      done.incrementAndGet();
    };
    Group.run(bg, slow, slow, slow, slow);
    assertEquals(4, done.get());
    try {
      Group.run(bg, c -> fail("boom"), slow);
      fail("expected ExecutionException");
    } catch (ExecutionException e) {
      assertInstanceOf(AssertionError.class, e.getCause());
    }
    assertEquals(5, done.get());
  }
}
