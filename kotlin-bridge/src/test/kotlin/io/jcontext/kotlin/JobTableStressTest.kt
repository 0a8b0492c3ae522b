package io.jcontext.kotlin

import io.jcontext.Context
import io.kotest.matchers.shouldBe
import io.kotest.matchers.types.shouldBeSameInstanceAs
import java.util.concurrent.CyclicBarrier
import java.util.concurrent.TimeUnit
import java.util.concurrent.atomic.AtomicInteger
import kotlinx.coroutines.Job
import org.junit.jupiter.api.DynamicTest
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestFactory

/**
 * [JobTable] on real threads: each thread owns its Jobs and puts, finds and removes them in
 * bursts that grow and shrink the segments, while two threads race putIfAbsent on shared Jobs.
 * Every entry is found while it is in, never after it left; the table ends empty. Lock-free
 * peeks, made throughout, find an entry of the Job asked for or none.
 */
class JobTableStressTest {
  /** 5 runs, or `-Djc.repeat=N` (the loaded runs use 50). */
  @TestFactory
  fun burstsOfOwnedEntriesAndRacingInserts(): List<DynamicTest> =
    List(System.getProperty("jc.repeat")?.toInt() ?: 5) { i -> DynamicTest.dynamicTest("run $i") { burst() } }

  private fun burst() {
    val table = JobTable(segmentCount = 4, minLength = 2)
    val threads = 4
    val rounds = 200
    val barrier = CyclicBarrier(threads)
    val failures = AtomicInteger()
    val shared = List(rounds) { Job() }
    val sharedWinners = arrayOfNulls<JobContext>(rounds)
    val workers = List(threads) { t ->
      Thread {
        try {
          barrier.await(30, TimeUnit.SECONDS)
          repeat(rounds) { r ->
            val burst = List(1 + (r * 7 + t) % 64) { JobContext(Job(), LIVE) }
            for (e in burst) table.putIfAbsent(e) shouldBeSameInstanceAs e
            for (e in burst) table.get(e.job) shouldBeSameInstanceAs e
            for (e in burst) peekIsThisOrNone(table, e)
            // threads 0 and 1 race for the same shared Job: both see one winner
            if (t < 2) {
              val mine = JobContext(shared[r], LIVE)
              val winner = table.putIfAbsent(mine)
              table.get(shared[r]) shouldBeSameInstanceAs winner
              peekIsThisOrNone(table, winner)
              synchronized(sharedWinners) {
                val seen = sharedWinners[r]
                if (seen == null) sharedWinners[r] = winner else seen shouldBeSameInstanceAs winner
              }
            }
            for (e in burst) table.remove(e) shouldBe true
            for (e in burst) (table.get(e.job) == null) shouldBe true
            for (e in burst) peekIsThisOrNone(table, e) // a stale read may still find it, nothing else
          }
        } catch (e: Throwable) {
          failures.incrementAndGet()
          e.printStackTrace()
        }
      }.apply { start() }
    }
    workers.forEach { it.join(60_000) }
    failures.get() shouldBe 0
    table.size shouldBe rounds // the shared winners
    for (r in 0 until rounds) table.remove(sharedWinners[r]!!) shouldBe true
    table.size shouldBe 0
  }

  /** On one thread, with the segments growing and shrinking, peek sees exactly what is in. */
  @Test
  fun peekOnOneThreadFindsEveryEntryInAndNoneOut() {
    val table = JobTable(segmentCount = 2, minLength = 2)
    val entries = List(200) { JobContext(Job(), LIVE) }
    for ((i, e) in entries.withIndex()) {
      table.putIfAbsent(e)
      for (f in entries.subList(0, i + 1)) table.peek(f.job) shouldBeSameInstanceAs f
    }
    for ((i, e) in entries.withIndex()) {
      table.remove(e) shouldBe true
      table.peek(e.job) shouldBe null
      for (f in entries.subList(i + 1, entries.size)) table.peek(f.job) shouldBeSameInstanceAs f
    }
  }

  private fun peekIsThisOrNone(table: JobTable, e: JobContext) {
    val seen = table.peek(e.job)
    if (seen != null) seen shouldBeSameInstanceAs e
  }

  private companion object {
    val LIVE = Context.background().withCancel()
  }
}
