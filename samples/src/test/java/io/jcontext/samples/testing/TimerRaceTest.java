package io.jcontext.samples.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcontext.Clock;
import io.jcontext.testing.VirtualClock;
import java.time.Duration;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

class TimerRaceTest {
  private final Clock eager = new EagerClock(Clock.system());

  @RepeatedTest(25) // the outcome must not depend on thread scheduling
  void timerRaceCondition() {
    TimerRace.Ticker t = new TimerRace.Racy(eager, 5, Duration.ofMillis(1));
    t.start();
    assertEquals(1, t.races(), "the callback ran before start() assigned the timer");
  }

  @RepeatedTest(25) // the outcome must not depend on thread scheduling
  void timerWithMutex() throws Exception {
    TimerRace.Ticker t = new TimerRace.Locked(eager, 5, Duration.ofMillis(1));
    t.start();
    assertTrue(t.awaitTicks(Duration.ofSeconds(10)), "the locked chain ticks on after start() unlocks");
    assertEquals(0, t.races());
    assertEquals(5, t.ticks());
  }

  @RepeatedTest(25) // the outcome must not depend on thread scheduling
  void timerWithRecursiveFunc() {
    TimerRace.Ticker t = new TimerRace.Recursive(eager, 5, Duration.ofMillis(1));
    t.start();
    assertEquals(0, t.races());
    assertEquals(5, t.ticks());
  }

  @Test
  void onVirtualTimeEveryFixTicksOnSchedule() {
    VirtualClock clock = new VirtualClock();
    TimerRace.Ticker locked = new TimerRace.Locked(clock, 10, Duration.ofSeconds(1));
    TimerRace.Ticker recursive = new TimerRace.Recursive(clock, 10, Duration.ofSeconds(1));
    locked.start();
    recursive.start();
    clock.advance(Duration.ofSeconds(10)); // every delay is below 1 s: 10 ticks each fit in 10 s
    assertEquals(10, locked.ticks());
    assertEquals(10, recursive.ticks());
    assertEquals(0, clock.pendingTimers(), "both stopped after their last tick");
  }

  @RepeatedTest(25) // the outcome must not depend on thread scheduling
  void tourStop() throws Exception {
    assertTrue(new TimerRace().run().contains("racy callback found the timer unset 1x"));
  }
}
