package io.jcontext.testing;

/**
 * Thrown by {@link Bubble#run} and {@link Bubble#await()} when, for the bubble's stall timeout of
 * real time, no bubble thread blocked, woke or finished while some thread was not durably blocked
 * (it waits where the bubble cannot see: I/O, {@code Object.wait}, a {@code java.util.concurrent}
 * primitive, or it is busy), so virtual time could not move. The message names those threads
 * with their stacks.
 */
public final class BubbleStallException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  BubbleStallException(String message) {
    super(message);
  }
}
