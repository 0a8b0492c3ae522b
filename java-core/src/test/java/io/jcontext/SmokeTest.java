package io.jcontext;

import static org.junit.jupiter.api.Assertions.*;

import io.jcontext.testing.VirtualClock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SmokeTest {
  @Test
  void basicTree() {
    CancellableContext a = Context.background().withCancel();
    CancellableContext b = a.withValue(Key.of("k"), "v").withCancel();
    AtomicInteger ran = new AtomicInteger();
    b.onDone(ran::incrementAndGet);
    assertEquals(1, ((CancelCtx) Tree.unwrap(a)).registrations());
    assertTrue(a.cancel(new IllegalStateException("x")));
    assertTrue(b.isDone());
    assertSame(a.err(), b.err());
    assertEquals(1, ran.get());
    assertEquals("background.withCancel.withValue(k, v).withCancel", b.toString());
  }

  @Test
  void virtualDeadline() {
    VirtualClock clock = new VirtualClock();
    CancellableContext c = clock.background().withTimeout(Duration.ofSeconds(5));
    clock.advance(Duration.ofMillis(4999));
    assertFalse(c.isDone());
    clock.advance(Duration.ofMillis(1));
    assertTrue(c.err() instanceof DeadlineExceededException);
    assertEquals(0, clock.pendingTimers());
  }

  @Test
  void systemDeadline() throws Exception {
    CancellableContext c = Context.background().withTimeout(Duration.ofMillis(20));
    assertTrue(c.awaitDone(Duration.ofSeconds(10)));
    assertTrue(c.err().isTimeout());
  }
}
