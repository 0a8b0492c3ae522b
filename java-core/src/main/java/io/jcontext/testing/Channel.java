package io.jcontext.testing;

import io.jcontext.Context;
import io.jcontext.ContextException;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * A Go channel for tests: unbuffered (capacity 0, every send waits for a receive) or buffered,
 * whose waits are waits of the library, so a thread of a {@link Bubble} blocked in
 * {@link #send} or {@link #receive} is durably blocked (a {@code BlockingQueue} is not). Works
 * outside a bubble too.
 *
 * <pre>
 * Implementation overview
 *
 * One lock guards the buffer, the waiting senders and the waiting receivers (each a Pending
 * future, awaited with Context.await). A send hands its value straight to the first waiting
 * receiver, else to the buffer if it has room, else waits in line; a receive takes from the
 * buffer (refilling it from the first waiting sender), else from the first waiting sender, else
 * waits in line. Pendings are completed under the lock (completion only wakes a parked thread),
 * so a waiter whose ctx ends decides under the lock: completed means the exchange happened (it
 * returns normally), else it leaves the line and throws. Invariants: the buffer holds at most
 * capacity values; receivers wait only while the buffer is empty and no sender waits; senders
 * wait only while the buffer is full and no receiver waits.
 * </pre>
 *
 * <p>Thread-safe. A send happens-before the receive that takes its value.
 *
 * @param <T> the element type; values must not be null
 */
public final class Channel<T> {
  private final int capacity;
  private final ReentrantLock lock = new ReentrantLock();
  private final ArrayDeque<T> buffer = new ArrayDeque<>();
  private final ArrayDeque<Pending<T>> senders = new ArrayDeque<>();
  private final ArrayDeque<Pending<T>> receivers = new ArrayDeque<>();
  private boolean closed;

  /**
   * Creates a channel holding up to {@code capacity} values (0: unbuffered).
   *
   * @throws IllegalArgumentException if {@code capacity} is negative
   */
  public Channel(int capacity) {
    if (capacity < 0) {
      throw new IllegalArgumentException("capacity must not be negative: " + capacity);
    }
    this.capacity = capacity;
  }

  /**
   * Sends {@code value}: hands it to a waiting receiver or buffers it, else waits until a receiver
   * takes it or {@code ctx} is done.
   *
   * @throws ContextException {@code ctx.err()} if {@code ctx} ends first (the value is not sent)
   * @throws IllegalStateException if the channel is closed (also while waiting)
   * @throws InterruptedException if interrupted while waiting (the value is not sent)
   */
  public void send(Context ctx, T value) throws InterruptedException {
    Objects.requireNonNull(ctx, "ctx");
    Objects.requireNonNull(value, "value");
    Pending<T> s;
    lock.lock();
    try {
      if (closed) {
        throw new IllegalStateException("send on a closed channel: " + this);
      }
      Pending<T> r = receivers.poll();
      if (r != null) {
        r.complete(value);
        return;
      }
      if (buffer.size() < capacity) {
        buffer.add(value);
        return;
      }
      s = new Pending<>(this, "send", value);
      senders.add(s);
    } finally {
      lock.unlock();
    }
    try {
      Context.await(ctx, s);
    } catch (ExecutionException e) {
      throw (IllegalStateException) e.getCause(); // closed while waiting
    } catch (ContextException | InterruptedException e) {
      lock.lock();
      try {
        if (!s.isDone()) {
          senders.remove(s);
          throw e;
        }
      } finally {
        lock.unlock();
      }
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt(); // it was sent: keep the interrupt for later
      }
    }
  }

  /**
   * Receives a value: from the buffer or a waiting sender, else waits until one is sent or
   * {@code ctx} is done. Returns null once the channel is closed and drained.
   *
   * @throws ContextException {@code ctx.err()} if {@code ctx} ends first (nothing is taken)
   * @throws InterruptedException if interrupted while waiting (nothing is taken)
   */
  public @Nullable T receive(Context ctx) throws InterruptedException {
    Objects.requireNonNull(ctx, "ctx");
    Pending<T> r;
    lock.lock();
    try {
      T v = buffer.poll();
      if (v != null) {
        Pending<T> s = senders.poll();
        if (s != null) {
          buffer.add(s.value);
          s.complete(null);
        }
        return v;
      }
      Pending<T> s = senders.poll();
      if (s != null) {
        s.complete(null);
        return s.value;
      }
      if (closed) {
        return null;
      }
      r = new Pending<>(this, "receive", null);
      receivers.add(r);
    } finally {
      lock.unlock();
    }
    try {
      return Context.await(ctx, r);
    } catch (ExecutionException e) {
      throw new AssertionError(e);
    } catch (ContextException | InterruptedException e) {
      lock.lock();
      try {
        if (!r.isDone()) {
          receivers.remove(r);
          throw e;
        }
      } finally {
        lock.unlock();
      }
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      return r.getNow(null);
    }
  }

  /**
   * Closes the channel: waiting receivers get null, waiting senders fail with
   * {@link IllegalStateException}; buffered values can still be received. Idempotent.
   */
  public void close() {
    lock.lock();
    try {
      closed = true;
      for (Pending<T> r; (r = receivers.poll()) != null; ) {
        r.complete(null);
      }
      for (Pending<T> s; (s = senders.poll()) != null; ) {
        s.completeExceptionally(new IllegalStateException("channel closed while sending: " + this));
      }
    } finally {
      lock.unlock();
    }
  }

  @Override
  public String toString() {
    return "Channel@" + Integer.toHexString(System.identityHashCode(this)) + "[capacity " + capacity + "]";
  }

  /** A waiting send or receive; its toString names it in a bubble's deadlock report. */
  private static final class Pending<T> extends CompletableFuture<T> {
    final Channel<T> channel;
    final String op;
    final T value;

    Pending(Channel<T> channel, String op, T value) {
      this.channel = channel;
      this.op = op;
      this.value = value;
    }

    @Override
    public String toString() {
      return op + " on " + channel;
    }
  }
}
