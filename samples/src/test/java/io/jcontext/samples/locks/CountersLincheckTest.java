package io.jcontext.samples.locks;

import static org.junit.jupiter.api.Assertions.assertThrows;

import org.jetbrains.lincheck.LincheckAssertionError;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.junit.jupiter.api.Test;

/** Seed 002's "got 985, want 1000", found by model checking instead of by luck. */
class CountersLincheckTest {

  /** The plain counter. */
  public static class Plain {
    private final Counters.PlainCounter c = new Counters.PlainCounter();

    @Operation
    public void inc() {
      c.inc();
    }

    @Operation
    public long value() {
      return c.value();
    }
  }

  /** The atomic counter. */
  public static class Atomic {
    private final Counters.AtomicCounter c = new Counters.AtomicCounter();

    @Operation
    public void inc() {
      c.inc();
    }

    @Operation
    public long value() {
      return c.value();
    }
  }

  private static ModelCheckingOptions options() {
    return new ModelCheckingOptions().iterations(10).invocationsPerIteration(200)
        .threads(2).actorsPerThread(2).actorsBefore(0).actorsAfter(1);
  }

  @Test
  void plainCounterLosesAnIncrement() {
    assertThrows(LincheckAssertionError.class, () -> options().check(Plain.class));
  }

  @Test
  void atomicCounterIsLinearizable() {
    options().check(Atomic.class);
  }
}
