package io.jcontext.lincheck;

import io.jcontext.CancellableContext;
import io.jcontext.Context;
import io.jcontext.TestHooks;
import java.util.concurrent.atomic.AtomicInteger;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.jetbrains.lincheck.datastructures.Validate;
import org.junit.jupiter.api.Test;

/**
 * Linearizability of a chain top → mid → leaf in which mid and leaf start detached (they poll
 * their ancestors) and attach when a callback or a done() stage is added to the leaf: cancelling
 * any of the three with causes, reading the leaf's and mid's cause, asking whether the leaf's
 * done() stage is complete (which must agree with its err at every instant), and registering
 * callbacks on the leaf. {@link #everyCallbackRanOnceAndNothingIsRetained()} checks after each
 * run that each callback ran exactly once iff the leaf is done, and that no done context is still
 * registered with a live parent.
 */
@Param(name = "cause", gen = IntGen.class, conf = "0:1")
public class DetachedChainLincheckTest {
  private static final Throwable[] CAUSES = {new Exception("A"), new Exception("B")};

  private final CancellableContext top = Context.background().withCancel();
  private final CancellableContext mid = top.withCancel();
  private final CancellableContext leaf = mid.withCancel();
  private final AtomicInteger registered = new AtomicInteger();
  private final AtomicInteger ran = new AtomicInteger();

  @Operation
  public boolean cancelTop(@Param(name = "cause") int c) {
    return top.cancel(CAUSES[c]);
  }

  @Operation
  public boolean cancelMid(@Param(name = "cause") int c) {
    return mid.cancel(CAUSES[c]);
  }

  @Operation
  public boolean cancelLeaf(@Param(name = "cause") int c) {
    return leaf.cancel(CAUSES[c]);
  }

  /** Which cancellation decided the leaf's cause ("A" or "B" of whichever context), or "none". */
  @Operation
  public String leafCause() {
    Throwable t = leaf.cause();
    return t == null ? "none" : t.getMessage();
  }

  @Operation
  public String midCause() {
    Throwable t = mid.cause();
    return t == null ? "none" : t.getMessage();
  }

  /** done() complete: must be linearizable with the err reads, i.e. the same fact. */
  @Operation
  public boolean leafDoneStageComplete() {
    return leaf.done().toCompletableFuture().isDone();
  }

  @Operation
  public boolean leafIsDone() {
    return leaf.isDone();
  }

  /** Registers a callback on the leaf (attaching it and mid); its run is checked in the validation. */
  @Operation
  public void onDoneLeaf() {
    registered.incrementAndGet();
    leaf.onDone(ran::incrementAndGet);
  }

  @Validate
  public void everyCallbackRanOnceAndNothingIsRetained() {
    int expected = leaf.isDone() ? registered.get() : 0;
    if (ran.get() != expected) {
      throw new AssertionError("callbacks ran " + ran.get() + " times, expected " + expected);
    }
    if (leaf.isDone() && !mid.isDone() && TestHooks.registrations(mid) != 0) {
      throw new AssertionError("a done leaf is still registered with its live parent");
    }
    if (mid.isDone() && !top.isDone() && TestHooks.registrations(top) != 0) {
      throw new AssertionError("a done mid is still registered with its live parent");
    }
  }

  @Test
  void modelChecking() {
    new ModelCheckingOptions()
        .iterations(30)
        .invocationsPerIteration(300)
        .threads(3)
        .actorsPerThread(2)
        .actorsBefore(1)
        .actorsAfter(1)
        .check(DetachedChainLincheckTest.class);
  }

  @Test
  void stress() {
    new StressOptions()
        .iterations(15)
        .invocationsPerIteration(2_000)
        .threads(3)
        .actorsPerThread(2)
        .actorsBefore(1)
        .actorsAfter(1)
        .check(DetachedChainLincheckTest.class);
  }
}
