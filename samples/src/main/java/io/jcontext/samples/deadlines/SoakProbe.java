package io.jcontext.samples.deadlines;

import io.jcontext.samples.cancel.LeakDemo;

import io.jcontext.CancellableContext;
import io.jcontext.Context;
import io.jcontext.samples.Sample;
import io.jcontext.testing.VirtualClock;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Seed 004, task 14: a soak probe that tells a context leak from bounded noise.
 *
 * <p>A server handles a request every {@code requestEvery}; each request derives a per-request
 * timeout from the server's context. The leaky handler forgets to cancel it, so the server
 * context keeps every request context registered (and its timer pending) until the timeout fires,
 * minutes later; the fixed one cancels it with try-with-resources. Every {@code sampleEvery} the
 * probe records how many request contexts are still reachable after a garbage collection (the
 * heap evidence; Go's goroutine count plays this role there). Leaky: the count grows with every
 * request. Fixed: it stays at zero.
 *
 * <p>The probe runs on a {@link VirtualClock} by default (five virtual minutes take well under a
 * second, which is what the tests and the tour do); {@link #main} runs it in real time:
 * {@code java ... SoakProbe [seconds]}.
 */
public final class SoakProbe implements Sample {

  /** How long to soak, how often a request comes, how often to sample, each request's timeout. */
  public record Config(Duration duration, Duration requestEvery, Duration sampleEvery, Duration requestTimeout) {
    /** Five minutes, a request every 100 ms, a sample every minute, 10-minute request timeouts. */
    public static Config fiveMinutes() {
      return new Config(Duration.ofMinutes(5), Duration.ofMillis(100), Duration.ofMinutes(1),
          Duration.ofMinutes(10));
    }
  }

  /** The samples taken: reachable request contexts, oldest first. */
  public record Report(List<Integer> samples) {
    /** {@code max - min} over the samples. */
    public int growth() {
      return Collections.max(samples) - Collections.min(samples);
    }

    /** The last sample. */
    public int last() {
      return samples.get(samples.size() - 1);
    }
  }

  /** The bug: the per-request context is never cancelled. */
  static void handleLeaky(Context server, Duration timeout, List<WeakReference<Context>> tracked) {
    CancellableContext ctx = server.withTimeout(timeout); // cancel forgotten
    tracked.add(new WeakReference<>(ctx));
    serve(ctx);
  }

  /** The fix: try-with-resources cancels it when the request is done. */
  static void handle(Context server, Duration timeout, List<WeakReference<Context>> tracked) {
    try (CancellableContext ctx = server.withTimeout(timeout)) {
      tracked.add(new WeakReference<>(ctx));
      serve(ctx);
    }
  }

  private static void serve(Context ctx) {
    ctx.throwIfDone(); // the request's work: instantaneous here, the leak is in the bookkeeping
  }

  /** How the probe lets time pass. */
  @FunctionalInterface
  public interface Time {
    /** Lets {@code d} pass. */
    void pass(Duration d) throws InterruptedException;
  }

  /**
   * Soaks a server rooted at {@code root} (which {@code time} moves) with the leaky or the fixed
   * handler and returns the samples.
   */
  public static Report soak(boolean leaky, Config config, Context root, Time time) throws InterruptedException {
    List<Integer> samples = new ArrayList<>();
    List<WeakReference<Context>> tracked = new ArrayList<>();
    try (CancellableContext server = root.withCancel()) {
      long requests = config.duration().toNanos() / config.requestEvery().toNanos();
      long perSample = Math.max(1, config.sampleEvery().toNanos() / config.requestEvery().toNanos());
      samples.add(LeakDemo.reachable(tracked));
      for (long i = 1; i <= requests; i++) {
        if (leaky) {
          handleLeaky(server, config.requestTimeout(), tracked);
        } else {
          handle(server, config.requestTimeout(), tracked);
        }
        time.pass(config.requestEvery());
        if (i % perSample == 0) {
          tracked.removeIf(r -> r.get() == null);
          samples.add(LeakDemo.reachable(tracked));
        }
      }
    }
    return new Report(samples);
  }

  /** Soaks on a fresh virtual clock. */
  public static Report soakVirtual(boolean leaky, Config config) throws InterruptedException {
    VirtualClock clock = new VirtualClock();
    return soak(leaky, config, clock.background(), clock::advance);
  }

  /** Real-time soak of the fixed handler (then the leaky one): {@code SoakProbe [seconds]}. */
  public static void main(String[] args) throws InterruptedException {
    long seconds = args.length > 0 ? Long.parseLong(args[0]) : 300;
    Config config = new Config(Duration.ofSeconds(seconds), Duration.ofMillis(100),
        Duration.ofSeconds(Math.max(1, seconds / 10)), Duration.ofMinutes(10));
    for (boolean leaky : new boolean[] {false, true}) {
      Report r = soak(leaky, config, Context.background(), d -> Context.sleep(Context.background(), d));
      System.out.println((leaky ? "leaky" : "fixed") + ": reachable request contexts " + r.samples()
          + " growth " + r.growth());
    }
  }

  @Override
  public String id() {
    return "004-14";
  }

  @Override
  public String title() {
    return "soak probe: leak vs bounded";
  }

  @Override
  public String run() throws InterruptedException {
    Config config = Config.fiveMinutes();
    Report leaky = soakVirtual(true, config);
    Report fixed = soakVirtual(false, config);
    if (leaky.growth() < 2_900 || fixed.growth() != 0) {
      throw new IllegalStateException("leaky " + leaky + " fixed " + fixed);
    }
    return "5 virtual minutes, a request every 100 ms: leaky retains " + leaky.samples()
        + "; fixed " + fixed.samples() + " (growth " + fixed.growth() + ")";
  }
}
