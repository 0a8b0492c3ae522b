package io.jcontext.bench.http;

import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.jcontext.BudgetPolicy;
import io.jcontext.CancellableContext;
import io.jcontext.Context;
import io.jcontext.http.ContextHttpClient;
import io.jcontext.http.ContextHttpFilter;
import io.jcontext.http.HttpPieces;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The HTTP helper's end-to-end cost on a loopback GET, resolved to about a microsecond: paired,
 * interleaved requests on one client, one server and one keep-alive connection.
 *
 * <p>Each pair is one request of the baseline ({@code HttpClient.send} with the same headers the
 * helper sends, to a route without the filter) and one of the treatment (by default
 * {@code ContextHttpClient.send} with a context that has a deadline and a request id, to a route
 * behind {@link ContextHttpFilter}), in a random order, each timed alone with
 * {@code System.nanoTime()}. The difference of the two (treatment − baseline) is one sample; a
 * machine's load drifting over seconds hits both halves of a pair alike. It prints the mean of
 * the differences with its 95 % confidence interval (normal approximation; tens of thousands of
 * pairs) and the median with its distribution-free 95 % interval (order statistics).
 *
 * <p>Treatments ({@code shape} argument), each against its own baseline with the same headers:
 * <ul>
 *   <li>{@code full}: helper (deadline + id) → filter route. The helper's cost, both sides.</li>
 *   <li>{@code client}: helper (deadline + id) → plain route. The client side alone.</li>
 *   <li>{@code filter}: plain client sending the budget header as a fixed string → filter route.
 *       The server side alone; its request deadlines never come earlier than the last one.</li>
 *   <li>{@code nobudget}: helper with a context without deadline (id only) → filter route; the
 *       baseline sends only the id header. No budget header, so no server deadline timer.</li>
 *   <li>{@code ignore}: helper (deadline + id) → filter route whose policy ignores the budget
 *       (the request context has no deadline timer).</li>
 *   <li>{@code timer}: helper to the filter trusting the budget, against the same to the filter
 *       ignoring it: the server's deadline timer and the timer thread's wake-ups.</li>
 *   <li>{@code aa}: the baseline against itself (the method's own bias; should be 0).</li>
 *   <li>Pieces, each against the baseline: {@code copy} (the plain client sending a copy made by
 *       {@code HttpRequest.newBuilder(request, filter)}), {@code fresh} (a request built anew),
 *       {@code view} (the helper's request view with the baseline's header set, made once),
 *       {@code headers} (the view with a header set made each call by {@code HttpHeaders.of}),
 *       {@code prepare} (the helper's request for the context, sent by the plain client),
 *       {@code register} (an {@code onDone} registration around the plain send),
 *       {@code filterignore} (the plain client to the budget-ignoring filter), and
 *       {@code probe-headers}, {@code probe-scan}, {@code probe-map}, {@code probe-timeout},
 *       {@code probe-cancel} (routes without the filter doing one piece of its work).</li>
 * </ul>
 * It also prints the median of each fifth of the pairs, in order: a trend there would be the JIT
 * still compiling or the host's load changing during the run. The pairs follow
 * {@code -Djc.warmup} warm-up pairs (default 5 000).
 *
 * <p>Before the timed pairs it also counts, per thread of this JVM, the context switches (from
 * {@code /proc/self/task/*}/status, Linux only) of a block of baseline requests and of a block
 * of treatment requests: the timer thread's voluntary switches are its wake-ups.
 *
 * <pre>java -Dsun.net.httpserver.nodelay=true -cp benchmarks.jar io.jcontext.bench.http.HttpHelperPairedMain [pairs] [shape...]</pre>
 */
public final class HttpHelperPairedMain {
  private HttpHelperPairedMain() {}

  interface Get {
    int get() throws IOException, InterruptedException;
  }

  private static final byte[] OK = "ok".getBytes();
  /** Warm-up pairs before the measured ones ({@code -Djc.warmup}). */
  private static final int WARMUP = Integer.getInteger("jc.warmup", 5_000);

  public static void main(String[] args) throws Exception {
    int pairs = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    String[] shapes = args.length > 1 ? Arrays.copyOfRange(args, 1, args.length) : new String[] {"full"};
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.err.println("without -Dsun.net.httpserver.nodelay=true every GET meets Nagle's 40 ms");
    }
    ExecutorService executor = Executors.newSingleThreadExecutor();
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(executor);
    HttpHandler handler = exchange -> {
      Context c = ContextHttpFilter.context(exchange);
      if (c != null) {
        c.throwIfDone();
      }
      exchange.sendResponseHeaders(200, OK.length);
      exchange.getResponseBody().write(OK);
      exchange.close();
    };
    // Routes of the same length, one handler: only the filter differs.
    server.createContext("/p", handler);
    server.createContext("/f", handler).getFilters()
        .add(ContextHttpFilter.create(Context.background()).withValues(HttpHelperBenchmark.ID));
    server.createContext("/i", handler).getFilters()
        .add(ContextHttpFilter.create(Context.background()).withPolicy(BudgetPolicy.ignore())
            .withValues(HttpHelperBenchmark.ID));
    // Probes (not the library): what one piece of the filter's work costs between requests.
    java.util.Map<Object, Object> map = new java.util.concurrent.ConcurrentHashMap<>();
    server.createContext("/m", exchange -> {
      map.put(exchange, exchange);
      try {
        map.get(exchange);
        handler.handle(exchange);
      } finally {
        map.remove(exchange);
      }
    });
    server.createContext("/c", exchange -> {
      CancellableContext c = Context.background().withCancel();
      try {
        handler.handle(exchange);
      } finally {
        c.cancel();
      }
    });
    server.createContext("/t", exchange -> {
      CancellableContext c = Context.background().withTimeout(Duration.ofHours(1));
      try {
        handler.handle(exchange);
      } finally {
        c.cancel();
      }
    });
    server.createContext("/h", exchange -> {
      exchange.getRequestHeaders().getFirst("Request-Budget-Ms");
      exchange.getRequestHeaders().getFirst("X-Request-Id");
      handler.handle(exchange);
    });
    server.createContext("/g", exchange -> {
      String budget = null;
      String id = null;
      for (Map.Entry<String, java.util.List<String>> e : exchange.getRequestHeaders().entrySet()) {
        String k = e.getKey();
        if (budget == null && k.equalsIgnoreCase("Request-Budget-Ms")) {
          budget = e.getValue().get(0);
        } else if (id == null && k.equalsIgnoreCase("X-Request-Id")) {
          id = e.getValue().get(0);
        }
      }
      if (budget == id) {
        throw new IllegalStateException();
      }
      handler.handle(exchange);
    });
    server.start();
    String base = "http://127.0.0.1:" + server.getAddress().getPort();
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    ContextHttpClient helper = ContextHttpClient.of(client).withValues(HttpHelperBenchmark.ID);
    CancellableContext deadline = Context.background().withTimeout(Duration.ofHours(1));
    Context ctx = deadline.withValue(HttpHelperBenchmark.REQUEST_ID, "r-1");
    Context noDeadline = Context.background().withValue(HttpHelperBenchmark.REQUEST_ID, "r-1");
    HttpResponse.BodyHandler<Void> discard = HttpResponse.BodyHandlers.discarding();
    try {
      System.out.printf("%s, %d CPUs, load average %.2f%n", Runtime.version(),
          Runtime.getRuntime().availableProcessors(),
          ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
      for (String shape : shapes) {
        HttpRequest same = HttpRequest.newBuilder(URI.create(base + "/p"))
            .header("Request-Budget-Ms", "3599999").header(HttpHelperBenchmark.ID.name(), "r-1").build();
        HttpRequest idOnly = HttpRequest.newBuilder(URI.create(base + "/p"))
            .header(HttpHelperBenchmark.ID.name(), "r-1").build();
        HttpRequest toP = HttpRequest.newBuilder(URI.create(base + "/p")).build();
        HttpRequest toF = HttpRequest.newBuilder(URI.create(base + "/f")).build();
        HttpRequest toI = HttpRequest.newBuilder(URI.create(base + "/i")).build();
        HttpRequest sameToF = HttpRequest.newBuilder(URI.create(base + "/f"))
            .header("Request-Budget-Ms", "3599999").header(HttpHelperBenchmark.ID.name(), "r-1").build();
        HttpRequest sameToI = HttpRequest.newBuilder(URI.create(base + "/i"))
            .header("Request-Budget-Ms", "3599999").header(HttpHelperBenchmark.ID.name(), "r-1").build();
        HttpRequest probeM = withPath(same, base + "/m");
        HttpRequest probeC = withPath(same, base + "/c");
        HttpRequest probeT = withPath(same, base + "/t");
        HttpRequest probeH = withPath(same, base + "/h");
        HttpRequest probeG = withPath(same, base + "/g");
        Get baseline = () -> client.send(same, discard).statusCode();
        Get treatment;
        switch (shape) {
          case "full": treatment = () -> helper.send(ctx, toF, discard).statusCode(); break;
          case "client": treatment = () -> helper.send(ctx, toP, discard).statusCode(); break;
          case "filter": treatment = () -> client.send(sameToF, discard).statusCode(); break;
          case "nobudget":
            baseline = () -> client.send(idOnly, discard).statusCode();
            treatment = () -> helper.send(noDeadline, toF, discard).statusCode();
            break;
          case "ignore": treatment = () -> helper.send(ctx, toI, discard).statusCode(); break;
          case "probe-map": treatment = () -> client.send(probeM, discard).statusCode(); break;
          case "probe-cancel": treatment = () -> client.send(probeC, discard).statusCode(); break;
          case "probe-timeout": treatment = () -> client.send(probeT, discard).statusCode(); break;
          case "probe-headers": treatment = () -> client.send(probeH, discard).statusCode(); break;
          case "probe-scan": treatment = () -> client.send(probeG, discard).statusCode(); break;
          case "filterignore": treatment = () -> client.send(sameToI, discard).statusCode(); break;
          case "timer": // the server's deadline timer alone: helper to the filter, ignoring or trusting the budget
            baseline = () -> helper.send(ctx, toI, discard).statusCode();
            treatment = () -> helper.send(ctx, toF, discard).statusCode();
            break;
          case "aa": treatment = baseline; break;
          case "copy": // the helper's request copy, by the JDK's filtering builder, and nothing else
            treatment = () -> client.send(HttpRequest.newBuilder(toP, (n, v) -> true)
                .header("Request-Budget-Ms", "3599999").header(HttpHelperBenchmark.ID.name(), "r-1").build(),
                discard).statusCode();
            break;
          case "fresh": // a new request each call, by the plain builder
            treatment = () -> client.send(HttpRequest.newBuilder(URI.create(base + "/p"))
                .header("Request-Budget-Ms", "3599999").header(HttpHelperBenchmark.ID.name(), "r-1").build(),
                discard).statusCode();
            break;
          case "view": // the helper's request view with the same headers, made once: the view alone
            HttpRequest view = HttpPieces.view(toP, same.headers());
            treatment = () -> client.send(view, discard).statusCode();
            break;
          case "headers": // the view with its header set made each call by HttpHeaders.of, the JDK's only factory
            Map<String, java.util.List<String>> made = new java.util.HashMap<>(same.headers().map());
            treatment = () -> client.send(HttpPieces.view(toP, HttpHeaders.of(made, (n, v) -> true)), discard)
                .statusCode();
            break;
          case "prepare": // the helper's whole request (budget, value, header set, view), sent by the plain client
            treatment = () -> client.send(HttpPieces.prepare(helper, ctx, toP), discard).statusCode();
            break;
          case "register": // the same request, inside an onDone registration on the context
            treatment = () -> {
              io.jcontext.Stop stop = ctx.onDone(() -> { });
              try {
                return client.send(same, discard).statusCode();
              } finally {
                stop.stop();
              }
            };
            break;
          default: throw new IllegalArgumentException("unknown shape " + shape);
        }
        run(shape, pairs, baseline, treatment);
      }
    } finally {
      deadline.cancel();
      server.stop(0);
      executor.shutdownNow();
    }
    System.exit(0);
  }

  private static void run(String shape, int pairs, Get baseline, Get treatment) throws Exception {
    for (int i = 0; i < WARMUP; i++) { // warm-up of both paths
      baseline.get();
      treatment.get();
    }
    int block = Math.max(2_000, pairs / 10);
    Map<String, long[]> s0 = switches();
    for (int i = 0; i < block; i++) {
      baseline.get();
    }
    Map<String, long[]> s1 = switches();
    for (int i = 0; i < block; i++) {
      treatment.get();
    }
    Map<String, long[]> s2 = switches();

    long[] a = new long[pairs];
    long[] b = new long[pairs];
    SplittableRandom random = new SplittableRandom(42);
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    Thread timer = timerThread();
    long timerCpu0 = timer == null ? 0 : mx.getThreadCpuTime(timer.getId());
    double load0 = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    for (int i = 0; i < pairs; i++) {
      if (random.nextBoolean()) {
        a[i] = time(baseline);
        b[i] = time(treatment);
      } else {
        b[i] = time(treatment);
        a[i] = time(baseline);
      }
    }
    double load1 = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    long timerCpu = timer == null ? 0 : mx.getThreadCpuTime(timer.getId()) - timerCpu0;

    double[] d = new double[pairs];
    for (int i = 0; i < pairs; i++) {
      d[i] = (b[i] - a[i]) / 1e3;
    }
    double mean = Arrays.stream(d).average().orElse(Double.NaN);
    double var = 0;
    for (double x : d) {
      var += (x - mean) * (x - mean);
    }
    double sd = Math.sqrt(var / (pairs - 1));
    double half = 1.96 * sd / Math.sqrt(pairs);
    StringBuilder fifths = new StringBuilder();
    for (int f = 0; f < 5; f++) { // drift over the run: the JIT still compiling shows as a trend
      double[] part = Arrays.copyOfRange(d, f * pairs / 5, (f + 1) * pairs / 5);
      Arrays.sort(part);
      fifths.append(String.format(" %+6.2f", part[part.length / 2]));
    }
    double[] sorted = d.clone();
    Arrays.sort(sorted);
    int lo = (int) Math.floor(pairs / 2.0 - 1.96 * Math.sqrt(pairs) / 2);
    int hi = (int) Math.ceil(pairs / 2.0 + 1.96 * Math.sqrt(pairs) / 2);
    System.out.printf("%n[%s] %d pairs, load average %.2f -> %.2f%n", shape, pairs, load0, load1);
    System.out.printf("  baseline  median %7.1f us  mean %7.1f us%n", median(a), meanUs(a));
    System.out.printf("  treatment median %7.1f us  mean %7.1f us%n", median(b), meanUs(b));
    System.out.printf("  treatment - baseline: mean %+6.2f us, 95%% CI [%+6.2f, %+6.2f] (sd %.1f); "
        + "median %+6.2f us, 95%% CI [%+6.2f, %+6.2f]%n",
        mean, mean - half, mean + half, sd, sorted[pairs / 2], sorted[Math.max(0, lo)],
        sorted[Math.min(pairs - 1, hi)]);
    // 1 % trimmed mean (each side) with the Tukey-McLaughlin standard error (winsorized variance):
    // the network's rare millisecond stalls widen the plain mean's interval most.
    int g = pairs / 100;
    double tsum = 0;
    for (int i = g; i < pairs - g; i++) {
      tsum += sorted[i];
    }
    double tmean = tsum / (pairs - 2 * g);
    double wmean = 0;
    for (int i = 0; i < pairs; i++) {
      wmean += sorted[Math.min(Math.max(i, g), pairs - 1 - g)];
    }
    wmean /= pairs;
    double wvar = 0;
    for (int i = 0; i < pairs; i++) {
      double w = sorted[Math.min(Math.max(i, g), pairs - 1 - g)];
      wvar += (w - wmean) * (w - wmean);
    }
    double tse = Math.sqrt(wvar / (pairs - 1)) / ((1 - 2.0 * g / pairs) * Math.sqrt(pairs));
    System.out.printf("  treatment - baseline: 1%%-trimmed mean %+6.2f us, 95%% CI [%+6.2f, %+6.2f]%n",
        tmean, tmean - 1.96 * tse, tmean + 1.96 * tse);
    System.out.printf("  median of each fifth of the pairs, in order:%s us%n", fifths);
    System.out.printf("  timer thread CPU per pair: %.3f us%n", timerCpu / 1e3 / pairs);
    System.out.printf("  context switches per request (voluntary/involuntary), %d requests per block:%n", block);
    double cpuA = 0;
    double cpuB = 0;
    for (String name : s0.keySet()) {
      long[] x0 = s0.get(name);
      long[] x1 = s1.getOrDefault(name, x0);
      long[] x2 = s2.getOrDefault(name, x1);
      double bc = (x1[2] - x0[2]) / 1e3 / block;
      double tc = (x2[2] - x1[2]) / 1e3 / block;
      double bv = (x1[0] - x0[0]) / (double) block;
      double bi = (x1[1] - x0[1]) / (double) block;
      double tv = (x2[0] - x1[0]) / (double) block;
      double ti = (x2[1] - x1[1]) / (double) block;
      if (bv + bi + tv + ti >= 0.001) {
        System.out.printf("    %-16s baseline %.3f / %.3f, CPU %6.2f us   treatment %.3f / %.3f, CPU %6.2f us%n",
            name, bv, bi, bc, tv, ti, tc);
      }
      cpuA += bc;
      cpuB += tc;
    }
    System.out.printf("    %-16s baseline CPU %6.2f us   treatment CPU %6.2f us (all threads, per request)%n", "total", cpuA, cpuB);
  }

  private static HttpRequest withPath(HttpRequest request, String uri) {
    return HttpRequest.newBuilder(request, (n, v) -> true).uri(URI.create(uri)).build();
  }

  private static long time(Get g) throws Exception {
    long t0 = System.nanoTime();
    int status = g.get();
    long t = System.nanoTime() - t0;
    if (status != 200) {
      throw new IllegalStateException("status " + status);
    }
    return t;
  }

  private static Thread timerThread() {
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().equals("jcontext-timer")) {
        return t;
      }
    }
    return null;
  }

  /** Voluntary and involuntary context switches so far, summed per thread name (Linux; empty elsewhere). */
  static Map<String, long[]> switches() {
    Map<String, long[]> out = new TreeMap<>();
    Path tasks = Paths.get("/proc/self/task");
    if (!Files.isDirectory(tasks)) {
      return out;
    }
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(tasks)) {
      for (Path t : ds) {
        try {
          String name = Files.readString(t.resolve("comm")).trim().replaceAll("[0-9]+", "N");
          long vol = 0;
          long inv = 0;
          for (String line : Files.readAllLines(t.resolve("status"))) {
            if (line.startsWith("voluntary_ctxt_switches:")) {
              vol = Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
            } else if (line.startsWith("nonvoluntary_ctxt_switches:")) {
              inv = Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
            }
          }
          String[] sched = Files.readString(t.resolve("schedstat")).trim().split(" ");
          long[] sum = out.computeIfAbsent(name, k -> new long[3]);
          sum[0] += vol;
          sum[1] += inv;
          sum[2] += Long.parseLong(sched[0]);
        } catch (IOException | RuntimeException e) {
          // the thread ended while we read it
        }
      }
    } catch (IOException e) {
      return out;
    }
    return out;
  }

  private static double median(long[] xs) {
    long[] s = xs.clone();
    Arrays.sort(s);
    return s[s.length / 2] / 1e3;
  }

  private static double meanUs(long[] xs) {
    return Arrays.stream(xs).average().orElse(Double.NaN) / 1e3;
  }
}
