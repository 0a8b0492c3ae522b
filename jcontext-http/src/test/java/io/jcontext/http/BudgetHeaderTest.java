package io.jcontext.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BudgetHeaderTest {

  @Test
  void wellFormedValues() {
    assertEquals(Duration.ofMillis(1500), BudgetHeader.parse("1500"));
    assertEquals(Duration.ofMillis(7), BudgetHeader.parse(" 7 "));
    assertEquals(Duration.ZERO, BudgetHeader.parse("0"));
    assertEquals(Duration.ofMillis(12), BudgetHeader.parse("000012"));
  }

  @Test
  void malformedOrNegativeValuesAreIgnored() {
    for (String bad : new String[] {null, "", "  ", "abc", "-5", "+5", "1.5", "1e3", "0x10", "5ms", "1 2", "٣"}) {
      assertNull(BudgetHeader.parse(bad), String.valueOf(bad));
    }
  }

  @Test
  void absurdAndOverflowingValuesAreClampedToMax() {
    assertEquals(BudgetHeader.MAX, BudgetHeader.parse(String.valueOf(BudgetHeader.MAX.toMillis() + 1)));
    assertEquals(BudgetHeader.MAX, BudgetHeader.parse("9223372036854775807"));
    assertEquals(BudgetHeader.MAX, BudgetHeader.parse("99999999999999999999999999999999999999"));
    assertEquals(BudgetHeader.MAX, BudgetHeader.parse(String.valueOf(BudgetHeader.MAX.toMillis())));
  }

  @Test
  void formatRoundsDownAndNeverGoesNegativeOrPastMax() {
    assertEquals("1", BudgetHeader.format(Duration.ofNanos(1_999_999)));
    assertEquals("0", BudgetHeader.format(Duration.ofMillis(-40)));
    assertEquals(String.valueOf(BudgetHeader.MAX.toMillis()), BudgetHeader.format(Duration.ofDays(400)));
    assertEquals(Duration.ofMillis(1234), BudgetHeader.parse(BudgetHeader.format(Duration.ofNanos(1_234_567_890))));
  }
}
