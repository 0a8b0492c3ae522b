package io.jcontext;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/**
 * JDK Flight Recorder event {@code io.jcontext.ContextCancelled}: a cancellable context was
 * cancelled by something other than its parent, that is where a cancellation starts: an explicit
 * {@code cancel}, its own deadline, or a foreign parent that reported done. The contexts a
 * cancellation reaches below it get no event of their own; {@code subtreeSize} counts them.
 *
 * <p>Off unless a recording enables it ({@code io.jcontext.ContextCancelled#enabled=true}): a
 * server cancels a context per request, so a recording with default settings leaves it out.
 *
 * <p>Emitted by the thread whose cancellation won, after the subtree is closed and before any
 * callback runs; its stack trace is that thread's (who cancelled). Only touched when {@link
 * io.jcontext.internal.Flight#AVAILABLE}: this class must not be loaded without {@code jdk.jfr}.
 */
@Name("io.jcontext.ContextCancelled")
@Label("Context Cancelled")
@Category({"jcontext", "Context"})
@Description("A cancellable context was cancelled: explicitly, by its deadline or by a foreign parent")
@StackTrace(true)
@Enabled(false)
final class ContextCancelledEvent extends jdk.jfr.Event {
  @Label("Context")
  @Description("The derivation chain from the root, as Context.toString renders it")
  String context;

  @Label("Depth")
  @Description("Derivation steps from the root (withCancel, withTimeout, withValue, ... each count one)")
  int depth;

  @Label("Subtree Size")
  @Description("Registered descendant contexts that this cancellation closed (detached ones, which have"
      + " no registration, see it on their next look and are not counted)")
  int subtreeSize;

  @Label("Lived")
  @Description("Time from creation to this cancellation; missing for a context created while neither"
      + " this event nor context diagnostics were enabled")
  @Timespan(Timespan.NANOSECONDS)
  long lived;

  @Label("Timeout")
  @Description("Whether err() is a DeadlineExceededException")
  boolean timeout;

  @Label("Cause Class")
  @Description("The class of cause() (Go's Cause: the err itself when none was given)")
  Class<?> causeClass;

  @Label("Cause")
  @Description("The message of cause()")
  String causeMessage;

  @Label("Reason")
  @Description("cancel, deadline or parent (a foreign parent reported done)")
  String reason;

  /** True if a recording enables this event; false, with nothing allocated once compiled, otherwise. */
  static boolean enabled() {
    return new ContextCancelledEvent().isEnabled();
  }

  /**
   * Commits one event. Takes only JDK types: JDK 17 instruments event classes as they load and
   * cannot resolve the library's types while it computes their stack frames.
   */
  static void emit(String context, int depth, int subtreeSize, long lived, boolean timeout,
      Throwable cause, String reason) {
    ContextCancelledEvent e = new ContextCancelledEvent();
    e.context = context;
    e.depth = depth;
    e.subtreeSize = subtreeSize;
    e.lived = lived;
    e.timeout = timeout;
    e.causeClass = cause.getClass();
    e.causeMessage = cause.getMessage();
    e.reason = reason;
    e.commit();
  }
}
