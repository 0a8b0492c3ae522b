package io.jcontext.samples.cancel;

import io.jcontext.CancellableContext;
import io.jcontext.Context;
import io.jcontext.Key;
import io.jcontext.samples.cancel.LeakDemo;
import io.jcontext.testing.VirtualClock;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Seed 001: WithCancel and WithValue, always pass the last derived context on, and why the
 * cancel must be called.
 *
 * <p>Cancelling a child cancels its descendants, removes it from its parent and stops its timer.
 * Forgetting to cancel leaves the child registered in its parent (reachable, so never collected)
 * and its timer pending until the deadline, or forever for a {@code withCancel} child of a
 * long-lived parent. {@link #forgotten} shows both, with a virtual clock's pending timers and a
 * weak reference as evidence.
 */
public final class CancelAndValues {

  /** A request-scoped value. */
  public static final Key<String> USER = Key.of("user", String.class);

  /** Evidence about a child that was or was not cancelled. */
  public record Evidence(int pendingTimers, int reachableChildren) {}

  /**
   * Derives {@code withTimeout(1 h)} children of a long-lived parent on a virtual clock, cancels
   * them only if {@code callCancel}, and returns the pending timers and reachable children.
   */
  public static Evidence forgotten(boolean callCancel, int children) {
    VirtualClock clock = new VirtualClock();
    CancellableContext server = clock.background().withCancel();
    List<WeakReference<Context>> refs = derive(server, callCancel, children);
    Evidence e = new Evidence(clock.pendingTimers(), LeakDemo.reachable(refs));
    server.cancel();
    return e;
  }

  /** Derives the children in a frame of its own, so no local variable keeps one alive. */
  private static List<WeakReference<Context>> derive(Context server, boolean callCancel, int children) {
    List<WeakReference<Context>> refs = new ArrayList<>();
    for (int i = 0; i < children; i++) {
      CancellableContext child = server.withValue(USER, "u" + i).withTimeout(Duration.ofHours(1));
      refs.add(new WeakReference<>(child));
      if (callCancel) {
        child.cancel();
      }
    }
    return refs;
  }

  /** WithCancel and WithValue in one line: the chain and what cancel reaches. */
  public String run() {
    try (CancellableContext parent = Context.background().withCancel()) {
      Context withUser = parent.withValue(USER, "gopher");        // pass the LAST derived ctx on
      CancellableContext child = withUser.withCancel();
      CancellableContext grandchild = child.withTimeout(Duration.ofMinutes(1));
      child.cancel();
      boolean ok = grandchild.isDone() && !parent.isDone() && "gopher".equals(grandchild.value(USER));
      Evidence leaky = forgotten(false, 100);
      Evidence tidy = forgotten(true, 100);
      if (!ok || leaky.pendingTimers() != 100 || tidy.pendingTimers() != 0 || tidy.reachableChildren() != 0) {
        throw new IllegalStateException(leaky + " " + tidy);
      }
      return "cancel(child) reached the grandchild, not the parent; value seen below; 100 children "
          + "not cancelled: " + leaky.pendingTimers() + " timers pending, " + leaky.reachableChildren()
          + " reachable; cancelled: " + tidy.pendingTimers() + "/" + tidy.reachableChildren();
    }
  }
}
