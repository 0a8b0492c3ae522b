package io.jcontext;

import jdk.jfr.FlightRecorder;
import jdk.jfr.FlightRecorderListener;
import jdk.jfr.Recording;

/**
 * Keeps the {@link Origin#FLIGHT} bit of the creation gate equal to "a recording enables
 * {@code io.jcontext.ContextCancelled}", so that creating a context asks nothing of the flight
 * recorder: the event's {@code lived} field needs the creation time, and reading the event's state
 * on every creation would cost the derive path. Re-evaluated whenever a recording starts or
 * stops; a recording whose settings are changed while it runs (without a start or stop) is seen
 * at the next change of any recording.
 *
 * <p>Only touched when {@link io.jcontext.internal.Flight#AVAILABLE}. The listener runs on the
 * thread that changed the recording's state.
 */
final class FlightWatch implements FlightRecorderListener {
  private FlightWatch() {}

  /** Registers the watch and takes the current state; called once, when Origin initialises. */
  static void install() {
    try {
      FlightRecorder.addListener(new FlightWatch());
    } catch (RuntimeException | Error e) {
      return; // a runtime without flight recorder support: nothing to watch
    }
    update();
  }

  @Override
  public void recordingStateChanged(Recording recording) {
    update();
  }

  private static void update() {
    Diagnostics.setFlightStamping(ContextCancelledEvent.enabled());
  }
}
