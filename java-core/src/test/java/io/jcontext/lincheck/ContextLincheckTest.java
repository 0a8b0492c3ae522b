package io.jcontext.lincheck;

import io.jcontext.CancellableContext;
import io.jcontext.Context;
import io.jcontext.ContextException;
import io.jcontext.Stop;
import io.jcontext.TestHooks;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.jetbrains.lincheck.datastructures.Validate;
import org.junit.jupiter.api.Test;

/**
 * Linearizability of one cancellable child under a cancellable parent, with an afterFunc
 * registration on the child: deriving, cancelling (child or parent, with causes), reading err and
 * cause, stopping the afterFunc and counting registrations. Lincheck checks every result against
 * a sequential execution of the same operations; {@link #stopXorRan()} checks after each run that
 * the afterFunc either ran or was stopped with {@code true}, never both, and ran iff the child is
 * done and it was not stopped.
 *
 * <p>Whether the afterFunc has run is deliberately not an operation: actions and callbacks run
 * after {@code err} is published, as in Go, where AfterFunc is asynchronous; it is checked in
 * {@link #stopXorRan()}. Concurrent {@code cancelParent} calls are included: a losing cancel
 * returns only after the winner has closed the whole subtree (Go's loser blocks on the mutex),
 * so a grandchild derived after any cancel returned is born done.
 */
@Param(name = "cause", gen = IntGen.class, conf = "0:1")
public class ContextLincheckTest {
  private static final Throwable[] PARENT_CAUSES = {new Exception("P0"), new Exception("P1")};
  private static final Throwable[] CHILD_CAUSES = {new Exception("C0"), new Exception("C1")};

  private final CancellableContext parent = Context.background().withCancel();
  private final CancellableContext child = parent.withCancel();
  /** Set by the afterFunc action (run inline by a direct executor). */
  private volatile boolean ran;
  /** Set when a stopAfterFunc() call returned true. */
  private volatile boolean stoppedTrue;
  private final Stop afterFunc = child.afterFunc(() -> ran = true, Runnable::run);

  /**
   * Derives a grandchild from the child. Its effect is seen through {@link #registrations()}
   * (whether the grandchild was born done cannot be read atomically with its creation).
   */
  @Operation
  public void deriveChild() {
    child.withCancel();
  }

  @Operation
  public boolean cancelChild(@Param(name = "cause") int c) {
    return child.cancel(CHILD_CAUSES[c]);
  }

  @Operation
  public boolean cancelParent(@Param(name = "cause") int c) {
    return parent.cancel(PARENT_CAUSES[c]);
  }

  @Operation
  public String childErr() {
    ContextException e = child.err();
    return e == null ? "live" : e.getClass().getSimpleName();
  }

  /** Which cancellation decided the child's cause (P0, P1, C0, C1), or "none". */
  @Operation
  public String childCause() {
    Throwable t = child.cause();
    return t == null ? "none" : t.getMessage();
  }

  @Operation
  public boolean stopAfterFunc() {
    boolean r = afterFunc.stop();
    if (r) {
      stoppedTrue = true;
    }
    return r;
  }

  /** The child's registrations: the afterFunc (until stopped or run) and live grandchildren; 0 once done. */
  @Operation
  public int registrations() {
    return TestHooks.registrations(child);
  }

  @Validate
  public void stopXorRan() {
    if (ran && stoppedTrue) {
      throw new AssertionError("afterFunc ran although stop() returned true");
    }
    if (ran != (child.isDone() && !stoppedTrue)) {
      throw new AssertionError("ran=" + ran + " stoppedTrue=" + stoppedTrue + " childDone=" + child.isDone());
    }
    if (child.isDone() && TestHooks.registrations(child) != 0) {
      throw new AssertionError("a done child keeps registrations");
    }
  }

  @Test
  void modelChecking() {
    new ModelCheckingOptions()
        .iterations(20)
        .invocationsPerIteration(300)
        .threads(3)
        .actorsPerThread(2)
        .actorsBefore(1)
        .actorsAfter(1)
        .check(ContextLincheckTest.class);
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
        .check(ContextLincheckTest.class);
  }
}
