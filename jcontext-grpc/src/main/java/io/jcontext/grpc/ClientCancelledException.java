package io.jcontext.grpc;

import org.jspecify.annotations.Nullable;

/**
 * The cause of a served call's context when the client cancelled the call (or went away) before
 * it completed, so that server code can tell "the client cancelled" from "we cancelled":
 * {@code ctx.cause() instanceof ClientCancelledException}. The wire carries no reason for a
 * cancellation, so this says only that it came from the other side; its own cause is what
 * grpc-java reported, if anything.
 */
public final class ClientCancelledException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Creates the cause for a call that {@code detail} describes; {@code cause} may be null. */
  public ClientCancelledException(String detail, @Nullable Throwable cause) {
    super("the client cancelled the call: " + detail, cause, false, false);
  }
}
