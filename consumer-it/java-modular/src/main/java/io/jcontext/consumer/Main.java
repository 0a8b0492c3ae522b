package io.jcontext.consumer;

import io.jcontext.CancellableContext;
import io.jcontext.Context;
import io.jcontext.DeadlineExceededException;
import io.jcontext.Key;
import io.jcontext.diagnostics.ContextDiagnostics;
import io.jcontext.sync.Mutex;
import io.jcontext.testing.VirtualClock;
import java.lang.module.ModuleDescriptor;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * A user's program on the module path: it must run with only jcontext-core beside it (no
 * JSpecify jar), see io.jcontext as a named module exporting exactly its four API packages, and
 * use each of them.
 */
public final class Main {
  private static final Key<String> ID = Key.of("id", String.class);

  public static void main(String[] args) throws Exception {
    Module core = Context.class.getModule();
    check(core.isNamed() && core.getName().equals("io.jcontext"), "core is the named module io.jcontext: " + core);
    check(Main.class.getModule().isNamed(), "the consumer runs as a named module");
    Set<String> exports = core.getDescriptor().exports().stream()
        .map(ModuleDescriptor.Exports::source).collect(Collectors.toCollection(TreeSet::new));
    check(exports.equals(new TreeSet<>(Set.of("io.jcontext", "io.jcontext.diagnostics", "io.jcontext.sync",
            "io.jcontext.testing"))),
        "io.jcontext exports its API packages only: " + exports);
    check(ModuleLayer.boot().findModule("org.jspecify").isEmpty(), "nothing requires JSpecify at run time");
    boolean recording = args.length > 0 && args[0].equals("recording");
    // jdk.jfr is optional for io.jcontext (requires static); -XX:StartFlightRecording resolves it.
    check(!recording || ModuleLayer.boot().findModule("jdk.jfr").isPresent(), "a recording resolves jdk.jfr");

    VirtualClock clock = new VirtualClock();
    Context root = clock.background().withValue(ID, "r-1");
    try (CancellableContext ctx = root.withTimeout(Duration.ofSeconds(2))) {
      check(ctx.err() == null && ctx.deadline() != null, "live context with a deadline");
      String held = Mutex.create().withLock(ctx, () -> ctx.value(ID));
      check("r-1".equals(held), "value under the mutex");
      check(ContextDiagnostics.trace(ctx).steps().size() == 3, "diagnostics: withDeadline, withValue, the root: "
          + ContextDiagnostics.trace(ctx));
      clock.advance(Duration.ofSeconds(2));
      check(ctx.err() instanceof DeadlineExceededException, "deadline fired on the virtual clock: " + ctx.err());
    }
    System.out.println("consumer-it java (module path): OK, io.jcontext exports " + exports);
  }

  private static void check(boolean ok, String what) {
    if (!ok) {
      throw new AssertionError("consumer-it java: " + what);
    }
  }
}
