package io.jcontext.samples.values;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcontext.CancellableContext;
import io.jcontext.Context;
import io.jcontext.Key;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RequestIdsTest {

  @Test
  void idTravelsThroughDerivedContexts() {
    Context ctx1 = RequestIds.withRequestId(Context.background(), "abc");
    try (CancellableContext ctx2 = ctx1.withTimeout(Duration.ofSeconds(1));
         CancellableContext ctx3 = ctx2.withCancel()) {
      assertEquals(Optional.of("abc"), RequestIds.requestId(ctx3));
      assertEquals(Optional.of("abc"), RequestIds.requestId(ctx3.withoutCancel()));
      ctx3.cancel();
      assertEquals(Optional.of("abc"), RequestIds.requestId(ctx3), "values survive cancellation");
    }
  }

  @Test
  void absentMeansEmpty() {
    assertEquals(Optional.empty(), RequestIds.requestId(Context.background()));
  }

  @Test
  void anotherKeyWithTheSameNameCannotCollide() {
    Key<String> impostor = Key.of("requestId", String.class);
    Context ctx = RequestIds.withRequestId(Context.background(), "mine").withValue(impostor, "theirs");
    assertEquals(Optional.of("mine"), RequestIds.requestId(ctx));
    assertEquals("theirs", ctx.value(impostor));
    assertEquals(Optional.empty(), RequestIds.requestId(Context.background().withValue(impostor, "theirs")));
  }

  @Test
  void innermostBindingWins() {
    Context ctx = RequestIds.withRequestId(RequestIds.withRequestId(Context.background(), "outer"), "inner");
    assertEquals(Optional.of("inner"), RequestIds.requestId(ctx));
  }

  @Test
  void nullIdIsRejected() {
    assertThrows(NullPointerException.class, () -> RequestIds.withRequestId(Context.background(), null));
  }

  @Test
  void tourStop() {
    assertTrue(new RequestIds().run().contains("abc"));
  }
}
