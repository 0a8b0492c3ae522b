package io.jcontext.http;

import org.jspecify.annotations.Nullable;

/**
 * The cause of a request's context when the client went away (closed the connection or reset
 * the stream) before the response was complete, as far as the container reports it: server code
 * tells "the client cancelled" from "we cancelled" by {@code ctx.cause() instanceof
 * ClientDisconnectedException}. Its own cause is what the container reported, if anything.
 */
public final class ClientDisconnectedException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Creates the cause; {@code cause} (what the container reported) may be null. */
  public ClientDisconnectedException(@Nullable Throwable cause) {
    super("the client cancelled the request (disconnected)", cause, false, false);
  }
}
