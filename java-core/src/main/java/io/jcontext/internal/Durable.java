package io.jcontext.internal;

import io.jcontext.Context;
import java.util.concurrent.Executor;

/**
 * The library's hook for {@code io.jcontext.testing.Bubble}: how a wait of the library tells a
 * bubble that its thread is about to park ("durably blocked"), and how the thread that wakes it
 * tells the bubble first. Not an API: public only so that the library's packages can reach it.
 *
 * <pre>
 * Implementation overview
 *
 * Cost outside a bubble. Only the slow paths of the waits (a thread about to park) and the
 * choice of a default executor ask {@link #current()}; while no bubble runs, that is one read of
 * a static volatile int. Fast paths (isDone, an uncontended lock, derive and cancel) never ask.
 *
 * Protocol. A waiter captures current() before it parks (null outside a bubble). It calls
 * {@link Member#block} just before its park loop and {@link Member#unblock} after it, whatever
 * woke it. The waking thread calls {@link Member#wake} after winning the waiter's wake-up CAS and
 * before unpark: so a woken thread counts as runnable from the instant it is woken, not from the
 * instant it runs, and the bubble never sees "everyone blocked" while a wake-up is in flight.
 *
 * Invariants. {@code active} counts the bubbles that run; CURRENT is set only on threads of a
 * bubble (and on its coordinator while it runs) and cleared when they end.
 * </pre>
 */
public final class Durable {
  private static final ThreadLocal<Member> CURRENT = new ThreadLocal<>();
  /** Bubbles running now; while 0 nobody looks at CURRENT. */
  private static volatile int active;
  /** Set once by the bubble class: finds the bubble of a context by its clock. */
  private static volatile ExecutorLookup lookup;

  private Durable() {}

  /** Returns the bubble member of the calling thread, or null outside a bubble. */
  public static Member current() {
    return active == 0 ? null : CURRENT.get();
  }

  /**
   * Returns the executor of the bubble that {@code ctx} (by its clock) or the calling thread
   * belongs to, or null if neither belongs to one.
   */
  public static Executor executorFor(Context ctx) {
    if (active == 0) {
      return null;
    }
    Member m = CURRENT.get();
    if (m != null) {
      return m.executor();
    }
    ExecutorLookup l = lookup;
    return l == null || ctx == null ? null : l.executorFor(ctx);
  }

  /** Bubble only: makes {@code m} the calling thread's member (null clears it). */
  public static void setCurrent(Member m) {
    if (m == null) {
      CURRENT.remove();
    } else {
      CURRENT.set(m);
    }
  }

  /** Bubble only: a bubble starts (+1) or ends (-1). */
  public static synchronized void adjustActive(int delta) {
    active += delta;
  }

  /** Bubble only: installs the lookup from a context to its bubble's executor. */
  public static void installLookup(ExecutorLookup l) {
    lookup = l;
  }

  /** Finds the executor of the bubble a context belongs to. */
  public interface ExecutorLookup {
    /** Returns the executor of {@code ctx}'s bubble, or null. */
    Executor executorFor(Context ctx);
  }

  /** A thread of a bubble, as the library's waits see it. */
  public abstract static class Member {
    /**
     * The calling thread (this member's) is about to park in a wait of the library on
     * {@code what} (its toString names it, evaluated only for a report) for {@code ctx}.
     */
    public abstract void block(Object what, Context ctx);

    /** Another thread has woken this member (called before the unpark). Idempotent. */
    public abstract void wake();

    /** The calling thread (this member's) has left its park loop. Idempotent. */
    public abstract void unblock();

    /** The executor that starts threads of this member's bubble. */
    public abstract Executor executor();
  }
}
