package io.jcontext.samples.testing;

import io.jcontext.Clock;
import io.jcontext.Stop;
import io.jcontext.samples.Sample;
import io.jcontext.testing.VirtualClock;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Seed 002, the timer race: a timer whose callback reschedules the timer through a variable that
 * the scheduling thread assigns only after {@code schedule} returns. If the timer fires first,
 * the callback reads the variable before it is set (Go: {@code t.Reset} on a nil {@code t}; here
 * a {@code null} {@link Stop}). Both of the seed's fixes: a lock held across scheduling and
 * assignment, and a recursive callback that keeps no shared variable. The library's idiom needs
 * neither: a loop of {@code Context.sleep(ctx, d)} owns no timer variable at all.
 *
 * <p>Each ticker ticks {@code maxTicks} times at random delays below {@code maxDelay} on its
 * clock. With {@link EagerClock} every timer fires before {@code schedule} returns, which makes
 * the race happen on the first tick, every time.
 */
public final class TimerRace implements Sample {

  /** A self-rescheduling ticker. */
  public interface Ticker {
    /** Starts ticking. */
    void start();

    /** Ticks so far. */
    int ticks();

    /** Times a callback found the timer variable not yet assigned. */
    int races();

    /** Waits (real time, bounded) until the ticker has stopped ticking; returns whether it has. */
    boolean awaitTicks(Duration realTimeout) throws InterruptedException;
  }

  private abstract static class Base implements Ticker {
    final Clock clock;
    final int maxTicks;
    final long maxDelayNanos;
    final SplittableRandom random = new SplittableRandom(42);
    final AtomicInteger ticks = new AtomicInteger();
    final AtomicInteger races = new AtomicInteger();
    /** Counted down on the last tick or on a race (which ends the chain). */
    final java.util.concurrent.CountDownLatch finished = new java.util.concurrent.CountDownLatch(1);

    Base(Clock clock, int maxTicks, Duration maxDelay) {
      this.clock = clock;
      this.maxTicks = maxTicks;
      this.maxDelayNanos = maxDelay.toNanos();
    }

    @Override
    public boolean awaitTicks(Duration realTimeout) throws InterruptedException {
      return finished.await(realTimeout.toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    synchronized long next() { // SplittableRandom is not thread-safe
      return clock.nanoTime() + random.nextLong(maxDelayNanos);
    }

    @Override
    public int ticks() {
      return ticks.get();
    }

    @Override
    public int races() {
      return races.get();
    }
  }

  /** The bug: the callback reads {@code timer}, which start() assigns after schedule returns. */
  public static final class Racy extends Base {
    private Stop timer; // racy: written by start(), read by the timer's thread

    /** Creates the ticker. */
    public Racy(Clock clock, int maxTicks, Duration maxDelay) {
      super(clock, maxTicks, maxDelay);
    }

    @Override
    public void start() {
      timer = clock.schedule(next(), this::tick);
    }

    private void tick() {
      if (ticks.incrementAndGet() >= maxTicks) {
        finished.countDown();
        return;
      }
      if (timer == null) {
        races.incrementAndGet(); // Go would panic here: nil pointer dereference
        finished.countDown();
        return;
      }
      timer = clock.schedule(next(), this::tick);
    }
  }

  /** Fix 1: one lock around "schedule and assign" and around the callback. */
  public static final class Locked extends Base {
    private final ReentrantLock lock = new ReentrantLock();
    private Stop timer; // guarded by lock

    /** Creates the ticker. */
    public Locked(Clock clock, int maxTicks, Duration maxDelay) {
      super(clock, maxTicks, maxDelay);
    }

    @Override
    public void start() {
      lock.lock();
      try {
        timer = clock.schedule(next(), this::tick);
      } finally {
        lock.unlock();
      }
    }

    private void tick() {
      lock.lock();
      try {
        if (ticks.incrementAndGet() >= maxTicks) {
          finished.countDown();
          return;
        }
        if (timer == null) {
          races.incrementAndGet();
          finished.countDown();
          return;
        }
        timer = clock.schedule(next(), this::tick);
      } finally {
        lock.unlock();
      }
    }
  }

  /** Fix 2: the callback schedules its successor itself; nothing is shared. */
  public static final class Recursive extends Base {
    /** Creates the ticker. */
    public Recursive(Clock clock, int maxTicks, Duration maxDelay) {
      super(clock, maxTicks, maxDelay);
    }

    @Override
    public void start() {
      clock.schedule(next(), this::scheduleNext);
    }

    private void scheduleNext() {
      if (ticks.incrementAndGet() < maxTicks) {
        clock.schedule(next(), this::scheduleNext);
      } else {
        finished.countDown();
      }
    }
  }

  @Override
  public String id() {
    return "002-timer";
  }

  @Override
  public String title() {
    return "timer race and both fixes";
  }

  @Override
  public String run() throws InterruptedException {
    Clock eager = new EagerClock(Clock.system());
    Ticker racy = new Racy(eager, 5, Duration.ofMillis(1));
    racy.start();
    Ticker locked = new Locked(eager, 5, Duration.ofMillis(1));
    locked.start();
    locked.awaitTicks(Duration.ofSeconds(10));
    Ticker recursive = new Recursive(eager, 5, Duration.ofMillis(1));
    recursive.start();
    VirtualClock clock = new VirtualClock();
    Ticker onVirtual = new Locked(clock, 1_000, Duration.ofSeconds(1));
    onVirtual.start();
    clock.advance(Duration.ofSeconds(10));
    if (racy.races() == 0 || locked.races() != 0 || locked.ticks() != 5 || recursive.races() != 0
        || recursive.ticks() != 5) {
      throw new IllegalStateException("racy " + racy.races() + " locked " + locked.races());
    }
    return "timer firing before schedule returns: racy callback found the timer unset "
        + racy.races() + "x; locked fix " + locked.races() + " races; recursive fix " + recursive.races()
        + " races; 10 virtual seconds of random <1 s delays: " + onVirtual.ticks() + " ticks";
  }
}
