package io.jcontext.samples.cancel;

import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jcontext.CancellableContext;
import io.jcontext.Context;
import org.jetbrains.lincheck.LincheckAssertionError;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.junit.jupiter.api.Test;

/**
 * Seed 000's race, found deterministically. Go's race detector flags the unsynchronised
 * {@code err}; Lincheck's model checker explores the interleavings of {@code cancel} with a reader
 * and finds one where the reader sees err set but the context not done, a result no sequential
 * order of the operations can produce. The locked fix and the library's context pass.
 */
class HandmadeContextLincheckTest {

  /** The racy hand-made context under test. */
  public static class Racy {
    private final RacyContext ctx = new RacyContext();

    @Operation
    public boolean cancel() {
      return ctx.cancel();
    }

    @Operation
    public boolean sawErrWithoutDone() {
      return HandmadeContext.sawErrWithoutDone(ctx);
    }
  }

  /** The seed's fix. */
  public static class Locked {
    private final LockedContext ctx = new LockedContext();

    @Operation
    public boolean cancel() {
      return ctx.cancel();
    }

    @Operation
    public boolean sawErrWithoutDone() {
      return HandmadeContext.sawErrWithoutDone(ctx);
    }
  }

  /** The library. */
  public static class Library {
    private final CancellableContext ctx = Context.background().withCancel();

    @Operation
    public boolean cancel() {
      return ctx.cancel();
    }

    @Operation
    public boolean sawErrWithoutDone() {
      return HandmadeContext.sawErrWithoutDone(ctx);
    }
  }

  private static ModelCheckingOptions options() {
    return new ModelCheckingOptions().iterations(10).invocationsPerIteration(200)
        .threads(2).actorsPerThread(2).actorsBefore(0).actorsAfter(0);
  }

  @Test
  void racyContextBreaksErrIffDone() {
    assertThrows(LincheckAssertionError.class, () -> options().check(Racy.class));
  }

  @Test
  void lockedContextIsLinearizable() {
    options().check(Locked.class);
  }

  @Test
  void libraryContextIsLinearizable() {
    options().check(Library.class);
  }
}
