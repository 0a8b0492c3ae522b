package io.jcontext.samples.http;

import com.sun.net.httpserver.HttpExchange;
import io.jcontext.Context;
import java.io.IOException;

/**
 * An HTTP handler that receives the request's context as its first argument, as Go handlers read
 * {@code r.Context()}. Middleware is a function from one {@code CtxHandler} to another that calls
 * the next with a derived context.
 */
@FunctionalInterface
public interface CtxHandler {

  /**
   * Handles one exchange. {@code ctx} is done when the server shuts down or the request's
   * deadline budget (header {@code Request-Budget-Ms}) runs out, and is cancelled when this
   * method returns.
   */
  void handle(Context ctx, HttpExchange exchange) throws IOException, InterruptedException;
}
