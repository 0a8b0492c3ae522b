package io.jcontext.internal;

/**
 * Whether the library's JDK Flight Recorder events can be used at all: {@code jdk.jfr} is in the
 * runtime image (a jlinked image may leave it out) and the events are not switched off with
 * {@code -Djcontext.jfr=false}. Not an API: public only so that the library's packages can reach
 * it.
 *
 * <p>Cost. While this is false, nothing of {@code jdk.jfr} is loaded and every emission site is
 * one test of a static final field, which the JIT folds away. While it is true and no recording
 * enables an event, each emission site on a slow path (a cancellation, a fired deadline, a parked
 * lock wait) asks the event class whether it is enabled: a read of a field of the event class,
 * with no allocation once compiled. Fast paths (isDone, deriving, an uncontended lock) have no
 * emission site.
 */
public final class Flight {
  /** True if the events can be emitted; read once, when this class is initialised. */
  public static final boolean AVAILABLE = available();

  private Flight() {}

  private static boolean available() {
    if (!Boolean.parseBoolean(System.getProperty("jcontext.jfr", "true"))) {
      return false;
    }
    Module self = Flight.class.getModule();
    return ModuleLayer.boot().findModule("jdk.jfr")
        .map(jfr -> !self.isNamed() || self.canRead(jfr))
        .orElse(false);
  }
}
