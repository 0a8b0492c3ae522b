package io.jcontext;

import static io.jcontext.TestHooks.registrations;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcontext.testing.VirtualClock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A child of a cancellable parent registers with it only when something must be told of the
 * parent's cancellation; until then it asks. Both ways must give Go's answers: the same err and
 * cause as the ancestor that ended it, at once, for chains of any depth.
 */
class DetachedChildTest {
  private static final Key<String> K = Key.of("k", String.class);

  private static boolean attached(Context c) {
    return ((CancelCtx) Tree.unwrap(c)).attached();
  }

  @Test
  void derivingRegistersNothingAndPollingSeesTheParent() {
    CancellableContext parent = Context.background().withCancel();
    CancellableContext child = parent.withCancel();
    CancellableContext grandchild = child.withValue(K, "v").withCancel();
    assertEquals(0, registrations(parent));
    assertEquals(0, registrations(child));
    assertFalse(attached(child));
    assertFalse(grandchild.isDone());

    Exception cause = new Exception("shutdown");
    assertTrue(parent.cancel(cause));
    assertTrue(grandchild.isDone(), "the grandchild asks up the chain");
    assertSame(parent.err(), grandchild.err(), "one err instance for the whole subtree");
    assertSame(cause, grandchild.cause());
    assertSame(parent.err(), child.err());
    assertFalse(grandchild.cancel(), "already cancelled by an ancestor");
    assertFalse(child.cancel(new Exception("late")));
    assertSame(cause, child.cause(), "a late cancel does not replace the inherited cause");
    assertTrue(grandchild.done().toCompletableFuture().isDone());
  }

  @Test
  void nearestDoneAncestorWins() {
    CancellableContext top = Context.background().withCancel();
    CancellableContext mid = top.withCancel();
    CancellableContext leaf = mid.withCancel();
    Exception midCause = new Exception("mid");
    assertTrue(mid.cancel(midCause));
    top.cancel(new Exception("top"));
    assertSame(midCause, leaf.cause(), "the leaf was done (through mid) before top was cancelled");
    assertSame(mid.err(), leaf.err());
  }

  @Test
  void childOfDoneParentIsBornDone() {
    CancellableContext parent = Context.background().withCancel();
    parent.cancel();
    CancellableContext child = parent.withCancel();
    assertTrue(child.isDone());
    assertSame(parent.err(), child.err());
    VirtualClock clock = new VirtualClock();
    CancellableContext vp = clock.background().withCancel();
    CancellableContext detachedMid = vp.withCancel();
    vp.cancel();
    CancellableContext timed = detachedMid.withTimeout(Duration.ofSeconds(1));
    assertTrue(timed.isDone(), "born under a detached context whose parent is done");
    assertEquals(0, clock.pendingTimers(), "no timer for a context born done");
  }

  @Test
  void registeringACallbackAttachesTheChainTopDown() {
    CancellableContext top = Context.background().withCancel();
    CancellableContext a = top.withCancel();
    CancellableContext b = a.withValue(K, "v").withCancel();
    CancellableContext c = b.withCancel();
    AtomicInteger ran = new AtomicInteger();
    c.onDone(ran::incrementAndGet);
    assertTrue(attached(a) && attached(b) && attached(c));
    assertEquals(1, registrations(top));
    assertEquals(1, registrations(a));
    assertEquals(1, registrations(b));
    top.cancel();
    assertEquals(1, ran.get(), "the walk reached the callback through the attached chain");
    assertSame(top.err(), c.err());
  }

  @Test
  void attachingUnderADoneAncestorRunsTheCallbackAtOnce() {
    CancellableContext top = Context.background().withCancel();
    CancellableContext a = top.withCancel();
    CancellableContext b = a.withCancel();
    top.cancel();
    AtomicInteger ran = new AtomicInteger();
    Stop stop = b.onDone(ran::incrementAndGet);
    assertEquals(1, ran.get());
    assertFalse(stop.stop());
    assertSame(top.err(), b.err());
  }

  @Test
  void cancellingAnAttachedChildUnregistersItAndADetachedOneTouchesNothing() {
    CancellableContext parent = Context.background().withCancel();
    CancellableContext detached = parent.withCancel();
    CancellableContext attachedChild = parent.withCancel();
    attachedChild.done();
    assertEquals(1, registrations(parent));
    assertTrue(detached.cancel());
    assertEquals(1, registrations(parent));
    assertTrue(attachedChild.cancel());
    assertEquals(0, registrations(parent));
    assertFalse(parent.isDone());
  }

  /** Attaching is iterative, as the walk is: a chain of any depth neither overflows nor leaks. */
  @Test
  void deepDetachedChainAttachesWithoutRecursion() {
    CancellableContext top = Context.background().withCancel();
    Context c = top;
    for (int i = 0; i < 100_000; i++) {
      c = c.withCancel();
    }
    AtomicInteger ran = new AtomicInteger();
    c.onDone(ran::incrementAndGet);
    assertEquals(1, registrations(top));
    assertFalse(c.isDone());
    top.cancel();
    assertEquals(1, ran.get());
    assertSame(top.err(), c.err());
  }

  @Test
  void deepDetachedChainPollsWithoutRecursion() {
    CancellableContext top = Context.background().withCancel();
    Context c = top;
    for (int i = 0; i < 100_000; i++) {
      c = c.withCancel();
    }
    assertFalse(c.isDone());
    top.cancel();
    assertTrue(c.isDone());
    assertNull(Context.background().err());
  }
}
