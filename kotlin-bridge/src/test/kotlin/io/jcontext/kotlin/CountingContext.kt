package io.jcontext.kotlin

import io.jcontext.CancellableContext
import io.jcontext.Context
import io.jcontext.ContextException
import io.jcontext.Stop
import java.time.Instant
import java.util.concurrent.CompletionStage
import java.util.concurrent.atomic.AtomicBoolean
import java.util.concurrent.atomic.AtomicInteger

/**
 * A foreign [Context] over a real cancellable one that counts live [onDone] registrations, so a
 * test can assert that the bridge leaves none behind.
 */
class CountingContext(private val inner: CancellableContext = Context.background().withCancel()) : Context {
  private val live = AtomicInteger()

  /** onDone registrations neither stopped nor run. */
  val registrations: Int get() = live.get()

  fun cancel(cause: Throwable? = null) = inner.cancel(cause)

  override fun deadline(): Instant? = inner.deadline()
  override fun err(): ContextException? = inner.err()
  override fun <T : Any> value(key: io.jcontext.Key<T>): T? = inner.value(key)
  override fun isDone(): Boolean = inner.isDone
  override fun done(): CompletionStage<Void?> = inner.done()
  override fun clock() = inner.clock()

  override fun onDone(callback: Runnable): Stop {
    val settled = AtomicBoolean()
    live.incrementAndGet()
    val stop = inner.onDone {
      if (settled.compareAndSet(false, true)) live.decrementAndGet()
      callback.run()
    }
    return Stop {
      val prevented = stop.stop()
      if (prevented && settled.compareAndSet(false, true)) live.decrementAndGet()
      prevented
    }
  }
}
