package io.jcontext.samples.interop;

import io.jcontext.Context;
import java.util.ArrayList;
import java.util.List;

/**
 * Seed 004, task 20: contexts that remember where each derivation happened, to debug "where did
 * this deadline / value / cancellation come from?". <b>For debugging only:</b> every derivation
 * walks the stack and keeps up to eight frames, which costs far more than the derivation itself.
 *
 * <p>{@link #wrap} starts tracing; every {@code withX} on a traced context returns a traced
 * context (the real one, derived by the library, is inside, so cancellation, deadlines and values
 * behave exactly as without tracing); {@link #trace} prints the derivation chain newest first.
 * Each entry links to its parent, like the tree it shadows.
 */
public final class TracingContexts {

  private TracingContexts() {}

  /** Starts tracing derivations from {@code ctx}. */
  public static Context wrap(Context ctx) {
    return ctx instanceof Traced ? ctx : new Traced(ctx, null, "wrap");
  }

  /** One recorded derivation. */
  public record Step(String note, java.time.Instant when, List<String> frames) {}

  /** Returns the derivation chain of {@code ctx}, newest first; empty if it is not traced. */
  public static List<Step> steps(Context ctx) {
    List<Step> steps = new ArrayList<>();
    if (ctx instanceof Traced t) {
      for (Traced c = t; c != null; c = c.parent) {
        List<String> frames = new ArrayList<>();
        for (StackWalker.StackFrame f : c.frames) {
          frames.add(f.getClassName() + "." + f.getMethodName() + "(" + f.getFileName() + ":" + f.getLineNumber() + ")");
        }
        steps.add(new Step(c.note, c.when, frames));
      }
    }
    return steps;
  }

  /** Returns a printable dump of {@link #steps}. */
  public static String trace(Context ctx) {
    List<Step> steps = steps(ctx);
    if (steps.isEmpty()) {
      return "(not a traced context)";
    }
    StringBuilder b = new StringBuilder();
    for (int depth = 0; depth < steps.size(); depth++) {
      Step s = steps.get(depth);
      b.append("=== depth ").append(depth).append(": ").append(s.note()).append(" at ").append(s.when()).append(" ===\n");
      for (String f : s.frames()) {
        b.append("  ").append(f).append('\n');
      }
    }
    return b.toString();
  }
}
