package io.jcontext.diagnostics;

import java.time.Duration;
import java.util.List;

/**
 * A dump of the live contexts below one context, grouped by creation site (a goroutine profile,
 * for contexts): returned by {@link ContextDiagnostics#dump}. Immutable; refers to no context.
 * Its {@code toString()} prints the groups, largest first, each with its count, the ages of its
 * oldest and youngest context, and the frames of its site.
 */
public interface LiveContexts {

  /** The context the dump is about, as its {@code toString()} read when the dump was taken. */
  String root();

  /** The number of live tracked descendants found: the sum of the groups' counts. */
  int total();

  /** The groups, largest count first. */
  List<Group> groups();

  /** The live descendants created at one site (or, unsampled, of one kind at an unknown site). */
  interface Group {
    /** The creation stack (first element: the caller of the library); empty when not sampled. */
    List<StackTraceElement> site();

    /** How the contexts were made: {@code withCancel}, {@code withDeadline}, or a class name. */
    String contextKind();

    /** How many live contexts. */
    int count();

    /** The age of the oldest, on the contexts' clock. */
    Duration oldest();

    /** The age of the youngest, on the contexts' clock. */
    Duration youngest();
  }
}
