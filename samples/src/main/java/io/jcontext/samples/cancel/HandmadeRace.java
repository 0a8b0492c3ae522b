package io.jcontext.samples.cancel;

import io.jcontext.Context;
import io.jcontext.samples.Go;
import io.jcontext.samples.Sample;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * Seed 000 as a tour stop: a stress run in which one thread cancels a fresh context while another
 * checks {@link HandmadeContext#sawErrWithoutDone}, for the racy hand-made context, the locked fix
 * and the library's own context. A stress run can only find the race by luck (the
 * {@code HandmadeContextLincheckTest} finds it every time by model checking); what it must show is
 * that the fix and the library never break the contract.
 */
public final class HandmadeRace implements Sample {

  /**
   * Runs {@code trials} rounds of cancel-versus-check on contexts made by {@code factory}; returns
   * how many checks saw err without done.
   */
  public static int stress(Supplier<? extends Context> factory, java.util.function.Consumer<Context> cancel,
      int trials) throws Exception {
    Context[] contexts = new Context[trials];
    for (int i = 0; i < trials; i++) {
      contexts[i] = factory.get();
    }
    Go<Void> canceller = Go.run("canceller", () -> {
      for (Context c : contexts) {
        cancel.accept(c);
      }
    });
    int torn = 0;
    for (Context c : contexts) {
      while (!c.isDone() && c.err() == null) {
        Thread.onSpinWait(); // chase the canceller
        if (canceller.isFinished()) {
          break;
        }
      }
      if (HandmadeContext.sawErrWithoutDone(c)) {
        torn++;
      }
    }
    canceller.join(Duration.ofSeconds(30));
    return torn;
  }

  @Override
  public String id() {
    return "000";
  }

  @Override
  public String title() {
    return "hand-made context: data race and fix";
  }

  @Override
  public String run() throws Exception {
    int trials = 200_000;
    int racy = stress(RacyContext::new, c -> ((HandmadeContext) c).cancel(), trials);
    int locked = stress(LockedContext::new, c -> ((HandmadeContext) c).cancel(), trials);
    int library = stress(() -> Context.background().withCancel(),
        c -> ((io.jcontext.CancellableContext) c).cancel(), trials);
    if (locked != 0 || library != 0) {
      throw new IllegalStateException("contract broken: locked " + locked + ", library " + library);
    }
    return trials + " cancel-vs-check rounds: racy saw err without done " + racy
        + "x (the Lincheck test finds it every time); locked fix 0; library 0";
  }
}
