package io.jcontext.samples.locks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CountersTest {

  @Test
  void incrementingTheCounterThreeTimesLeavesItAtThree() {
    for (Counters.Counter c : new Counters.Counter[] {new Counters.PlainCounter(), new Counters.MutexCounter(), new Counters.AtomicCounter()}) {
      c.inc();
      c.inc();
      c.inc();
      assertEquals(3, c.value());
    }
  }

  @Test
  void itRunsSafelyConcurrentlyByAtomic() throws Exception {
    assertEquals(1_000, Counters.hammer(new Counters.AtomicCounter(), 1_000, 1));
    assertEquals(100_000, Counters.hammer(new Counters.AtomicCounter(), 1_000, 100));
  }

  @Test
  void itRunsSafelyConcurrentlyWithTheMutex() throws Exception {
    assertEquals(1_000, Counters.hammer(new Counters.MutexCounter(), 1_000, 1));
    assertEquals(20_000, Counters.hammer(new Counters.MutexCounter(), 1_000, 20));
  }

  @Test
  void plainCounterNeverOvercounts() throws Exception {
    long v = Counters.hammer(new Counters.PlainCounter(), 1_000, 100);
    assertTrue(v <= 100_000 && v > 0, "lost updates possible, invented ones impossible: " + v);
  }

  @Test
  void tourStop() throws Exception {
    assertTrue(new Counters().run().contains("atomic 100000;"));
  }
}
