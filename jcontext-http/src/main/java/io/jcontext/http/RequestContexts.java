package io.jcontext.http;

import io.jcontext.BudgetPolicy;
import io.jcontext.CancellableContext;
import io.jcontext.Context;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * What the two server filters share: the root, the budget policy and the declared values, and
 * how they make a request's context from the request's headers. Immutable and thread-safe.
 */
final class RequestContexts {
  final Context root;
  final BudgetPolicy policy;
  final List<HeaderValue<?>> values;

  RequestContexts(Context root, BudgetPolicy policy, List<HeaderValue<?>> values) {
    this.root = Objects.requireNonNull(root, "root");
    this.policy = Objects.requireNonNull(policy, "policy");
    this.values = List.copyOf(values);
  }

  RequestContexts withPolicy(BudgetPolicy policy) {
    return new RequestContexts(root, policy, values);
  }

  RequestContexts withValues(HeaderValue<?>... values) {
    return new RequestContexts(root, policy, List.of(values));
  }

  /** A request's context: its cancellable base and the context with values that handlers see. */
  static final class Request {
    final CancellableContext base;
    final Context ctx;

    Request(CancellableContext base, Context ctx) {
      this.base = base;
      this.ctx = ctx;
    }
  }

  /**
   * Makes a request's context from {@code header} (name to first value, null if absent). Never
   * throws for anything in the headers: a header that cannot be read is a missing one.
   */
  Request open(Function<String, String> header) {
    Duration incoming;
    try {
      incoming = BudgetHeader.parse(header.apply(BudgetHeader.NAME));
    } catch (RuntimeException e) {
      incoming = null;
    }
    Duration budget = policy.budget(incoming);
    CancellableContext base = budget == null ? root.withCancel() : root.withTimeout(budget);
    Context ctx = base;
    for (HeaderValue<?> v : values) {
      String text;
      try {
        text = header.apply(v.name());
      } catch (RuntimeException e) {
        continue;
      }
      ctx = v.decode(text, ctx);
    }
    return new Request(base, ctx);
  }
}
