package io.jcontext;

import static io.jcontext.TestSupport.DIRECT;
import static io.jcontext.TestSupport.gcUntilCleared;
import static io.jcontext.TestSupport.usedHeapAfterGc;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcontext.testing.VirtualClock;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Whatever the order of child cancel, afterFunc stop, onDone stop and parent cancel, the parent
 * (and the long-lived context above it) keeps no registration and no reference to the child or
 * the callbacks; and long runs of derive/cancel under one parent leave nothing behind.
 */
class RegistrationHygieneTest {

  private static int registrations(Context c) {
    return ((CancelCtx) Tree.unwrap(c)).registrations();
  }

  private enum Op { CHILD_CANCEL, AFTER_FUNC_STOP, ON_DONE_STOP, PARENT_CANCEL }

  /** A callback with identity, so a weak reference to it can be cleared (unlike a constant lambda). */
  private static final class Counting implements Runnable {
    final AtomicInteger runs;

    Counting(AtomicInteger runs) {
      this.runs = runs;
    }

    @Override
    public void run() {
      runs.incrementAndGet();
    }
  }

  private static List<List<Op>> permutations(List<Op> ops) {
    if (ops.isEmpty()) {
      List<List<Op>> one = new ArrayList<>();
      one.add(new ArrayList<>());
      return one;
    }
    List<List<Op>> all = new ArrayList<>();
    for (Op first : ops) {
      List<Op> rest = new ArrayList<>(ops);
      rest.remove(first);
      for (List<Op> p : permutations(rest)) {
        p.add(0, first);
        all.add(p);
      }
    }
    return all;
  }

  /** What {@link #runOrder} leaves behind: only weak references, so no stack frame keeps the objects alive. */
  private static final class Leftovers {
    WeakReference<Object> child;
    WeakReference<Object> childTimer;
    WeakReference<Object> afterFuncAction;
    WeakReference<Object> onDoneCallback;
    WeakReference<Object> afterFuncNode;
    WeakReference<Object> onDoneNode;
  }

  private static Leftovers runOrder(List<Op> order, Context grandparent, CancellableContext parent, VirtualClock clock) {
    AtomicInteger actionRuns = new AtomicInteger();
    AtomicInteger callbackRuns = new AtomicInteger();
    Counting action = new Counting(actionRuns);
    Counting callback = new Counting(callbackRuns);
    CancellableContext child = parent.withCancel();
    CancellableContext childTimer = child.withTimeout(Duration.ofHours(1));
    assertEquals(0, registrations(parent), "deriving registers nothing: the children poll");
    Stop afterFunc = parent.afterFunc(action, DIRECT);
    Stop onDone = parent.onDone(callback);
    assertEquals(2, registrations(parent));
    childTimer.done(); // the timer child needs telling now: it and its parent attach
    assertEquals(3, registrations(parent));
    assertEquals(1, registrations(child));
    assertEquals(1, clock.pendingTimers());

    Boolean afterFuncStopped = null;
    Boolean onDoneStopped = null;
    for (Op op : order) {
      switch (op) {
        case CHILD_CANCEL:
          assertEquals(!parent.isDone(), child.cancel());
          break;
        case AFTER_FUNC_STOP:
          afterFuncStopped = afterFunc.stop();
          assertEquals(!parent.isDone(), afterFuncStopped);
          break;
        case ON_DONE_STOP:
          onDoneStopped = onDone.stop();
          assertEquals(!parent.isDone(), onDoneStopped);
          break;
        case PARENT_CANCEL:
          assertTrue(parent.cancel());
          break;
      }
    }
    assertNotEquals(afterFuncStopped, actionRuns.get() == 1, "stop() returned true xor the action ran");
    assertNotEquals(onDoneStopped, callbackRuns.get() == 1, "stop() returned true xor the callback ran");
    assertTrue(actionRuns.get() <= 1 && callbackRuns.get() <= 1);
    assertFalse(afterFunc.stop());
    assertFalse(onDone.stop());
    assertEquals(0, registrations(parent), order + ": parent registrations");
    assertEquals(0, registrations(child), order + ": child registrations");
    assertEquals(0, clock.pendingTimers(), order + ": timer left behind");
    assertTrue(child.isDone() && childTimer.isDone());

    Leftovers l = new Leftovers();
    l.child = new WeakReference<>(child);
    l.childTimer = new WeakReference<>(childTimer);
    l.afterFuncAction = new WeakReference<>(action);
    l.onDoneCallback = new WeakReference<>(callback);
    l.afterFuncNode = new WeakReference<>(afterFunc);
    l.onDoneNode = new WeakReference<>(onDone);
    return l;
  }

  @TestFactory
  Stream<DynamicTest> everyOrderLeavesNothing() {
    return permutations(List.of(Op.values())).stream().map(order -> DynamicTest.dynamicTest(order.toString(), () -> {
      VirtualClock clock = new VirtualClock();
      CancellableContext grandparent = clock.background().withCancel(); // long-lived
      CancellableContext parent = grandparent.withValue(Key.of("k"), "v").withCancel();
      assertEquals(0, registrations(grandparent), "a detached child is unknown to its parent");

      Leftovers l = runOrder(order, grandparent, parent, clock);

      assertEquals(0, registrations(grandparent), "the cancelled parent unregistered from its own parent");
      assertTrue(gcUntilCleared(l.child, l.childTimer, l.afterFuncAction, l.onDoneCallback, l.afterFuncNode,
          l.onDoneNode), order + ": something still references the child or a callback");
      // The parent and grandparent are still strongly held here: they did not keep them alive.
      assertTrue(parent.isDone());
      assertFalse(grandparent.isDone());
      grandparent.cancel();
    }));
  }

  /** The same for a foreign parent: the registrations it holds for the library are removed too. */
  @Test
  void foreignParentKeepsNothing() throws Exception {
    ForeignContext foreign = new ForeignContext();
    WeakReference<Object>[] refs = foreignRound(foreign);
    assertEquals(0, foreign.registrations());
    assertTrue(gcUntilCleared(refs), "the foreign parent still references a cancelled child");
    foreign.fire(new ContextCancelledException());
  }

  @SuppressWarnings("unchecked")
  private static WeakReference<Object>[] foreignRound(ForeignContext foreign) {
    CancellableContext a = foreign.withCancel();
    CancellableContext b = foreign.withTimeout(Duration.ofHours(1));
    Counting action = new Counting(new AtomicInteger());
    Stop s = foreign.afterFunc(action, DIRECT);
    assertEquals(3, foreign.registrations());
    a.cancel();
    b.cancel();
    assertTrue(s.stop());
    return new WeakReference[] {new WeakReference<>(a), new WeakReference<>(b), new WeakReference<>(action)};
  }

  /** A context that can never be done retains nothing for onDone or afterFunc, even while the Stop is held. */
  @Test
  void neverCancellableRetainsNothing() throws Exception {
    VirtualClock clock = new VirtualClock();
    List<Stop> stops = new ArrayList<>();
    List<WeakReference<Object>> refs = new ArrayList<>();
    for (Context c : List.of(Context.background(), clock.background(), Context.todo().withValue(Key.of("k"), 1),
        Context.background().withCancel().withoutCancel())) {
      Counting cb = new Counting(new AtomicInteger());
      Counting action = new Counting(new AtomicInteger());
      stops.add(c.onDone(cb));
      stops.add(c.afterFunc(action, DIRECT));
      refs.add(new WeakReference<>(cb));
      refs.add(new WeakReference<>(action));
    }
    assertTrue(gcUntilCleared(refs.toArray(new WeakReference<?>[0])), "a never-done context retained a callback");
    for (Stop s : stops) {
      assertTrue(s.stop(), "first stop() on a never-done context");
    }
  }

  /** Waits that end by timeout, by cancel or by stage completion leave nothing on the context. */
  @Test
  void waitsLeaveNothing() throws Exception {
    VirtualClock clock = new VirtualClock();
    CancellableContext ctx = clock.background().withCancel();
    for (int i = 0; i < 100; i++) {
      assertFalse(ctx.awaitDone(Duration.ofNanos(-1)));
      assertEquals("v", Context.await(ctx, java.util.concurrent.CompletableFuture.completedFuture("v")));
    }
    assertEquals(0, registrations(ctx));
    assertEquals(0, clock.pendingTimers());
    ctx.cancel();
  }

  /** 200 000 derive/cancel cycles under one long-lived parent: no registration left, heap bounded. */
  @Test
  void manyCyclesUnderOneParent() throws Exception {
    VirtualClock clock = new VirtualClock();
    CancellableContext parent = clock.background().withCancel();
    ForeignContext foreign = new ForeignContext(clock, null, null);
    Key<Integer> key = Key.of("i", Integer.class);
    AtomicInteger ran = new AtomicInteger();
    cycles(parent, foreign, key, ran, clock, 20_000); // warm up (class loading, JIT, lazy structures)
    long before = usedHeapAfterGc();
    int n = 200_000;
    cycles(parent, foreign, key, ran, clock, n);
    long after = usedHeapAfterGc();
    assertEquals(0, registrations(parent));
    assertEquals(0, foreign.registrations());
    assertEquals(0, clock.pendingTimers());
    long growth = after - before;
    // A leak of even one small object per cycle would be several MB here; allow GC noise.
    assertTrue(growth < 4L * 1024 * 1024, "heap grew by " + growth + " bytes over " + n + " cycles");
    parent.cancel();
  }

  private static void cycles(CancellableContext parent, ForeignContext foreign, Key<Integer> key, AtomicInteger ran,
      VirtualClock clock, int n) {
    for (int i = 0; i < n; i++) {
      switch (i % 6) {
        case 0:
          parent.withCancel().cancel();
          break;
        case 1: {
          CancellableContext c = parent.withValue(key, i).withTimeout(Duration.ofSeconds(1));
          c.withCancel();
          c.cancel();
          break;
        }
        case 2:
          parent.afterFunc(ran::incrementAndGet, DIRECT).stop();
          break;
        case 3:
          parent.onDone(ran::incrementAndGet).stop();
          break;
        case 4: {
          CancellableContext c = parent.withCancel();
          CancellableContext g = c.withTimeout(Duration.ofMinutes(1));
          g.afterFunc(ran::incrementAndGet, DIRECT);
          c.cancel(); // the parent of g cancels it: the timer and the afterFunc go
          break;
        }
        default:
          foreign.withCancel().cancel();
          break;
      }
    }
    assertEquals(0, clock.pendingTimers());
  }
}
