package io.jcontext.sync;

import static io.jcontext.FlightRecording.LOCK_WAIT;
import static io.jcontext.FlightRecording.named;
import static io.jcontext.FlightRecording.record;
import static io.jcontext.FlightRecording.stackHas;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcontext.CancellableContext;
import io.jcontext.Context;
import io.jcontext.ContextCancelledException;
import io.jcontext.FlightRecording;
import java.time.Duration;
import java.util.List;
import java.util.function.IntSupplier;
import jdk.jfr.EventType;
import jdk.jfr.SettingDescriptor;
import jdk.jfr.consumer.RecordedEvent;
import org.junit.jupiter.api.Test;

/** The io.jcontext.LockWait event: one per parked wait, with the lock, the permits and the outcome. */
class LockWaitEventTest {
  private static final Context BG = Context.background();

  @Test
  void aMutexWaitThatGetsTheLockRecordsAcquiredOnTheWaitersStack() throws Exception {
    Mutex m = Mutex.create();
    List<RecordedEvent> events = record(() -> oneWait(m), LOCK_WAIT);
    RecordedEvent e = only(events);
    assertEquals("lock", e.getString("operation"));
    assertEquals("acquired", e.getString("outcome"));
    assertEquals(Mutex.class.getName(), e.getClass("lockClass").getName());
    assertEquals("Mutex@" + Integer.toHexString(System.identityHashCode(m)), e.getString("lock"));
    assertEquals(1, e.getLong("permits"));
    assertTrue(stackHas(e, "waitForMutex"), "the waiting thread's stack");
    assertTrue(e.getDuration().compareTo(Duration.ZERO) > 0);
  }

  /** Holds {@code m} while another thread joins its line, then lets that thread through. */
  private static void oneWait(Mutex m) throws Exception {
      m.lock(BG);
      TestThreads.Started t = TestThreads.start(() -> waitForMutex(m));
      queued(() -> SyncProbe.waiters(m));
      m.unlock();
      t.join();
  }

  private static void waitForMutex(Mutex m) throws InterruptedException {
    m.lock(BG);
    m.unlock();
  }

  @Test
  void aWaitEndedByTheContextRecordsContextDone() throws Exception {
    Semaphore s = Semaphore.create(3);
    List<RecordedEvent> events = record(() -> {
      s.acquire(BG, 3);
      CancellableContext ctx = BG.withCancel();
      TestThreads.Started t = TestThreads.start(() -> s.acquire(ctx, 2));
      queued(() -> SyncProbe.waiters(s));
      ctx.cancel();
      assertInstanceOf(ContextCancelledException.class, t.failure());
      s.release(3);
    }, LOCK_WAIT);
    RecordedEvent e = only(events);
    assertEquals("acquire", e.getString("operation"), e.toString());
    assertEquals("contextDone", e.getString("outcome"));
    assertEquals(2, e.getLong("permits"));
  }

  @Test
  void anInterruptedWaitRecordsInterrupted() throws Exception {
    RWMutex rw = RWMutex.create();
    List<RecordedEvent> events = record(() -> {
      rw.lock(BG);
      TestThreads.Started t = TestThreads.start(() -> rw.rLock(BG));
      queued(() -> SyncProbe.waiters(rw));
      t.thread.interrupt();
      assertInstanceOf(InterruptedException.class, t.failure());
      rw.unlock();
    }, LOCK_WAIT);
    RecordedEvent e = only(events);
    assertEquals("rLock", e.getString("operation"));
    assertEquals("interrupted", e.getString("outcome"));
    assertEquals(1, e.getLong("permits"));
  }

  @Test
  void aWriterWaitingForReadersRecordsRwMutexLock() throws Exception {
    RWMutex rw = RWMutex.create();
    List<RecordedEvent> events = record(() -> {
      rw.rLock(BG);
      TestThreads.Started t = TestThreads.start(() -> {
        rw.lock(BG);
        rw.unlock();
      });
      queued(() -> SyncProbe.waiters(rw));
      rw.rUnlock();
      t.join();
    }, LOCK_WAIT);
    RecordedEvent e = only(events);
    assertEquals("lock", e.getString("operation"));
    assertEquals(1, e.getLong("permits"));
    assertEquals("acquired", e.getString("outcome"));
  }

  @Test
  void aGroupLimitWaitRecordsGroupGo() throws Exception {
    Group g = Group.withContext(BG, Runnable::run);
    g.setLimit(1);
    List<RecordedEvent> events = record(() -> {
      java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
      TestThreads.Started first = TestThreads.start(() -> g.go(ctx -> release.await()));
      TestThreads.eventually("first task running", () -> first.thread.getState() == Thread.State.WAITING);
      TestThreads.Started second = TestThreads.start(() -> g.go(ctx -> { }));
      TestThreads.eventually("second go queued for the limit", () -> g.toString().contains("1 waiting")
          || second.thread.getState() == Thread.State.WAITING);
      release.countDown();
      first.join();
      second.join();
      g.await();
    }, LOCK_WAIT);
    RecordedEvent e = only(events);
    assertEquals("go", e.getString("operation"));
    assertEquals(Group.class.getName(), e.getClass("lockClass").getName());
  }

  @Test
  void takingAFreeLockRecordsNothing() throws Exception {
    Mutex m = Mutex.create();
    Semaphore s = Semaphore.create(2);
    RWMutex rw = RWMutex.create();
    List<RecordedEvent> events = record(() -> {
      for (int i = 0; i < 1000; i++) {
        m.lock(BG);
        m.unlock();
        s.acquire(BG, 2);
        s.release(2);
        rw.rLock(BG);
        rw.rUnlock();
        rw.lock(BG);
        rw.unlock();
      }
    }, LOCK_WAIT);
    assertTrue(named(events, LOCK_WAIT).isEmpty(), events.toString());
  }

  @Test
  void nothingIsRecordedWhenTheEventIsNotEnabled() throws Exception {
    Mutex m = Mutex.create();
    List<RecordedEvent> events = record(() -> oneWait(m), FlightRecording.CANCELLED);
    assertTrue(named(events, LOCK_WAIT).isEmpty(), events.toString());
  }

  @Test
  void theDefaultThresholdIsTwentyMilliseconds() {
    EventType type = EventType.getEventType(LockWaitEvent.class);
    assertEquals("io.jcontext.LockWait", type.getName());
    String threshold = type.getSettingDescriptors().stream()
        .filter(d -> d.getName().equals("threshold")).map(SettingDescriptor::getDefaultValue)
        .findFirst().orElseThrow();
    assertEquals("20 ms", threshold);
  }

  private static void queued(IntSupplier waiters) {
    TestThreads.eventually("a waiter in line", () -> waiters.getAsInt() == 1);
  }

  private static RecordedEvent only(List<RecordedEvent> events) {
    List<RecordedEvent> waits = named(events, LOCK_WAIT);
    assertEquals(1, waits.size(), events.toString());
    return waits.get(0);
  }
}
