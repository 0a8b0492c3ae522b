package io.jcontext.http;

import io.jcontext.Stop;
import jakarta.servlet.http.HttpServletRequest;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * How a servlet container tells that the client of a request went away. The Servlet API has no
 * portable signal for it while a request is being handled, so {@link ContextServletFilter} takes
 * one from the container: for Jetty 12, for example,
 *
 * <pre>{@code
 * DisconnectSignal jetty = (request, gone) -> {
 *   ServletContextRequest.getServletContextRequest(request).addFailureListener(gone);
 *   return () -> false; // Jetty drops its listeners when the request completes
 * };
 * }</pre>
 *
 * Without one, the filter still reports the errors the container passes to an asynchronous
 * request's {@link jakarta.servlet.AsyncListener#onError}.
 */
@FunctionalInterface
public interface DisconnectSignal {
  /**
   * Arranges for {@code gone} to be called, at most once and on any thread, with what the
   * container reported (or {@code null}) if the client of {@code request} goes away before the
   * response is complete; returns a {@link Stop} that the filter calls when the request is over.
   * Called on the thread that runs the filter; must not block.
   */
  Stop register(HttpServletRequest request, Consumer<@Nullable Throwable> gone);
}
