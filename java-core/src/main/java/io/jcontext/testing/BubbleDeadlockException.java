package io.jcontext.testing;

/**
 * Thrown by {@link Bubble#run} when every thread of the bubble is durably blocked and no timer is
 * pending, so nothing can ever wake them: a deadlock, or threads that would outlive the body. The
 * message names each thread and the wait it is blocked in (which lock, context or stage).
 */
public final class BubbleDeadlockException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  BubbleDeadlockException(String message) {
    super(message);
  }
}
