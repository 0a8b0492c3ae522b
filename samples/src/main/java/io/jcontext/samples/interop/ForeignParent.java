package io.jcontext.samples.interop;

import io.jcontext.CancellableContext;
import io.jcontext.Context;
import io.jcontext.samples.Describe;
import io.jcontext.samples.Sample;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;

/**
 * Seed 004, task 12: Go's {@code propagateCancel} starts a goroutine per child when the parent is
 * a custom Context type. jcontext never does: a child joins any parent, library or foreign,
 * through {@link Context#onDone(Runnable)}, an O(1) registration that is removed when the child
 * is cancelled first. So 1 000 children of a foreign parent cost 1 000 small registrations and no
 * thread; the foreign parent's cancellation reaches all of them synchronously; and cancelling the
 * children leaves nothing registered in the parent.
 */
public final class ForeignParent implements Sample {

  /** What deriving, then cancelling, {@code n} children of a foreign parent cost and did. */
  public record Evidence(int children, long threadsStarted, int registrationsWhileLive,
      int doneRightAfterFire, int registrationsAfter, String childErr) {}

  /**
   * Derives {@code n} children of a fresh {@link SignalContext}; if {@code fireParent}, fires the
   * parent, else cancels each child; reports the threads started meanwhile and what the parent
   * retains.
   */
  public static Evidence derive(int n, boolean fireParent) {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    SignalContext parent = new SignalContext();
    long startedBefore = threads.getTotalStartedThreadCount();
    List<CancellableContext> children = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      children.add(parent.withCancel());
    }
    long started = threads.getTotalStartedThreadCount() - startedBefore;
    int live = parent.registrations();
    int done = 0;
    if (fireParent) {
      parent.fire(new IllegalStateException("foreign shutdown"));
      for (CancellableContext c : children) {
        done += c.isDone() ? 1 : 0; // no waiting: propagation is synchronous
      }
    } else {
      for (CancellableContext c : children) {
        c.cancel();
      }
    }
    return new Evidence(n, started, live, done, parent.registrations(),
        Describe.done(children.get(0)));
  }

  @Override
  public String id() {
    return "004-12";
  }

  @Override
  public String title() {
    return "foreign parent, no watcher thread";
  }

  @Override
  public String run() {
    Evidence fired = derive(1_000, true);
    Evidence cancelled = derive(1_000, false);
    if (fired.threadsStarted() > 2 || fired.doneRightAfterFire() != 1_000
        || cancelled.registrationsAfter() != 0) {
      throw new IllegalStateException(fired + " " + cancelled);
    }
    return "1000 children of a foreign parent: " + fired.threadsStarted() + " threads started, "
        + fired.registrationsWhileLive() + " onDone registrations; parent fired -> "
        + fired.doneRightAfterFire() + " done synchronously (" + fired.childErr()
        + "); children cancelled first -> parent retains " + cancelled.registrationsAfter();
  }
}
