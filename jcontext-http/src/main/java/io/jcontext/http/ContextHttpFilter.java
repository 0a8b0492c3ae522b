package io.jcontext.http;

import io.jcontext.BudgetPolicy;
import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import io.jcontext.Context;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * A JDK {@link com.sun.net.httpserver.HttpServer} filter that gives each exchange a jcontext
 * {@link Context}, which handlers read with {@link #context(HttpExchange)} while the filter's chain
 * runs (from any thread).
 *
 * <p>The request's context is a child of the filter's root with the budget the
 * {@linkplain #withPolicy policy} grants from the {@value BudgetHeader#NAME} header (see
 * {@link BudgetHeader} for malformed values) and the declared {@linkplain #withValues values}.
 * It is cancelled, with a plain {@link io.jcontext.ContextCancelledException}, when the handler
 * chain returns: the exchange has ended. The JDK server reports no client disconnect, so this
 * filter cannot either; a handler notices one when writing fails. Nothing in the request makes
 * this filter throw; exceptions of the chain pass through unchanged.
 *
 * <pre>{@code
 * HttpContext hc = server.createContext("/", handler);
 * hc.getFilters().add(ContextHttpFilter.create(Context.background())
 *     .withPolicy(BudgetPolicy.clampTo(Duration.ofSeconds(10))).withValues(REQUEST_ID_HEADER));
 * }</pre>
 *
 * <p>Instances are immutable and thread-safe; {@code with*} methods return new instances.
 */
public final class ContextHttpFilter extends Filter {
  /**
   * The context of each exchange in the chain of one of these filters, by exchange identity; an
   * entry lives from the start to the end of its chain. Not an exchange attribute: the JDK's
   * {@code HttpExchange.setAttribute} stores into the attributes of the exchange's
   * {@code HttpContext} (JDK 17), which every concurrent exchange of that path shares.
   */
  private static final Map<HttpExchange, Context> CONTEXTS = new ConcurrentHashMap<>();

  private final RequestContexts contexts;

  private ContextHttpFilter(RequestContexts contexts) {
    this.contexts = contexts;
  }

  /** Returns a filter whose request contexts are children of {@code root}, trusting incoming budgets. */
  public static ContextHttpFilter create(Context root) {
    return new ContextHttpFilter(new RequestContexts(root, BudgetPolicy.trust(), List.of()));
  }

  /** Returns this filter with {@code policy} for incoming budgets. */
  public ContextHttpFilter withPolicy(BudgetPolicy policy) {
    return new ContextHttpFilter(contexts.withPolicy(policy));
  }

  /** Returns this filter also decoding {@code values} (replacing the ones given before). */
  public ContextHttpFilter withValues(HeaderValue<?>... values) {
    return new ContextHttpFilter(contexts.withValues(values));
  }

  /**
   * Returns the context of {@code exchange} set by this filter, or {@code null} if the exchange
   * did not pass through one.
   */
  public static @Nullable Context context(HttpExchange exchange) {
    return CONTEXTS.get(exchange);
  }

  @Override
  public void doFilter(HttpExchange exchange, Chain chain) throws IOException {
    Headers headers = exchange.getRequestHeaders(); // once: the JDK server may wrap them anew per call
    RequestContexts.Request request = contexts.open(headers::getFirst);
    Context outer = CONTEXTS.put(exchange, request.ctx); // non-null only under a second filter
    try {
      chain.doFilter(exchange);
    } finally {
      if (outer == null) {
        CONTEXTS.remove(exchange);
      } else {
        CONTEXTS.put(exchange, outer);
      }
      request.base.cancel();
    }
  }

  @Override
  public String description() {
    return "jcontext request context (" + contexts.policy + ")";
  }
}
