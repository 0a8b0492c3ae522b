package io.jcontext.samples.cancel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CancelAndValuesTest {

  @Test
  void forgottenCancelLeavesTimersAndChildrenBehind() {
    CancelAndValues.Evidence e = CancelAndValues.forgotten(false, 20);
    assertEquals(20, e.pendingTimers());
    assertEquals(20, e.reachableChildren(), "the live parent keeps every child it was never told about");
  }

  @Test
  void cancelReleasesTimerAndParentReference() {
    CancelAndValues.Evidence e = CancelAndValues.forgotten(true, 20);
    assertEquals(0, e.pendingTimers());
    assertEquals(0, e.reachableChildren());
  }

  @Test
  void tourStop() {
    assertTrue(new CancelAndValues().run().startsWith("cancel(child) reached the grandchild, not the parent"));
  }
}
