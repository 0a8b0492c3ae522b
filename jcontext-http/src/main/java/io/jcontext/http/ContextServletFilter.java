package io.jcontext.http;

import io.jcontext.BudgetPolicy;
import io.jcontext.CancellableContext;
import io.jcontext.Context;
import io.jcontext.ContextCancelledException;
import io.jcontext.Stop;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A Jakarta Servlet {@link Filter} that gives each HTTP request a jcontext {@link Context}, which
 * servlets read with {@link #context(ServletRequest)}.
 *
 * <p>The request's context is a child of the filter's root with the budget the
 * {@linkplain #withPolicy policy} grants from the {@value BudgetHeader#NAME} header (see
 * {@link BudgetHeader} for malformed values) and the declared {@linkplain #withValues values}. It
 * is done
 * <ul>
 *   <li>when the request ends: when the chain returns, or for an asynchronous request when it
 *       completes or times out (a plain {@link ContextCancelledException});</li>
 *   <li>when the client goes away, where the container signals it (see
 *       {@link #withDisconnectSignal}, and an asynchronous request's {@code onError} for an
 *       {@link IOException}): with a {@link ClientDisconnectedException} as cause;</li>
 *   <li>at its deadline, or when the root is done.</li>
 * </ul>
 * Nothing in the request makes this filter throw; the chain's exceptions pass through unchanged.
 * A request that is not HTTP passes through without a context. The filter needs no init
 * parameters; build it in code and register the instance with the container.
 *
 * <p>Instances are immutable and thread-safe; {@code with*} methods return new instances.
 */
public final class ContextServletFilter implements Filter {
  /** The request attribute that holds the request's context. */
  public static final String ATTRIBUTE = "io.jcontext.Context";

  private static final DisconnectSignal NO_SIGNAL = (request, gone) -> () -> false;

  private final RequestContexts contexts;
  private final DisconnectSignal signal;

  private ContextServletFilter(RequestContexts contexts, DisconnectSignal signal) {
    this.contexts = contexts;
    this.signal = signal;
  }

  /** Returns a filter whose request contexts are children of {@code root}, trusting incoming budgets. */
  public static ContextServletFilter create(Context root) {
    return new ContextServletFilter(new RequestContexts(root, BudgetPolicy.trust(), List.of()), NO_SIGNAL);
  }

  /** Returns this filter with {@code policy} for incoming budgets. */
  public ContextServletFilter withPolicy(BudgetPolicy policy) {
    return new ContextServletFilter(contexts.withPolicy(policy), signal);
  }

  /** Returns this filter also decoding {@code values} (replacing the ones given before). */
  public ContextServletFilter withValues(HeaderValue<?>... values) {
    return new ContextServletFilter(contexts.withValues(values), signal);
  }

  /** Returns this filter cancelling a request's context when {@code signal} reports the client gone. */
  public ContextServletFilter withDisconnectSignal(DisconnectSignal signal) {
    return new ContextServletFilter(contexts, Objects.requireNonNull(signal, "signal"));
  }

  /**
   * Returns the context of {@code request} set by this filter, or {@code null} if the request did
   * not pass through one.
   */
  public static @Nullable Context context(ServletRequest request) {
    Object ctx = request.getAttribute(ATTRIBUTE);
    return ctx instanceof Context ? (Context) ctx : null;
  }

  @Override
  public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    if (!(request instanceof HttpServletRequest) || request.getAttribute(ATTRIBUTE) != null) {
      chain.doFilter(request, response); // not HTTP, or a dispatch that already has its context
      return;
    }
    HttpServletRequest http = (HttpServletRequest) request;
    RequestContexts.Request r = contexts.open(http::getHeader);
    CancellableContext base = r.base;
    Stop gone = register(http, base);
    boolean async = false;
    try {
      request.setAttribute(ATTRIBUTE, r.ctx);
      chain.doFilter(request, response);
      async = request.isAsyncStarted();
      if (async) {
        request.getAsyncContext().addListener(new EndListener(base, gone));
      }
    } finally {
      if (!async) {
        end(base, gone, null);
      }
    }
  }

  private Stop register(HttpServletRequest request, CancellableContext base) {
    try {
      Stop stop = signal.register(request, reported -> base.cancel(new ClientDisconnectedException(reported)));
      return stop != null ? stop : () -> false;
    } catch (RuntimeException e) {
      return () -> false; // a failing signal must not fail the request
    }
  }

  static void end(CancellableContext base, Stop gone, Throwable cause) {
    try {
      gone.stop();
    } catch (RuntimeException ignored) {
      // the container's signal failed to unregister: the context is cancelled all the same
    }
    base.cancel(cause);
  }

  /** Ends an asynchronous request's context with the request. */
  private static final class EndListener implements AsyncListener {
    private final CancellableContext base;
    private final Stop gone;

    EndListener(CancellableContext base, Stop gone) {
      this.base = base;
      this.gone = gone;
    }

    @Override
    public void onComplete(AsyncEvent event) {
      end(base, gone, null);
    }

    @Override
    public void onTimeout(AsyncEvent event) {
      end(base, gone, null);
    }

    @Override
    public void onError(AsyncEvent event) {
      Throwable t = event.getThrowable();
      end(base, gone, t instanceof IOException ? new ClientDisconnectedException(t) : t);
    }

    @Override
    public void onStartAsync(AsyncEvent event) {
      event.getAsyncContext().addListener(this); // a new async cycle: stay registered
    }
  }
}
