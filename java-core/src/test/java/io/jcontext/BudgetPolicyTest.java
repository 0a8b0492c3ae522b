package io.jcontext;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BudgetPolicyTest {
  static final Duration S1 = Duration.ofSeconds(1);
  static final Duration S5 = Duration.ofSeconds(5);
  static final Duration S9 = Duration.ofSeconds(9);

  @Test
  void trustTakesTheIncomingBudgetOrTheDefault() {
    assertEquals(S5, BudgetPolicy.trust().budget(S5));
    assertNull(BudgetPolicy.trust().budget(null));
    assertEquals(S9, BudgetPolicy.trust().withDefault(S9).budget(null));
    assertEquals(Duration.ofMillis(-3), BudgetPolicy.trust().budget(Duration.ofMillis(-3)));
  }

  @Test
  void clampCapsEveryBudgetDefaultIncluded() {
    BudgetPolicy p = BudgetPolicy.clampTo(S5);
    assertEquals(S1, p.budget(S1));
    assertEquals(S5, p.budget(S9));
    assertEquals(S5, p.budget(null));
    assertEquals(S1, p.withDefault(S1).budget(null));
    assertEquals(S5, p.withDefault(S9).budget(null));
  }

  @Test
  void ignoreAlwaysGivesTheDefault() {
    assertNull(BudgetPolicy.ignore().budget(S1));
    assertEquals(S9, BudgetPolicy.ignore().withDefault(S9).budget(S1));
  }

  @Test
  void badArgumentsAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> BudgetPolicy.clampTo(Duration.ZERO));
    assertThrows(IllegalArgumentException.class, () -> BudgetPolicy.clampTo(Duration.ofSeconds(-1)));
    assertThrows(NullPointerException.class, () -> BudgetPolicy.clampTo(null));
    assertThrows(IllegalArgumentException.class, () -> BudgetPolicy.trust().withDefault(Duration.ZERO));
  }
}
