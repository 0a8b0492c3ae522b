package io.jcontext.diagnostics;

import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A finding of the context diagnostics, as delivered to a {@link ReportListener} or to the
 * {@code System.Logger} named {@code "io.jcontext"}. Immutable and safe to keep or pass to
 * another thread; it refers to no context, so keeping it retains none.
 */
public interface DiagnosticReport {

  /** What was found. */
  enum Kind {
    /**
     * A context returned by {@code withCancel}, {@code withDeadline} or {@code withTimeout}
     * became unreachable from the program while still live, without having been cancelled (Go's
     * {@code lostcancel}, found at run time): its registration with its parent and its deadline
     * timer stayed in memory until its parent ended or its deadline passed.
     */
    LOST_CANCEL,
    /**
     * Contexts created at one site stayed live longer than the leak threshold under a
     * cancellable parent that is still live (see {@link ContextDiagnostics#check()}).
     */
    LONG_LIVED
  }

  /** What was found. */
  Kind kind();

  /** How the context was made: {@code withCancel}, {@code withDeadline} (also for {@code withTimeout}), or a class name. */
  String contextKind();

  /**
   * The stack of the code that created the context(s), outermost library frames left out (the
   * first element is the caller of the library); empty when the creation was not sampled.
   */
  List<StackTraceElement> site();

  /**
   * How many contexts the report is about: for {@link Kind#LOST_CANCEL}, how many were found lost
   * together (one collection's worth) the first time their site was reported.
   */
  int count();

  /**
   * How long the oldest of the contexts had lived (on its clock) when found, or {@code null} if
   * its creation time is unknown.
   */
  @Nullable Duration oldestAge();

  /** A one-paragraph description, followed by the site's frames when known. */
  String message();
}
