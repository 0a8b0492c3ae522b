package io.jcontext;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;
import jdk.jfr.Timestamp;

/**
 * JDK Flight Recorder event {@code io.jcontext.DeadlineFired}: the timer of a context made by
 * {@code withTimeout}/{@code withDeadline} fired and cancelled it. Not emitted when the context was
 * done first (cancelled, or its parent ended): then the timer was stopped, or its firing changed
 * nothing. {@code lateness} shows how far behind the clock's timer thread runs, which is the first
 * thing to look at under overload.
 *
 * <p>On by default in any recording: a deadline that passes is an outcome worth seeing. A soak
 * that lets many thousands of deadlines pass per second can turn it off with
 * {@code io.jcontext.DeadlineFired#enabled=false}.
 *
 * <p>Emitted on the thread that ran the timer (the clock's timer thread, or the thread advancing a
 * virtual clock), after the context's {@code io.jcontext.ContextCancelled} event. Only touched
 * when {@link io.jcontext.internal.Flight#AVAILABLE}.
 */
@Name("io.jcontext.DeadlineFired")
@Label("Deadline Fired")
@Category({"jcontext", "Context"})
@Description("The deadline of a context passed and cancelled it")
@StackTrace(false)
final class DeadlineFiredEvent extends jdk.jfr.Event {
  @Label("Context")
  @Description("The derivation chain from the root, as Context.toString renders it")
  String context;

  @Label("Depth")
  @Description("Derivation steps from the root")
  int depth;

  @Label("Deadline")
  @Description("The context's deadline on its clock")
  @Timestamp(Timestamp.MILLISECONDS_SINCE_EPOCH)
  long deadline;

  @Label("Lateness")
  @Description("How long after the deadline the timer ran, on the context's clock")
  @Timespan(Timespan.NANOSECONDS)
  long lateness;

  @Label("Virtual Clock")
  @Description("Whether the context runs on a clock other than Clock.system() (a virtual clock in tests)")
  boolean virtualClock;

  /** True if a recording enables this event. */
  static boolean enabled() {
    return new DeadlineFiredEvent().isEnabled();
  }

  /** Commits one event; JDK types only, as in {@link ContextCancelledEvent#emit}. */
  static void emit(String context, int depth, long deadlineMillis, long lateness, boolean virtualClock) {
    DeadlineFiredEvent e = new DeadlineFiredEvent();
    e.context = context;
    e.depth = depth;
    e.deadline = deadlineMillis;
    e.lateness = lateness;
    e.virtualClock = virtualClock;
    e.commit();
  }
}
