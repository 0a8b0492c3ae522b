package io.jcontext.sync;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Threshold;

/**
 * JDK Flight Recorder event {@code io.jcontext.LockWait}: a thread or a coroutine waited for a
 * {@link Mutex}, {@link RWMutex}, {@link Semaphore} or a {@link Group}'s limit. A durational
 * event. For a thread it spans the park (from joining the line to leaving it), so an acquisition
 * that takes the lock at once, or while spinning, records nothing, like the JVM's own
 * {@code jdk.JavaMonitorEnter}. For a waiter that suspends ({@link LockWaiter#waitStarted}) it
 * spans the slow path, from the failed fast attempt to the resumption.
 *
 * <p>On by default with a 20 ms threshold, as the JVM's {@code jdk.JavaMonitorEnter} in its
 * default settings: a recording keeps the waits that took at least that long unless it sets
 * {@code io.jcontext.LockWait#threshold}.
 *
 * <p>Emitted by the waiting thread after its wait ended, with that thread's stack (for a
 * coroutine: the thread it resumed on). Only touched
 * when {@link io.jcontext.internal.Flight#AVAILABLE}: this class must not be loaded without
 * {@code jdk.jfr}, which is why {@link #start()} hands the event out as an {@code Object}.
 */
@Name("io.jcontext.LockWait")
@Label("Lock Wait")
@Category({"jcontext", "Locks"})
@Description("A thread waited for a jcontext Mutex, RWMutex, Semaphore or Group limit")
@StackTrace(true)
@Threshold("20 ms")
final class LockWaitEvent extends jdk.jfr.Event {
  @Label("Lock Class")
  @Description("Mutex, RWMutex, Semaphore or Group")
  Class<?> lockClass;

  @Label("Lock")
  @Description("The lock's class name and identity hash, as in a bubble's deadlock report")
  String lock;

  @Label("Operation")
  @Description("lock, rLock, acquire or go: the waiting method of the lock class (kept under 16"
      + " characters, which JDK 17 writes inline rather than through its string pool)")
  String operation;

  @Label("Permits")
  @Description("Permits asked for (1 for a lock)")
  long permits;

  @Label("Outcome")
  @Description("acquired, contextDone (the context ended the wait), interrupted (a thread), cancelled"
      + " (a coroutine's Job), or failed")
  String outcome;

  /** The started event if a recording enables it, else null. */
  static Object start() {
    LockWaitEvent e = new LockWaitEvent();
    if (!e.isEnabled()) {
      return null;
    }
    e.begin();
    return e;
  }

  /**
   * Ends and commits {@code event} (from {@link #start()}) if the recording keeps it. Takes only
   * JDK types: JDK 17 instruments event classes as they load and cannot resolve the library's
   * types while it computes their stack frames.
   */
  static boolean finish(Object event) {
    LockWaitEvent e = (LockWaitEvent) event;
    e.end();
    return e.shouldCommit();
  }

  /** Fills in and commits {@code event}, which {@link #finish} kept. (Not named commit: JFR instruments the methods of that name.) */
  static void write(Object event, Object lock, String operation, long permits, String outcome) {
    LockWaitEvent e = (LockWaitEvent) event;
    e.lockClass = lock.getClass();
    e.lock = lock.getClass().getSimpleName() + "@" + Integer.toHexString(System.identityHashCode(lock));
    e.operation = operation;
    e.permits = permits;
    e.outcome = outcome;
    e.commit();
  }
}
