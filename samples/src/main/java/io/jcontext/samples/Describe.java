package io.jcontext.samples;

import io.jcontext.Context;
import java.time.Duration;

/** Short, one-line descriptions of errors, causes and durations for the tour's outcome lines. */
public final class Describe {

  private Describe() {}

  /** {@code SimpleName(message)}, or just the simple name when there is no message. */
  public static String error(Throwable t) {
    if (t == null) {
      return "none";
    }
    String name = t.getClass().getSimpleName();
    String message = t.getMessage();
    return message == null ? name : name + "(" + message + ")";
  }

  /** The context's err and, when it differs, its cause: {@code err=..., cause=...}. */
  public static String done(Context ctx) {
    if (!ctx.isDone()) {
      return "live";
    }
    Throwable cause = ctx.cause();
    return cause == ctx.err()
        ? "err=" + error(ctx.err())
        : "err=" + error(ctx.err()) + " cause=" + error(cause);
  }

  /** Milliseconds, e.g. {@code 150 ms}. */
  public static String millis(Duration d) {
    return d.toMillis() + " ms";
  }
}
