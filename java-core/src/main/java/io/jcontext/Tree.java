package io.jcontext;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Walking a tree of contexts: the helpers every context type shares. */
final class Tree {
  private Tree() {}

  /**
   * Returns the context a lost-cancel handle stands for, else {@code c}. For the places that take a
   * context from outside the derive methods (a {@link ChildContext}'s parent, a diagnostic's
   * argument); a handle's own derive methods already derive from the context it stands for.
   */
  static Context unwrap(Context c) {
    return c instanceof CancelHandle ? ((CancelHandle) c).inner : c;
  }

  /** Returns the context that decides whether {@code c} is done: {@code c} itself unless it is a value context. */
  static Context source(Context c) {
    return c instanceof ValueCtx ? ((ValueCtx) c).source : c;
  }

  /** Returns the clock of {@code c}; a foreign context must not return null. */
  static Clock clockOf(Context c) {
    if (c instanceof CancelCtx) {
      return ((CancelCtx) c).clock;
    }
    return Objects.requireNonNull(c.clock(), () -> c.getClass().getName() + ".clock() returned null");
  }

  /** Returns the effective deadline of {@code c} in clock nanos, or {@link Nanos#NONE}. */
  static long deadlineOf(Context c) {
    Context s = source(c);
    if (s instanceof CancelCtx) {
      return ((CancelCtx) s).deadline;
    }
    if (s instanceof NeverDoneCtx) {
      return Nanos.NONE;
    }
    Instant d = s.deadline();
    return d == null ? Nanos.NONE : Nanos.ofInstant(d);
  }

  /** Looks {@code key} up from {@code c} towards the root, iteratively (Go's {@code value()}). */
  static <T> T lookup(Context c, Key<T> key) {
    Objects.requireNonNull(key, "key");
    while (true) {
      if (c instanceof ValueCtx) {
        ValueCtx v = (ValueCtx) c;
        Object found = v.find(key);
        if (found != ValueCtx.MISSING) {
          @SuppressWarnings("unchecked")
          T t = (T) found;
          return t;
        }
        c = v.rest;
      } else if (c instanceof CancelCtx) {
        c = ((CancelCtx) c).parent;
      } else if (c instanceof WithoutCancelCtx) {
        c = ((WithoutCancelCtx) c).parent;
      } else if (c instanceof RootCtx) {
        return null;
      } else {
        return c.value(key); // foreign
      }
    }
  }

  /**
   * Returns the derivation steps from the root to {@code c}: 0 for a root or a foreign context,
   * one more for each withCancel, withTimeout, withDeadline, withValue and withoutCancel.
   * Iterative.
   */
  static int depth(Context c) {
    int d = 0;
    while (true) {
      if (c instanceof ValueCtx) {
        c = ((ValueCtx) c).parent;
      } else if (c instanceof CancelCtx) {
        c = ((CancelCtx) c).parent;
      } else if (c instanceof WithoutCancelCtx) {
        c = ((WithoutCancelCtx) c).parent;
      } else {
        return d;
      }
      d++;
    }
  }

  /**
   * Returns the err a child takes from a done foreign parent: the parent's own err when its cause
   * agrees, else one of the same kind carrying the parent's cause. A foreign parent that reports
   * done with a null err breaks the Context contract; the child is still cancelled, with an
   * {@link IllegalStateException} as cause that names the culprit (Go panics here).
   */
  static ContextException foreignErr(Context foreign) {
    ContextException err = foreign.err();
    if (err == null) {
      return new ContextCancelledException(new IllegalStateException("context of "
          + foreign.getClass().getName() + " notified done but its err() returned null"));
    }
    Throwable cause = foreign.cause();
    if (cause == null || cause == err || cause == err.getCause()) {
      return err;
    }
    return err.isTimeout() ? new DeadlineExceededException(cause) : new ContextCancelledException(cause);
  }

  /**
   * Renders the chain from the root, Go style: {@code background.withCancel.withValue(requestId, r-42)}.
   * Iterative, so a deep chain cannot overflow the stack.
   */
  static String describe(Context c) {
    List<String> parts = new ArrayList<>();
    while (true) {
      if (c instanceof ValueCtx) {
        ValueCtx v = (ValueCtx) c;
        parts.add(".withValue(" + v.key.name() + ", " + stringify(v.value) + ")");
        c = v.parent;
      } else if (c instanceof TimerCtx) {
        TimerCtx t = (TimerCtx) c;
        Duration left = Duration.ofNanos(Nanos.saturatedSubtract(t.deadline, t.clock.nanoTime()));
        parts.add(".withDeadline(" + t.deadline() + " [" + left + "])");
        c = t.parent;
      } else if (c instanceof CancelCtx) {
        parts.add(".withCancel");
        c = ((CancelCtx) c).parent;
      } else if (c instanceof WithoutCancelCtx) {
        parts.add(".withoutCancel");
        c = ((WithoutCancelCtx) c).parent;
      } else {
        parts.add(c instanceof RootCtx ? ((RootCtx) c).name : String.valueOf(c));
        break;
      }
    }
    StringBuilder sb = new StringBuilder();
    for (int i = parts.size() - 1; i >= 0; i--) {
      sb.append(parts.get(i));
    }
    return sb.toString();
  }

  /**
   * Strings, numbers, booleans, characters and enums print as themselves; other values by their
   * class name, as Go prints a type name: values may be large or sensitive, and toString() of an
   * arbitrary object may be expensive or unsafe.
   */
  private static String stringify(Object v) {
    if (v == null) {
      return "null";
    }
    if (v instanceof CharSequence || v instanceof Number || v instanceof Boolean
        || v instanceof Character || v instanceof Enum) {
      return v.toString();
    }
    return v.getClass().getSimpleName().isEmpty() ? v.getClass().getName() : v.getClass().getSimpleName();
  }
}
