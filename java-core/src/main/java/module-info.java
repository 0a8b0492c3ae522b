/**
 * jcontext: Go's {@code context} package (cancellation with a cause, deadlines, request values)
 * and context-aware locks, a weighted semaphore and an errgroup-style group, for the JVM.
 *
 * <p>The module needs nothing at run time beyond {@code java.base}. JSpecify's nullness
 * annotations are read at compile time only ({@code requires static}). {@code jdk.jfr} is optional
 * too: when the runtime has it, the library emits JDK Flight Recorder events (cancellations,
 * fired deadlines, lock waits); when it does not, nothing is emitted and nothing fails.
 */
module io.jcontext {
  requires static transitive org.jspecify;
  requires static jdk.jfr;

  exports io.jcontext;
  exports io.jcontext.diagnostics;
  exports io.jcontext.sync;
  exports io.jcontext.testing;
}
