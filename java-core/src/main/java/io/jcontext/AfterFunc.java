package io.jcontext;

import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * An {@link Context#afterFunc} registration (Go's {@code afterFuncCtx}): a node in the context's
 * registration list that hands its action to an executor when the context is done. An
 * {@link Context#onDone} registration is the same node with an executor that runs the action on
 * the cancelling thread. Whether the
 * action runs or {@link #stop()} prevents it is decided by one atomic step, the removal from the
 * list (see {@link CancelCtx}), so exactly one of them happens.
 */
final class AfterFunc extends Node implements Stop {
  private final CancelCtx owner;
  private final Runnable action;
  private final Executor executor;

  private AfterFunc(CancelCtx owner, Runnable action, Executor executor) {
    this.owner = owner;
    this.action = action;
    this.executor = executor;
  }

  /** Runs an action on the calling thread; {@link Callbacks#execute} reports what it throws. */
  private static final Executor INLINE = Runnable::run;

  /** Runs a {@link Wakeup} on the calling thread, inside the cancellation walk. */
  private static final Executor WAKE = Runnable::run;

  /**
   * Returns an unregistered node that runs {@code callback} on the cancelling thread (onDone): in
   * the cancellation walk if it is a {@link Wakeup}, else after it.
   */
  static AfterFunc inline(CancelCtx owner, Runnable callback) {
    return new AfterFunc(owner, callback, callback instanceof Wakeup ? WAKE : INLINE);
  }

  static Stop register(Context ctx, Runnable action, Executor executor) {
    Objects.requireNonNull(ctx, "ctx");
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(executor, "executor");
    Context source = Tree.source(ctx);
    if (source instanceof CancelCtx) {
      CancelCtx owner = (CancelCtx) source;
      AfterFunc node = new AfterFunc(owner, action, executor);
      if (owner.add(node)) {
        return node;
      }
      Callbacks.execute(executor, action); // already done: start it now, still asynchronously
      return Callbacks.ALREADY_RAN;
    }
    if (source instanceof NeverDoneCtx) {
      return Callbacks.neverRuns();
    }
    return Objects.requireNonNull(source.onDone(() -> Callbacks.execute(executor, action)),
        () -> "onDone of " + source.getClass().getName() + " returned null");
  }

  @Override
  boolean wakesOnly() {
    return executor == WAKE;
  }

  @Override
  void fire(Cancellation err) {
    Callbacks.execute(executor, action);
  }

  @Override
  public boolean stop() {
    return owner.remove(this);
  }
}
