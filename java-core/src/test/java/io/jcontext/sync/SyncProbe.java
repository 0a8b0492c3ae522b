package io.jcontext.sync;

/** Test-only access to queue lengths for tests outside this package (the Lincheck tests). */
public final class SyncProbe {
  private SyncProbe() {}

  public static int waiters(Mutex m) {
    return m.waiters();
  }

  public static int waiters(RWMutex m) {
    return m.waiters();
  }

  public static int waiters(Semaphore s) {
    return s.waiters();
  }

  /**
   * Runs {@code body} with Mutex spinning off, for tests whose other threads wait until a waiter
   * is queued: a model checker sees a bounded spin beside such waits as a livelock.
   */
  public static void withoutSpinning(Runnable body) {
    withSpins(0, body);
  }

  /**
   * Runs {@code body} with a Mutex spin bound of {@code spins} pauses (a few: long enough to take
   * the spinning paths, short enough that a model checker does not see a livelock).
   */
  public static void withSpins(int spins, Runnable body) {
    int before = PermitQueue.spins;
    PermitQueue.spins = spins;
    try {
      body.run();
    } finally {
      PermitQueue.spins = before;
    }
  }

  /**
   * Sets the lock engine's guessed state (the expected value of its fast paths' next CAS) of
   * {@code queue}, for tests that check a wrong guess never decides an outcome.
   */
  static void setGuess(PermitQueue queue, long guess) {
    try {
      java.lang.reflect.Field f = PermitQueue.class.getDeclaredField("guess");
      f.setAccessible(true);
      f.setLong(queue, guess);
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
  }

  /** A queue node that is never woken: it only records whether it was granted. */
  static LockWaiter inertWaiter() {
    return new LockWaiter() {
      @Override
      protected void wake() {}
    };
  }
}
