package io.jcontext.kotlin

import io.jcontext.Context
import kotlinx.coroutines.Job
import org.jetbrains.lincheck.datastructures.IntGen
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions
import org.jetbrains.lincheck.datastructures.Operation
import org.jetbrains.lincheck.datastructures.Param
import org.jetbrains.lincheck.datastructures.StressOptions
import org.junit.jupiter.api.Test

/**
 * Linearizability of [JobTable] against a map from Job to entry: one segment of minimum length 2
 * (so four Jobs share chains and every few operations grow or shrink the array), two candidate
 * entries per Job (so putIfAbsent races decide a winner), operations named by Job index and entry
 * index. Results are entry indices (or -1), so histories compare by value.
 */
@Param(name = "job", gen = IntGen::class, conf = "0:3")
@Param(name = "which", gen = IntGen::class, conf = "0:1")
class JobTableLincheckTest {
  private val table = JobTable(segmentCount = 1, minLength = 2)

  /**
   * Per instance: the table writes the entries' chain links, and Lincheck restores only the
   * state of the instance between invocations. The table never runs an entry's handler: the
   * entries only need distinct identities.
   */
  private val entries: List<List<JobContext>> = JOBS.map { job -> List(2) { JobContext(job, LIVE) } }

  @Operation
  fun get(@Param(name = "job") job: Int): Int = indexOf(table.get(JOBS[job]))

  @Operation
  fun putIfAbsent(@Param(name = "job") job: Int, @Param(name = "which") which: Int): Int =
    indexOf(table.putIfAbsent(entries[job][which]))

  @Operation
  fun remove(@Param(name = "job") job: Int, @Param(name = "which") which: Int): Boolean =
    table.remove(entries[job][which])

  @Operation
  fun size(): Int = table.size

  /**
   * [JobTable.peek] may miss, so its result is not a map's; what it promises is checked instead:
   * it returns, in every interleaving, null or an entry of the Job asked for (always true
   * sequentially, so a false result fails the history), and it terminates.
   */
  @Operation
  fun peekFindsNoOtherJobsEntry(@Param(name = "job") job: Int): Boolean {
    val e = table.peek(JOBS[job]) ?: return true
    return e === entries[job][0] || e === entries[job][1]
  }

  @Test
  fun modelChecking() =
    ModelCheckingOptions()
      .iterations(10)
      .invocationsPerIteration(300)
      .threads(3)
      .actorsPerThread(3)
      .actorsBefore(2)
      .actorsAfter(2)
      .check(this::class)

  @Test
  fun stress() =
    StressOptions()
      .iterations(10)
      .invocationsPerIteration(500)
      .threads(3)
      .actorsPerThread(4)
      .check(this::class)

  private fun indexOf(e: JobContext?): Int {
    if (e == null) return -1
    for (j in entries.indices) for (w in 0..1) if (entries[j][w] === e) return j * 2 + w
    error("unknown entry $e")
  }

  private companion object {
    val JOBS: List<Job> = List(4) { Job() }
    val LIVE = Context.background().withCancel()
  }
}
