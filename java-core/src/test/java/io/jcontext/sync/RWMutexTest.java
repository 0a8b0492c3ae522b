package io.jcontext.sync;

import static io.jcontext.sync.TestThreads.eventually;
import static io.jcontext.sync.TestThreads.start;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcontext.CancellableContext;
import io.jcontext.Context;
import io.jcontext.ContextCancelledException;
import io.jcontext.DeadlineExceededException;
import io.jcontext.testing.VirtualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Go's RWMutex behaviour (parallel readers, writer preference) plus cancellation. */
class RWMutexTest {
  private final Context bg = Context.background();

  @Test
  void parallelReaders() throws Exception {
    RWMutex rw = RWMutex.create();
    int n = 5;
    for (int i = 0; i < n; i++) {
      rw.rLock(bg); // none waits for another
    }
    assertEquals(n, rw.readers());
    assertFalse(rw.tryLock());
    for (int i = 0; i < n; i++) {
      rw.rUnlock();
    }
    assertEquals(0, rw.readers());
    assertTrue(rw.tryLock());
    assertTrue(rw.isWriteLocked());
    assertFalse(rw.tryRLock());
    rw.unlock();
  }

  @Test
  void writerExcludesReadersAndWriters() throws Exception {
    RWMutex rw = RWMutex.create();
    rw.lock(bg);
    AtomicInteger entered = new AtomicInteger();
    TestThreads.Started r = start(() -> {
      rw.rLock(bg);
      entered.incrementAndGet();
      rw.rUnlock();
    });
    TestThreads.Started w = start(() -> {
      rw.lock(bg);
      entered.incrementAndGet();
      rw.unlock();
    });
    eventually("both queued", () -> rw.waiters() == 2);
    assertEquals(0, entered.get());
    rw.unlock();
    r.join();
    w.join();
    assertEquals(2, entered.get());
    assertEquals("RWMutex[unlocked, 0 waiting]", rw.toString());
  }

  @Test
  void waitingWriterBlocksNewReaders() throws Exception {
    RWMutex rw = RWMutex.create();
    rw.rLock(bg);
    List<String> order = new ArrayList<>();
    TestThreads.Started w = start(() -> {
      rw.lock(bg);
      synchronized (order) {
        order.add("writer");
      }
      rw.unlock();
    });
    eventually("writer queued", () -> rw.waiters() == 1);
    assertFalse(rw.tryRLock(), "a waiting writer keeps new readers out");
    TestThreads.Started r = start(() -> {
      rw.rLock(bg);
      synchronized (order) {
        order.add("reader");
      }
      rw.rUnlock();
    });
    eventually("reader queued", () -> rw.waiters() == 2);
    rw.rUnlock(); // the last reader leaves: the writer, then the new reader
    w.join();
    r.join();
    assertEquals(List.of("writer", "reader"), order);
  }

  @Test
  void cancelledWaitingWriterLetsQueuedReadersIn() throws Exception {
    VirtualClock clock = new VirtualClock();
    RWMutex rw = RWMutex.create();
    rw.rLock(clock.background());
    CancellableContext wctx = clock.background().withTimeout(Duration.ofSeconds(1));
    TestThreads.Started w = start(() -> rw.lock(wctx));
    eventually("writer queued", () -> rw.waiters() == 1);
    List<TestThreads.Started> readers = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      int expected = i + 2;
      readers.add(start(() -> rw.rLock(clock.background())));
      eventually("reader queued", () -> rw.waiters() == expected);
    }
    clock.advance(Duration.ofSeconds(1));
    assertInstanceOf(DeadlineExceededException.class, w.failure());
    for (TestThreads.Started r : readers) {
      r.join();
    }
    assertEquals(4, rw.readers());
    assertEquals(0, rw.waiters());
  }

  @Test
  void writerUnlockAdmitsReadersUpToTheNextWriter() throws Exception {
    RWMutex rw = RWMutex.create();
    rw.lock(bg);
    TestThreads.Started r1 = start(() -> rw.rLock(bg));
    eventually("r1", () -> rw.waiters() == 1);
    TestThreads.Started r2 = start(() -> rw.rLock(bg));
    eventually("r2", () -> rw.waiters() == 2);
    TestThreads.Started w2 = start(() -> rw.lock(bg));
    eventually("w2", () -> rw.waiters() == 3);
    TestThreads.Started r3 = start(() -> rw.rLock(bg));
    eventually("r3", () -> rw.waiters() == 4);
    rw.unlock();
    r1.join();
    r2.join();
    assertEquals(2, rw.readers());
    assertEquals(2, rw.waiters(), "w2 waits for r1 and r2; r3 waits behind w2");
    rw.rUnlock();
    rw.rUnlock();
    w2.join();
    assertTrue(rw.isWriteLocked());
    rw.unlock();
    r3.join();
    assertEquals(1, rw.readers());
    rw.rUnlock();
  }

  @Test
  void doneContextFailsAtOnce() {
    RWMutex rw = RWMutex.create();
    CancellableContext ctx = bg.withCancel();
    ctx.cancel();
    assertSame(ctx.err(), assertThrows(ContextCancelledException.class, () -> rw.rLock(ctx)));
    assertSame(ctx.err(), assertThrows(ContextCancelledException.class, () -> rw.lock(ctx)));
    assertEquals("RWMutex[unlocked, 0 waiting]", rw.toString());
  }

  @Test
  void interruptedWaitingReaderLeavesNoTrace() throws Exception {
    RWMutex rw = RWMutex.create();
    rw.lock(bg);
    TestThreads.Started r = start(() -> rw.rLock(bg));
    eventually("queued", () -> rw.waiters() == 1);
    r.thread.interrupt();
    assertInstanceOf(InterruptedException.class, r.failure());
    assertEquals(0, rw.waiters());
    rw.unlock();
    assertTrue(rw.tryLock());
  }

  @Test
  void unlockErrorsChangeNothing() throws Exception {
    RWMutex rw = RWMutex.create();
    assertThrows(IllegalStateException.class, rw::rUnlock);
    assertThrows(IllegalStateException.class, rw::unlock);
    rw.rLock(bg);
    assertThrows(IllegalStateException.class, rw::unlock, "read-locked, not write-locked");
    assertEquals(1, rw.readers());
    rw.rUnlock();
    rw.lock(bg);
    assertThrows(IllegalStateException.class, rw::rUnlock, "write-locked, no reader");
    assertTrue(rw.isWriteLocked());
    rw.unlock();
    assertEquals("RWMutex[unlocked, 0 waiting]", rw.toString());
    assertThrows(NullPointerException.class, () -> rw.lock(null));
    assertThrows(NullPointerException.class, () -> rw.rLock(null));
  }
}
