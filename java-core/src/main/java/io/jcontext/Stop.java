package io.jcontext;

/**
 * Undoes a registration: an {@link Context#onDone onDone} callback, an
 * {@link Context#afterFunc afterFunc} action or a {@link Clock#schedule clock timer}.
 */
@FunctionalInterface
public interface Stop {

  /**
   * Unregisters the callback, action or timer. Returns {@code true} if this call prevented it from
   * ever running; {@code false} if it has already run (or started), or an earlier call already
   * stopped it. It never waits for a running callback. Safe to call from any thread, any number
   * of times; after it returns, whatever the callback was registered with keeps no reference to it.
   */
  boolean stop();
}
