package io.jcontext.testing;

import io.jcontext.Context;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A one-shot count-down latch whose wait is a wait of the library: a thread of a
 * {@link Bubble} waiting in {@link #await(Context)} is durably blocked, which a
 * {@code java.util.concurrent.CountDownLatch} is not. Works outside a bubble too.
 *
 * <p>Thread-safe. Actions before a {@code countDown} happen-before a return from {@code await}
 * that it enabled.
 */
public final class Latch {
  private final AtomicLong count;
  /** Completed when the count reaches zero; what waiters await. */
  private final CompletableFuture<Void> open = new CompletableFuture<>() {
    @Override
    public String toString() {
      return Latch.this.toString();
    }
  };

  /**
   * Creates a latch that opens after {@code count} calls of {@link #countDown()} (at once if 0).
   *
   * @throws IllegalArgumentException if {@code count} is negative
   */
  public Latch(long count) {
    if (count < 0) {
      throw new IllegalArgumentException("count must not be negative: " + count);
    }
    this.count = new AtomicLong(count);
    if (count == 0) {
      open.complete(null);
    }
  }

  /** Counts down; the call that reaches zero wakes every waiter. No effect once open. */
  public void countDown() {
    long c;
    do {
      c = count.get();
      if (c == 0) {
        return;
      }
    } while (!count.compareAndSet(c, c - 1));
    if (c == 1) {
      open.complete(null);
    }
  }

  /** Returns the current count. */
  public long count() {
    return count.get();
  }

  /**
   * Waits until the count reaches zero or {@code ctx} is done, whichever comes first.
   *
   * @throws io.jcontext.ContextException {@code ctx.err()} if {@code ctx} is done first
   * @throws InterruptedException if interrupted while waiting
   */
  public void await(Context ctx) throws InterruptedException {
    Objects.requireNonNull(ctx, "ctx");
    try {
      Context.await(ctx, open);
    } catch (ExecutionException e) {
      throw new AssertionError("a latch never fails", e);
    }
  }

  @Override
  public String toString() {
    return "Latch@" + Integer.toHexString(System.identityHashCode(this)) + "[count " + count.get() + "]";
  }
}
