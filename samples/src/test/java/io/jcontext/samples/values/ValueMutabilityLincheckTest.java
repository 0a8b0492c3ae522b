package io.jcontext.samples.values;

import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jcontext.Context;
import org.jetbrains.lincheck.LincheckAssertionError;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.junit.jupiter.api.Test;

/**
 * Go finds task 17's race with {@code go test -race}; Lincheck's model checker finds it here by
 * exploring interleavings: two increments through the context can produce a count of one.
 */
class ValueMutabilityLincheckTest {

  /** A counter shared through a context, incremented without synchronisation. */
  public static class UnsafeThroughContext {
    private final Context ctx = Context.background()
        .withValue(ValueMutability.UNSAFE, new ValueMutability.UnsafeCounter());

    @Operation
    public void inc() {
      ctx.value(ValueMutability.UNSAFE).inc();
    }

    @Operation
    public int hits() {
      return ctx.value(ValueMutability.UNSAFE).hits();
    }
  }

  /** The synchronised handle. */
  public static class SafeThroughContext {
    private final Context ctx = Context.background()
        .withValue(ValueMutability.SAFE, new ValueMutability.SafeCounter());

    @Operation
    public void inc() {
      ctx.value(ValueMutability.SAFE).inc();
    }

    @Operation
    public long hits() {
      return ctx.value(ValueMutability.SAFE).hits();
    }
  }

  private static ModelCheckingOptions options() {
    return new ModelCheckingOptions().iterations(10).invocationsPerIteration(200)
        .threads(2).actorsPerThread(2).actorsBefore(0).actorsAfter(1);
  }

  @Test
  void unsafeCounterInContextLosesAnUpdate() {
    assertThrows(LincheckAssertionError.class, () -> options().check(UnsafeThroughContext.class));
  }

  @Test
  void atomicHandleIsLinearizable() {
    options().check(SafeThroughContext.class);
  }
}
