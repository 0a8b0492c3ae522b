package io.jcontext.diagnostics;

import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * How a context was derived: one step per context from it up to its root, each with how it was
 * made and, where tracking recorded it, where and how long ago. Returned by
 * {@link ContextDiagnostics#trace}. Immutable; refers to no context. Its {@code toString()}
 * prints one step per line, the given context first.
 */
public interface DerivationTrace {

  /** The steps, the traced context first and the root last. */
  List<Step> steps();

  /** One context of the chain. */
  interface Step {
    /**
     * How it was made: {@code withCancel}, {@code withDeadline} (also for {@code withTimeout}),
     * {@code withValue(<key name>)}, {@code withoutCancel}, {@code background}, {@code todo},
     * or the class name of another implementation.
     */
    String kind();

    /** The creation stack if it was recorded (tracking on and sampled); empty otherwise. */
    List<StackTraceElement> site();

    /** Its age on its clock if its creation time was recorded, else {@code null}. */
    @Nullable Duration age();

    /** Whether it is done (cancelled or past its deadline). */
    boolean done();
  }
}
