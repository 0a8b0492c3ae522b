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
}
