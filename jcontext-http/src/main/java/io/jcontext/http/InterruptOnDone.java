package io.jcontext.http;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The abort of a blocking {@link java.net.http.HttpClient#send} by a context: registered as the
 * context's {@code onDone} callback, it interrupts the sending thread, which makes the JDK abort
 * the exchange; {@link #finish()} ends it so that no interrupt of it reaches the thread after the
 * send.
 *
 * <p>Implementation: one state word, moved by compare-and-set only, so the callback and the
 * sending thread's {@code finish} each see whether the other came first.
 * <ul>
 *   <li>{@code SENDING → RETURNED} by {@code finish}: the callback has not claimed the thread and
 *       never will (its compare-and-set fails); nothing to undo.</li>
 *   <li>{@code SENDING → INTERRUPTING → INTERRUPTED} by the callback: it interrupts the thread
 *       between the two writes. {@code finish} then waits (spinning: the window is one
 *       {@code Thread.interrupt()} call) for {@code INTERRUPTED}, whose volatile write follows
 *       the interrupt, and clears the thread's interrupt status: the interrupt was this
 *       object's, and it is consumed before {@code finish} returns.</li>
 * </ul>
 * An interrupt from elsewhere that arrives in the same instant as the callback's is
 * indistinguishable from it and is consumed with it; the caller then gets the context's error,
 * which stops it as well.
 *
 * <p>Thread safety: {@link #run()} may be called on any thread, at most once per registration
 * (a second call does nothing); {@link #finish()} only on the sending thread, once.
 */
final class InterruptOnDone implements Runnable {
  private static final int SENDING = 0;
  private static final int RETURNED = 1;
  private static final int INTERRUPTING = 2;
  private static final int INTERRUPTED = 3;
  private static final VarHandle STATE;

  static {
    try {
      STATE = MethodHandles.lookup().findVarHandle(InterruptOnDone.class, "state", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** The sending thread; the only thread this object ever interrupts. */
  private final Thread sender;
  /** One of the four states above; only ever moves forward. */
  private volatile int state;

  /** Creates the abort for the calling thread, which is about to send. */
  InterruptOnDone() {
    this.sender = Thread.currentThread();
  }

  /** The context is done: interrupts the sender unless it has finished. Never blocks. */
  @Override
  public void run() {
    if (STATE.compareAndSet(this, SENDING, INTERRUPTING)) {
      try {
        sender.interrupt();
      } finally {
        state = INTERRUPTED;
      }
    }
  }

  /**
   * Called by the sender once the send has returned or thrown: from now on this object never
   * interrupts it. Returns {@code true} if it did interrupt it (the send was aborted, or raced to
   * completion), in which case the interrupt status has been cleared.
   */
  boolean finish() {
    if (STATE.compareAndSet(this, SENDING, RETURNED)) {
      return false;
    }
    for (int spins = 0; state != INTERRUPTED; spins++) {
      if (spins < 64) {
        Thread.onSpinWait();
      } else {
        Thread.yield(); // the canceller was descheduled inside its interrupt() call
      }
    }
    Thread.interrupted();
    return true;
  }
}
