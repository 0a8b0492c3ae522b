package io.jcontext;

import io.jcontext.internal.Flight;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * The context returned by {@link Context#withDeadline} and {@link Context#withTimeout} when it
 * needs a deadline of its own (Go's {@code timerCtx}): a {@link CancelCtx} plus one timer on the
 * tree's clock.
 *
 * <p>Races: the timer is scheduled after the context is registered with its parent, and both the
 * creator (after scheduling) and the first cancellation (in {@link #closed()}) stop it, so
 * whichever comes second finds it; stopping twice is harmless. The timer task is this object
 * ({@link #run()}), which saves an allocation per deadline.
 */
final class TimerCtx extends CancelCtx implements Runnable {
  /** The cause recorded when the deadline passes (never by cancel()); may be null. */
  private final Throwable deadlineCause;
  /** The pending timer; null until scheduled. Stopped by whichever of creator and canceller is second. */
  private volatile Stop timer;

  private TimerCtx(Context parent, Clock clock, long deadline, Throwable deadlineCause) {
    super(parent, clock, deadline);
    this.deadlineCause = deadlineCause;
  }

  static CancellableContext withDeadline(Context parent, Instant deadline, Throwable cause) {
    Objects.requireNonNull(parent, "parent");
    Objects.requireNonNull(deadline, "deadline");
    Clock clock = Tree.clockOf(parent);
    return create(parent, clock, Nanos.ofInstant(deadline), cause, clock.nanoTime()).exposed();
  }

  static CancellableContext withTimeout(Context parent, Duration timeout, Throwable cause) {
    Objects.requireNonNull(parent, "parent");
    Objects.requireNonNull(timeout, "timeout");
    Clock clock = Tree.clockOf(parent);
    long now = clock.nanoTime();
    return create(parent, clock, Nanos.deadlineAfter(now, Nanos.ofDuration(timeout)), cause, now).exposed();
  }

  /** {@code now} is the clock's time when the call began: one clock read per context. */
  private static CancelCtx create(Context parent, Clock clock, long deadline, Throwable cause, long now) {
    if (Tree.deadlineOf(parent) < deadline) {
      // The parent's deadline is earlier: it will cancel the child first, with its own cause.
      CancelCtx c = new CancelCtx(parent, clock, Tree.deadlineOf(parent));
      c.propagate();
      return c;
    }
    TimerCtx c = new TimerCtx(parent, clock, deadline, cause);
    c.propagate();
    if (deadline <= now) {
      c.cancel(new Cancellation(true, cause), true); // no-op if the parent already cancelled it
      return c;
    }
    if (!c.isDone()) {
      Stop t = clock.schedule(deadline, c);
      c.timer = Objects.requireNonNull(t, "Clock.schedule returned null");
      if (c.isDone()) {
        t.stop(); // cancelled while we were scheduling
      }
    }
    return c;
  }

  /** The deadline passed. */
  @Override
  public void run() {
    if (!isDone() && cancel(new Cancellation(true, deadlineCause), true)
        && Flight.AVAILABLE && DeadlineFiredEvent.enabled()) {
      DeadlineFiredEvent.emit(Tree.describe(this), Tree.depth(this), Nanos.toInstant(deadline).toEpochMilli(),
          Math.max(0L, Nanos.saturatedSubtract(clock.nanoTime(), deadline)), clock != Clock.system());
    }
  }

  @Override
  void closed() {
    Stop t = timer;
    if (t != null) {
      try {
        t.stop();
      } catch (Throwable e) {
        Callbacks.report(e); // a faulty clock must not stop the cancellation
      }
    }
    super.closed();
  }
}
