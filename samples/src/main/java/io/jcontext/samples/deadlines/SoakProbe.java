package io.jcontext.samples.deadlines;


import io.jcontext.CancellableContext;
import io.jcontext.Context;
import io.jcontext.diagnostics.ContextDiagnostics;
import io.jcontext.diagnostics.DiagnosticReport;
import io.jcontext.samples.Diagnosing;
import io.jcontext.samples.Sample;
import io.jcontext.testing.VirtualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Seed 004, task 14: a soak probe that finds a context leak in a long-running server, names the
 * line that causes it, and proves the fix with zero growth.
 *
 * <p>A server handles a request every {@code requestEvery}; each request derives a per-request
 * timeout from the server's context. The leaky handler forgets to cancel it, so each request
 * context stays live (registered, its timer pending) until its timeout, minutes later; the fixed
 * one cancels it with try-with-resources. With the library's diagnostics on, every
 * {@code sampleEvery} the probe reads how many contexts are live under the server context
 * ({@link ContextDiagnostics#dump}: Go's goroutine count plays this role there), and at the end
 * runs the leak check ({@link ContextDiagnostics#check}), which names the creation site of the
 * contexts live past the threshold: {@code handleLeaky}, the line without the cancel. Leaky: the
 * count grows with every request. Fixed: it stays at zero and the check finds nothing.
 *
 * <p>The probe runs on a {@link VirtualClock} by default (five virtual minutes take well under a
 * second, which is what the tests and the tour do; the leak threshold is measured on the
 * contexts' clock, so virtual time ages them too); {@link #main} runs it in real time:
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

  /**
   * What the probe saw: the live request contexts at each sample, oldest first, and the leak
   * check's findings at the end.
   */
  public record Report(List<Integer> samples, List<DiagnosticReport> leaks) {
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
  static void handleLeaky(Context server, Duration timeout) {
    CancellableContext ctx = server.withTimeout(timeout); // cancel forgotten
    serve(ctx);
  }

  /** The fix: try-with-resources cancels it when the request is done. */
  static void handle(Context server, Duration timeout) {
    try (CancellableContext ctx = server.withTimeout(timeout)) {
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
   * handler, with diagnostics on and a leak threshold of {@code sampleEvery}, and returns what it
   * saw.
   */
  public static Report soak(boolean leaky, Config config, Context root, Time time) throws InterruptedException {
    List<Integer> samples = new ArrayList<>();
    try (Diagnosing session = Diagnosing.on(config.sampleEvery());
        CancellableContext server = root.withCancel()) {
      long requests = config.duration().toNanos() / config.requestEvery().toNanos();
      long perSample = Math.max(1, config.sampleEvery().toNanos() / config.requestEvery().toNanos());
      samples.add(ContextDiagnostics.dump(server).total());
      for (long i = 1; i <= requests; i++) {
        if (leaky) {
          handleLeaky(server, config.requestTimeout());
        } else {
          handle(server, config.requestTimeout());
        }
        time.pass(config.requestEvery());
        if (i % perSample == 0) {
          samples.add(ContextDiagnostics.dump(server).total());
        }
      }
      return new Report(samples, ContextDiagnostics.check());
    }
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
      System.out.println((leaky ? "leaky" : "fixed") + ": live request contexts " + r.samples()
          + " growth " + r.growth());
      r.leaks().forEach(report -> System.out.println(report.message()));
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
    if (leaky.growth() < 2_900 || leaky.leaks().size() != 1 || fixed.growth() != 0 || !fixed.leaks().isEmpty()) {
      throw new IllegalStateException("leaky " + leaky + " fixed " + fixed);
    }
    DiagnosticReport leak = leaky.leaks().get(0);
    return "5 virtual minutes, a request every 100 ms: leaky keeps " + leaky.samples() + " live, leak check: "
        + leak.count() + " " + leak.contextKind() + " @ " + Diagnosing.top(leak.site()) + "; fixed "
        + fixed.samples() + " (growth " + fixed.growth() + "), no finding";
  }
}
