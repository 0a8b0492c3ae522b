package io.jcontext.http;

import io.jcontext.BudgetPolicy;
import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;
import io.jcontext.Context;
import java.io.IOException;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A JDK {@link com.sun.net.httpserver.HttpServer} filter that gives each exchange a jcontext
 * {@link Context}, which handlers read with {@link #context(HttpExchange)}.
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
  /** The exchange attribute that holds the request's context. */
  public static final String ATTRIBUTE = "io.jcontext.Context";

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
    Object ctx = exchange.getAttribute(ATTRIBUTE);
    return ctx instanceof Context ? (Context) ctx : null;
  }

  @Override
  public void doFilter(HttpExchange exchange, Chain chain) throws IOException {
    RequestContexts.Request request = contexts.open(name -> exchange.getRequestHeaders().getFirst(name));
    try {
      exchange.setAttribute(ATTRIBUTE, request.ctx);
      chain.doFilter(exchange);
    } finally {
      request.base.cancel();
    }
  }

  @Override
  public String description() {
    return "jcontext request context (" + contexts.policy + ")";
  }
}
