package io.jcontext.samples.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcontext.CancellableContext;
import io.jcontext.ContextCancelledException;
import org.junit.jupiter.api.Test;

class ForeignParentTest {

  @Test
  void thousandChildrenStartNoThreadAndAllFinishSynchronously() {
    ForeignParent.Evidence e = ForeignParent.derive(1_000, true);
    assertTrue(e.threadsStarted() <= 2, "no watcher thread per child (allowing 2 unrelated JVM threads): "
        + e.threadsStarted());
    assertEquals(1_000, e.registrationsWhileLive(), "each child holds one O(1) onDone registration");
    assertEquals(1_000, e.doneRightAfterFire(), "every child done before fire() returned");
    assertEquals(0, e.registrationsAfter());
  }

  @Test
  void cancelledChildrenUnregisterFromTheForeignParent() {
    ForeignParent.Evidence e = ForeignParent.derive(1_000, false);
    assertEquals(1_000, e.registrationsWhileLive());
    assertEquals(0, e.registrationsAfter(), "parent retains nothing after the children are cancelled");
  }

  @Test
  void childInheritsTheForeignCauseAndGrandchildrenFollow() {
    SignalContext parent = new SignalContext();
    CancellableContext child = parent.withCancel();
    CancellableContext grandchild = child.withCancel();
    assertEquals(1, parent.registrations(), "a grandchild registers with its library parent, not the foreign one");
    IllegalStateException cause = new IllegalStateException("bye");
    assertTrue(parent.fire(cause));
    assertFalse(parent.fire(new IllegalStateException("again")));
    assertInstanceOf(ContextCancelledException.class, grandchild.err());
    assertSame(cause, grandchild.cause());
  }

  @Test
  void childOfAlreadyFiredParentIsBornDone() {
    SignalContext parent = new SignalContext();
    parent.fire(null);
    CancellableContext child = parent.withCancel();
    assertTrue(child.isDone());
    assertEquals(0, parent.registrations());
  }

  @Test
  void tourStop() {
    assertTrue(new ForeignParent().run().contains("1000 done synchronously"));
  }
}
