package io.jcontext.samples.kotlin

import io.jcontext.Context
import io.jcontext.kotlin.currentContext
import io.jcontext.kotlin.sync.rLockSuspending
import io.jcontext.kotlin.sync.withLockSuspending
import io.jcontext.kotlin.withContext
import io.jcontext.samples.Sample
import io.jcontext.sync.RWMutex
import java.time.Duration
import kotlinx.coroutines.async
import kotlinx.coroutines.channels.Channel
import kotlinx.coroutines.coroutineScope
import kotlinx.coroutines.test.runTest

/**
 * Seed 002's RW-lock deadlock with coroutines: a writer holds the write lock of a jcontext
 * [RWMutex] while it sends on an unbuffered channel; the reader must take the read lock before it
 * can receive. Neither can go on. One context with a timeout bounds both waits (the writer's send
 * through the bridge's [withContext], the reader's [rLockSuspending]); at the deadline both end
 * with `DeadlineExceededException` and the lock is free. On `runTest` the deadline is virtual
 * time: nothing waits for real.
 */
public class CoroutineRwDeadlock : Sample {

  /** How each side ended, the virtual time at which they did, and whether the lock was left free. */
  public data class Outcome(val writer: String, val reader: String, val endedAtMs: Long, val lockFree: Boolean)

  /** Runs the scenario under [parent] with [timeout]; both sides are coroutines of this scope. */
  public suspend fun rwLockAndChannel(parent: Context, timeout: Duration): List<String> = coroutineScope {
    val rw = RWMutex.create()
    val channel = Channel<Int>() // unbuffered: a send waits for a receiver
    val ctx = parent.withTimeout(timeout)
    try {
      val writer = async {
        runCatching {
          rw.withLockSuspending(ctx) {
            withContext(ctx) { channel.send(123) }
            "sent"
          }
        }.fold({ it }, { it.javaClass.simpleName })
      }
      val reader = async {
        runCatching {
          rw.rLockSuspending(ctx) // waits: the writer holds the lock
          try {
            "read " + channel.receive()
          } finally {
            rw.rUnlock()
          }
        }.fold({ it }, { it.javaClass.simpleName })
      }
      val out = listOf(writer.await(), reader.await())
      check(!rw.isWriteLocked && rw.readers() == 0L) { "lock left held" }
      out
    } finally {
      ctx.cancel()
    }
  }

  /** The scenario on `runTest` virtual time with a 100 ms timeout. */
  public fun onVirtualTime(): Outcome {
    lateinit var outcome: Outcome
    runTest {
      val out = rwLockAndChannel(currentContext(), Duration.ofMillis(100))
      outcome = Outcome(out[0], out[1], testScheduler.currentTime, true)
    }
    return outcome
  }

  override fun id(): String = "002-rwlock-kt"

  override fun title(): String = "RW-lock deadlock broken by a ctx timeout, coroutines"

  override fun run(): String {
    val o = onVirtualTime()
    check(o.writer == "DeadlineExceededException" && o.reader == "DeadlineExceededException") { o }
    return "writer (holding the write lock, sending) and reader (waiting for the read lock) both ended " +
      "with ${o.writer} at virtual ${o.endedAtMs} ms; lock free afterwards"
  }
}
