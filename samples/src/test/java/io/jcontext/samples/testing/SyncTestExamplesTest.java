package io.jcontext.samples.testing;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcontext.DeadlineExceededException;
import org.junit.jupiter.api.Test;

/** Go's synctest examples, named after the Go tests. */
class SyncTestExamplesTest {

  @Test
  void afterFunc() throws Exception {
    SyncTestExamples.AfterFuncObservation o = SyncTestExamples.afterFunc();
    assertFalse(o.calledBeforeCancel(), "AfterFunc function called before context is canceled");
    assertTrue(o.calledAfterCancel(), "AfterFunc function not called after context is canceled");
  }

  @Test
  void withTimeout() throws Exception {
    SyncTestExamples.TimeoutObservation o = SyncTestExamples.withTimeout();
    assertNull(o.errJustBefore(), "before timeout, ctx.err() must be null");
    assertInstanceOf(DeadlineExceededException.class, o.errAtDeadline());
  }

  @Test
  void tourStop() throws Exception {
    assertTrue(new SyncTestExamples().run().startsWith("AfterFunc: not called before cancel"));
  }
}
