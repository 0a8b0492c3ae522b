package io.jcontext;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Value lookup through the per-run hash tables of {@link ValueCtx}: every lookup must agree with
 * Go's plain walk up the chain (newest binding wins, a null value hides an older binding, other
 * context kinds and foreign contexts are passed through), whatever the run lengths, shadowing
 * and key hashes.
 */
class ValueLookupTest {

  /** The reference: Go's walk, over a list of the bindings made, newest last. */
  private static Object expected(List<Object[]> bindings, Key<?> k) {
    for (int i = bindings.size() - 1; i >= 0; i--) {
      if (bindings.get(i)[0] == k) {
        return bindings.get(i)[1];
      }
    }
    return null;
  }

  @Test
  void randomChainsAgreeWithTheWalk() {
    SplittableRandom random = new SplittableRandom(7);
    for (int round = 0; round < 2_000; round++) {
      List<Key<Object>> keys = new ArrayList<>();
      int nKeys = 1 + random.nextInt(24);
      for (int i = 0; i < nKeys; i++) {
        keys.add(Key.of("k" + i));
      }
      Key<Object> unbound = Key.of("unbound");
      Context c = Context.background();
      List<Object[]> bindings = new ArrayList<>();
      int length = random.nextInt(60);
      for (int step = 0; step < length; step++) {
        int what = random.nextInt(10);
        if (what == 0) {
          c = c.withCancel();
        } else if (what == 1) {
          c = c.withoutCancel();
        } else if (what == 2) {
          c = new ForeignContext(Clock.system(), c, null);
        } else {
          Key<Object> k = keys.get(random.nextInt(keys.size()));
          Object v = random.nextInt(8) == 0 ? null : "v" + step;
          c = c.withValue(k, v);
          bindings.add(new Object[] {k, v});
        }
        for (Key<Object> k : keys) {
          assertEquals(expected(bindings, k), c.value(k), () -> "round with key " + k);
        }
        assertNull(c.value(unbound));
      }
    }
  }

  @Test
  void longRunOfDistinctKeysFindsEveryKey() {
    List<Key<Integer>> keys = new ArrayList<>();
    Context c = Context.background();
    for (int i = 0; i < 100; i++) {
      Key<Integer> k = Key.of("k" + i, Integer.class);
      keys.add(k);
      c = c.withValue(k, i);
    }
    for (int i = 0; i < 100; i++) {
      assertEquals(i, c.value(keys.get(i)));
    }
  }

  @Test
  void tablesStayBoundedAndRunsStartOver() {
    Context c = Context.background();
    Key<String> k = Key.of("k");
    for (int i = 0; i < 40; i++) {
      c = c.withValue(Key.of("d" + i), "x").withValue(k, "v" + i);
      ValueCtx v = (ValueCtx) c;
      assertTrue(v.size <= ValueCtx.RUN, "a table holds at most RUN bindings");
      assertTrue(v.table == null || v.table.length <= 4 * ValueCtx.RUN, "at most 2*RUN slots");
      assertEquals("v" + i, c.value(k));
    }
    ValueCtx first = (ValueCtx) Context.background().withValue(k, "a");
    assertNull(first.table, "a run of one has no table");
    assertSame(Context.background(), first.rest);
  }

  @Test
  void shadowedKeyInTheTableKeepsTheNewestBinding() {
    Key<String> a = Key.of("a");
    Key<String> b = Key.of("b");
    Context c = Context.background().withValue(a, "1").withValue(b, "2").withValue(a, "3")
        .withValue(b, "4").withValue(Key.of("c"), "5");
    assertEquals("3", c.value(a));
    assertEquals("4", c.value(b));
    assertEquals(2, ((ValueCtx) c).size, "the table holds one binding per key");
  }
}
