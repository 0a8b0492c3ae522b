package io.jcontext.samples.cancel;

import io.jcontext.Context;

/**
 * Seed 000: a cancellable context implemented by hand (as the seed's author did to learn how Go's
 * context works) rather than taken from the library. Because it implements {@link Context}, a
 * hand-made context can even be the parent of library contexts: they join it through
 * {@link Context#onDone}.
 */
public interface HandmadeContext extends Context {

  /** Cancels the context; returns whether this call did it. */
  boolean cancel();

  /**
   * The contract check the race breaks: reads {@code err()} and then {@code isDone()}, and returns
   * true if the first was set while the second was still false. Once err is non-null the context
   * is done for good, so a correct context can never make this return true, whatever runs
   * concurrently.
   */
  static boolean sawErrWithoutDone(Context ctx) {
    boolean errSet = ctx.err() != null;
    boolean done = ctx.isDone();
    return errSet && !done;
  }
}
