package io.jcontext.extension;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcontext.CancellableContext;
import io.jcontext.ChildContext;
import io.jcontext.Context;
import io.jcontext.ContextCancelledException;
import io.jcontext.DeadlineExceededException;
import io.jcontext.Key;
import io.jcontext.Stop;
import io.jcontext.testing.VirtualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** {@link ChildContext} extended from outside the core's package behaves as {@code withCancel()}. */
class ChildContextTest {
  private static final Key<String> ID = Key.of("id", String.class);

  /** An integration's object that is its own context. */
  static final class Tracked extends ChildContext {
    final String tag;

    Tracked(Context parent, String tag) {
      super(parent);
      this.tag = tag;
    }
  }

  @Test
  void isALiveChildWithTheParentsValuesClockAndDeadline() {
    VirtualClock clock = new VirtualClock();
    try (CancellableContext parent =
        Context.background(clock).withValue(ID, "r-1").withTimeout(Duration.ofSeconds(5))) {
      Tracked c = new Tracked(parent, "t");
      assertFalse(c.isDone());
      assertNull(c.err());
      assertSame(clock, c.clock());
      assertTrue(c.deadline() != null && c.deadline().equals(parent.deadline()));
      assertTrue("r-1".equals(c.value(ID)));
      clock.advance(Duration.ofSeconds(5));
      assertInstanceOf(DeadlineExceededException.class, c.err());
    }
  }

  @Test
  void parentCancelReachesItAndItsChildrenWithTheParentsCause() {
    CancellableContext parent = Context.background().withCancel();
    Tracked c = new Tracked(parent, "t");
    CancellableContext grandchild = c.withCancel();
    AtomicInteger ran = new AtomicInteger();
    c.onDone(ran::incrementAndGet);
    IllegalStateException why = new IllegalStateException("why");
    parent.cancel(why);
    assertTrue(c.isDone());
    assertSame(why, c.cause());
    assertSame(why, grandchild.cause());
    assertTrue(ran.get() == 1);
  }

  @Test
  void ownCancelLeavesTheParentLiveAndIsIdempotent() {
    CancellableContext parent = Context.background().withCancel();
    Tracked c = new Tracked(parent, "t");
    assertTrue(c.cancel());
    assertFalse(c.cancel());
    assertInstanceOf(ContextCancelledException.class, c.err());
    assertFalse(parent.isDone());
    assertTrue(c.done().toCompletableFuture().isDone());
    parent.cancel();
  }

  @Test
  void doneParentMakesItDoneFromTheStart() {
    CancellableContext parent = Context.background().withCancel();
    parent.cancel();
    assertTrue(new Tracked(parent, "t").isDone());
  }

  @Test
  void foreignParentIsJoinedThroughOnDoneAndUnregisteredWhenCancelled() {
    CancellableContext real = Context.background().withCancel();
    AtomicInteger live = new AtomicInteger();
    Context foreign = new ForwardingContext(real, live);
    Tracked c = new Tracked(foreign, "t");
    assertTrue(live.get() == 1);
    c.cancel();
    assertTrue(live.get() == 0, "cancelling the child stops its registration on the foreign parent");
    Tracked d = new Tracked(foreign, "u");
    real.cancel();
    assertTrue(d.isDone());
  }

  @Test
  void nullParentIsRejected() {
    assertThrows(NullPointerException.class, () -> new Tracked(null, "t"));
  }

  /** A foreign Context implementation: forwards to a real one and counts live registrations. */
  private static final class ForwardingContext implements Context {
    private final Context d;
    private final AtomicInteger live;

    ForwardingContext(Context d, AtomicInteger live) {
      this.d = d;
      this.live = live;
    }

    @Override
    public Instant deadline() {
      return d.deadline();
    }

    @Override
    public io.jcontext.ContextException err() {
      return d.err();
    }

    @Override
    public Throwable cause() {
      return d.cause();
    }

    @Override
    public <T> T value(Key<T> key) {
      return d.value(key);
    }

    @Override
    public boolean isDone() {
      return d.isDone();
    }

    @Override
    public java.util.concurrent.CompletionStage<Void> done() {
      return d.done();
    }

    @Override
    public Stop onDone(Runnable callback) {
      live.incrementAndGet();
      Stop s = d.onDone(callback);
      return () -> {
        boolean stopped = s.stop();
        if (stopped) {
          live.decrementAndGet();
        }
        return stopped;
      };
    }

    @Override
    public io.jcontext.Clock clock() {
      return d.clock();
    }
  }
}
