package io.jcontext.bench.context;

import java.util.concurrent.Executor;

/** Shared do-nothing callbacks, so that no benchmark allocates a lambda per operation. */
final class Noop {
  private Noop() {}

  static final Runnable RUNNABLE = () -> {};
  static final Executor DIRECT = Runnable::run;
  static final io.grpc.Context.CancellationListener GRPC_LISTENER = ctx -> {};
  static final kotlin.jvm.functions.Function1<Throwable, kotlin.Unit> KX_HANDLER = t -> kotlin.Unit.INSTANCE;
}
