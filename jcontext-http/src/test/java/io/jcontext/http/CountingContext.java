package io.jcontext.http;

import io.jcontext.CancellableContext;
import io.jcontext.Clock;
import io.jcontext.Context;
import io.jcontext.ContextException;
import io.jcontext.Key;
import io.jcontext.Stop;
import java.time.Instant;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A root for tests: a foreign context over a cancellable background child that counts the
 * onDone registrations it holds, so a test can assert that nothing stays registered on it.
 */
final class CountingContext implements Context {
  final CancellableContext delegate = Context.background().withCancel();
  private final AtomicInteger live = new AtomicInteger();
  final AtomicInteger total = new AtomicInteger();

  /** The registrations currently held: neither run nor stopped. */
  int registrations() {
    return live.get();
  }

  @Override
  public Instant deadline() {
    return delegate.deadline();
  }

  @Override
  public ContextException err() {
    return delegate.err();
  }

  @Override
  public <T> T value(Key<T> key) {
    return delegate.value(key);
  }

  @Override
  public boolean isDone() {
    return delegate.isDone();
  }

  @Override
  public CompletionStage<Void> done() {
    return delegate.done();
  }

  @Override
  public Clock clock() {
    return delegate.clock();
  }

  @Override
  public Stop onDone(Runnable callback) {
    AtomicBoolean settled = new AtomicBoolean();
    live.incrementAndGet();
    total.incrementAndGet();
    Stop stop = delegate.onDone(() -> {
      if (settled.compareAndSet(false, true)) {
        live.decrementAndGet();
      }
      callback.run();
    });
    return () -> {
      boolean stopped = stop.stop();
      if (stopped && settled.compareAndSet(false, true)) {
        live.decrementAndGet();
      }
      return stopped;
    };
  }
}
