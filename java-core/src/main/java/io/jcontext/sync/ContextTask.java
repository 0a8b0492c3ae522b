package io.jcontext.sync;

import io.jcontext.Context;

/**
 * A piece of work that runs under a {@link Context}: a task of a {@link Group} or of
 * {@link Group#run(Context, ContextTask...)} (Go's {@code func(ctx context.Context) error}). It
 * receives the group's derived context and should return soon after that context is done,
 * typically by passing it to every blocking call it makes.
 *
 * <pre>{@code
 * ContextTask fetch = ctx -> results.put(url, client.get(ctx, url));
 * }</pre>
 */
@FunctionalInterface
public interface ContextTask {

  /**
   * Runs the task. Returning normally is success; any exception or error thrown is the task's
   * failure (Go's non-nil error).
   */
  void run(Context ctx) throws Exception;
}
