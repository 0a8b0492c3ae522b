package io.jcontext;

/**
 * An {@link Context#onDone onDone} callback of the library itself that only wakes a parked
 * waiter: it runs in constant time, never throws and runs no user code. A cancellable context
 * therefore runs it inside its cancellation walk, before any user callback, so that a thread
 * blocked in a wait of the library is woken as soon as the context is done, even when an earlier
 * user callback is slow.
 */
abstract class Wakeup implements Runnable {
  // A class, not an interface: onDone tests every callback for it, and a failing instanceof
  // against a class is one compare, against an interface a scan of the callback's interfaces.
}
