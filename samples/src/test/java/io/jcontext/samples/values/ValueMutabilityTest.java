package io.jcontext.samples.values;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcontext.Context;
import org.junit.jupiter.api.Test;

class ValueMutabilityTest {

  @Test
  void safeCounterLosesNothing() throws Exception {
    Context ctx = Context.background().withValue(ValueMutability.SAFE, new ValueMutability.SafeCounter());
    ValueMutability.hammer(ctx, 8, 10_000, c -> c.value(ValueMutability.SAFE).inc());
    assertEquals(80_000, ctx.value(ValueMutability.SAFE).hits());
  }

  @Test
  void snapshotIsImmutableForEveryReader() {
    ValueMutability.Snapshot s = new ValueMutability.Snapshot("r1", "acme");
    Context ctx = Context.background().withValue(ValueMutability.SNAPSHOT, s);
    Context derived = ctx.withValue(ValueMutability.SNAPSHOT, new ValueMutability.Snapshot("r1", "other"));
    assertEquals("acme", ctx.value(ValueMutability.SNAPSHOT).tenant(), "a child's rebinding never reaches the parent");
    assertEquals("other", derived.value(ValueMutability.SNAPSHOT).tenant());
  }

  @Test
  void guardedSetIsShared() throws Exception {
    ValueMutability.GuardedSet set = new ValueMutability.GuardedSet();
    Context ctx = Context.background().withValue(io.jcontext.Key.of("seen", ValueMutability.GuardedSet.class), set);
    ValueMutability.hammer(ctx, 4, 1_000, c -> set.add(Thread.currentThread().getName()));
    assertTrue(set.has("hammer-0") && set.has("hammer-3"));
    assertFalse(set.has("nobody"));
  }

  @Test
  void tourStop() throws Exception {
    assertTrue(new ValueMutability().run().contains("AtomicLong handle 400000"));
  }
}
