package io.jcontext.samples.locks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcontext.samples.Go;
import io.jcontext.testing.VirtualClock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Each deadlock ends at its virtual deadline, not a nanosecond before; no thread hangs. */
class DeadlocksTest {
  private static final Duration LIVENESS = Duration.ofSeconds(10);
  private static final String DEADLINE = "DeadlineExceededException(context deadline exceeded)";

  @Test
  void rwLockAndUnbufferedChannel() throws Exception {
    VirtualClock clock = new VirtualClock();
    CountDownLatch started = new CountDownLatch(2);
    Go<List<String>> s = Go.start("scenario",
        () -> Deadlocks.rwLockAndChannel(clock.background(), Duration.ofSeconds(2), started));
    assertTrue(started.await(10, TimeUnit.SECONDS));
    clock.advance(Duration.ofSeconds(2).minusNanos(1));
    assertTrue(!s.await(Duration.ofMillis(50)), "still deadlocked just before the deadline");
    clock.advance(Duration.ofNanos(1));
    assertEquals(List.of(DEADLINE, DEADLINE), s.join(LIVENESS));
  }

  @Test
  void lockOrderShorterTimeoutBacksOffOtherCompletes() throws Exception {
    VirtualClock clock = new VirtualClock();
    CountDownLatch started = new CountDownLatch(2);
    Go<List<String>> s = Go.start("scenario", () -> Deadlocks.lockOrder(clock.background(),
        Duration.ofMillis(100), Duration.ofSeconds(5), started));
    assertTrue(started.await(10, TimeUnit.SECONDS));
    clock.advance(Duration.ofMillis(100));
    assertEquals(List.of(DEADLINE, "took B then A"), s.join(LIVENESS));
  }

  @Test
  void forgottenSignalEndsAtTheDeadline() throws Exception {
    VirtualClock clock = new VirtualClock();
    CountDownLatch started = new CountDownLatch(3);
    Go<List<String>> s = Go.start("scenario",
        () -> Deadlocks.forgottenSignal(clock.background(), Duration.ofSeconds(3), false, started));
    assertTrue(started.await(10, TimeUnit.SECONDS));
    assertTrue(clock.awaitPendingTimers(3, LIVENESS));
    clock.advance(Duration.ofSeconds(3));
    assertEquals(List.of(DEADLINE, DEADLINE, DEADLINE), s.join(LIVENESS));
  }

  @Test
  void rememberedSignalReachesAllWorkers() throws Exception {
    List<String> out = Deadlocks.forgottenSignal(new VirtualClock().background(), Duration.ofSeconds(3), true,
        new CountDownLatch(3));
    assertEquals(List.of("worker 0 got the signal", "worker 1 got the signal", "worker 2 got the signal"), out);
  }

  @Test
  void tourStop() throws Exception {
    assertTrue(new Deadlocks().run().contains("thread 2 took B then A"));
  }
}
