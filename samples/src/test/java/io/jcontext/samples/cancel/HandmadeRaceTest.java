package io.jcontext.samples.cancel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcontext.CancellableContext;
import io.jcontext.Context;
import io.jcontext.ContextCancelledException;
import io.jcontext.Stop;
import io.jcontext.samples.Go;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class HandmadeRaceTest {

  @Test
  void lockedAndLibraryNeverShowErrWithoutDoneUnderStress() throws Exception {
    assertEquals(0, HandmadeRace.stress(LockedContext::new, c -> ((HandmadeContext) c).cancel(), 50_000));
    assertEquals(0, HandmadeRace.stress(() -> Context.background().withCancel(),
        c -> ((CancellableContext) c).cancel(), 50_000));
  }

  @Test
  void lockedContextRunsEveryCallbackExactlyOnceWhenRegistrationRacesCancel() throws Exception {
    for (int round = 0; round < 200; round++) {
      LockedContext ctx = new LockedContext();
      AtomicInteger runs = new AtomicInteger();
      CountDownLatch go = new CountDownLatch(1);
      List<Go<Void>> registrars = new ArrayList<>();
      for (int t = 0; t < 2; t++) {
        registrars.add(Go.run("reg", () -> {
          go.await();
          for (int i = 0; i < 50; i++) {
            ctx.onDone(runs::incrementAndGet);
          }
        }));
      }
      go.countDown();
      ctx.cancel();
      for (Go<Void> r : registrars) {
        r.join(Duration.ofSeconds(10));
      }
      assertEquals(100, runs.get(), "round " + round);
    }
  }

  @Test
  void handmadeContextCanParentLibraryContexts() {
    LockedContext parent = new LockedContext();
    CancellableContext child = parent.withCancel();
    Stop stop = parent.onDone(() -> {});
    assertTrue(stop.stop());
    assertFalse(child.isDone());
    parent.cancel();
    assertInstanceOf(ContextCancelledException.class, child.err());
    assertFalse(parent.cancel(), "second cancel does nothing");
  }

  @Test
  void tourStop() throws Exception {
    assertTrue(new HandmadeRace().run().contains("locked fix 0; library 0"));
  }
}
