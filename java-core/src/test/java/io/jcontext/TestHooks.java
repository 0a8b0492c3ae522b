package io.jcontext;

/**
 * Package-private hooks of the core made reachable from test code in other packages (the
 * Lincheck tests). Test sources only; not part of the library.
 */
public final class TestHooks {
  private TestHooks() {}

  /**
   * Returns the number of registrations (children, onDone callbacks, afterFunc actions) held by
   * {@code ctx}, a context returned by {@code withCancel}, {@code withDeadline} or
   * {@code withTimeout}; 0 once it is done.
   */
  public static int registrations(Context ctx) {
    return ((CancelCtx) Tree.unwrap(ctx)).registrations();
  }
}
