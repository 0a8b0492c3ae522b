package io.jcontext.kotlin

import java.util.concurrent.atomic.AtomicIntegerFieldUpdater
import kotlinx.coroutines.Job

/*
 * Implementation overview: the live per-Job contexts (JobContext), keyed by Job identity.
 *
 * Why not a ConcurrentHashMap: each of its entries is one more object (32 B) on the first
 * currentContext() of every coroutine, and its size counter is one more shared CAS. Here the
 * entries are the JobContexts themselves, chained through their `next` field (an intrusive hash
 * table): an entry costs no allocation.
 *
 * The table is split into independently locked segments, chosen by the high bits of the Job's
 * mixed identity hash; a segment is an array of chains indexed by the low bits, doubled when its
 * count passes 3/4 of its length and halved when it falls under 1/8 (never below minLength), so
 * chains stay short for any number of live coroutines and a burst leaves no large array behind.
 * Every operation but [peek] takes its segment's lock: a spin lock (one CAS to take it, a release
 * store to free it) held only for a walk of one chain and pointer updates, or a rehash of one
 * segment. No user code and no allocation (except a rehash's new array) run under it, so holders
 * never park.
 *
 * peek walks a chain without the lock, for the first-call path (JobContexts.derive), which then
 * needs the lock only to insert: it saves one lock round per call. Without the lock it may read a
 * stale array or stale `next` links, so it can
 *   - miss an entry that is in (the caller then takes the locked path, which decides);
 *   - find one a racing remove has just taken out (in the bridge a remove follows its Job's
 *     completion, and the entry is still that Job's);
 *   - meet a cycle while a rehash relinks a chain (it stops after PEEK_LIMIT links).
 * It never returns another Job's entry: it compares the entry's Job, a final field, which a racy
 * read sees as constructed.
 *
 * Invariants (per segment, guarded by its lock): each entry is in exactly one chain, the one its
 * Job hashes to; no two entries have the same Job; count is the number of entries; an entry's
 * `next` is written only under the lock of the segment that holds it.
 */
internal class JobTable(segmentCount: Int = SEGMENTS, private val minLength: Int = MIN_LENGTH) {
  init {
    require(segmentCount > 0 && segmentCount and (segmentCount - 1) == 0) { "segmentCount must be a power of 2" }
    require(minLength > 0 && minLength and (minLength - 1) == 0) { "minLength must be a power of 2" }
  }

  private val segmentBits = Integer.numberOfTrailingZeros(segmentCount)
  private val segments = Array(segmentCount) { Segment(minLength) }

  /** Entries in the table; exact when no operation runs concurrently. */
  val size: Int
    get() = segments.sumOf { it.count }

  /**
   * Returns the entry for [job], or null: the exact, linearizable lookup, under the lock. The
   * bridge itself looks up with [peek] (a miss there is settled by [putIfAbsent]); this is the
   * lookup the table's tests check its other operations against.
   */
  fun get(job: Job): JobContext? {
    val h = hash(job)
    val s = segmentFor(h)
    s.lock()
    try {
      return s.find(job, h)
    } finally {
      s.unlock()
    }
  }

  /**
   * Returns the entry for [job] if a walk of its chain without the lock finds it, else null (see
   * the overview): it may miss an entry a racing operation is moving, and may return one a racing
   * remove has just taken out; never another Job's entry. Lock-free, bounded.
   */
  fun peek(job: Job): JobContext? {
    val h = hash(job)
    val t = segmentFor(h).table
    var e = t[h and (t.size - 1)]
    var links = 0
    while (e != null && links < PEEK_LIMIT) {
      if (e.job === job) return e
      e = e.next
      links++
    }
    return null
  }

  /** Inserts [entry] unless the table has one for its Job; returns the entry in force. */
  fun putIfAbsent(entry: JobContext): JobContext {
    val h = hash(entry.job)
    val s = segmentFor(h)
    s.lock()
    try {
      s.find(entry.job, h)?.let { return it }
      s.insert(entry, h)
      return entry
    } finally {
      s.unlock()
    }
  }

  /** Removes [entry] if it is in the table; returns whether it was. */
  fun remove(entry: JobContext): Boolean {
    val h = hash(entry.job)
    val s = segmentFor(h)
    s.lock()
    try {
      return s.delete(entry, h, minLength)
    } finally {
      s.unlock()
    }
  }

  private fun segmentFor(h: Int): Segment = if (segmentBits == 0) segments[0] else segments[h ushr (32 - segmentBits)]

  private class Segment(length: Int) {
    /** 0 free, 1 held. */
    @Volatile
    @JvmField
    var locked = 0

    /** Chains by bucket; guarded by the lock. */
    @JvmField
    var table = arrayOfNulls<JobContext>(length)

    /** Entries in this segment; written under the lock (read without it only by size). */
    @Volatile
    @JvmField
    var count = 0

    fun lock() {
      while (!LOCK.compareAndSet(this, 0, 1)) Thread.onSpinWait()
    }

    fun unlock() {
      LOCK.lazySet(this, 0) // release store: publishes the chain updates to the next holder
    }

    fun find(job: Job, h: Int): JobContext? {
      var e = table[h and (table.size - 1)]
      while (e != null) {
        if (e.job === job) return e
        e = e.next
      }
      return null
    }

    fun insert(entry: JobContext, h: Int) {
      if (count + 1 > table.size - (table.size ushr 2)) resize(table.size shl 1)
      val i = h and (table.size - 1)
      entry.next = table[i]
      table[i] = entry
      count++
    }

    fun delete(entry: JobContext, h: Int, minLength: Int): Boolean {
      val i = h and (table.size - 1)
      var prev: JobContext? = null
      var e = table[i]
      while (e != null && e !== entry) {
        prev = e
        e = e.next
      }
      if (e == null) return false
      if (prev == null) table[i] = e.next else prev.next = e.next
      e.next = null
      count--
      if (table.size > minLength && count < (table.size ushr 3)) resize(table.size ushr 1)
      return true
    }

    private fun resize(length: Int) {
      val old = table
      val fresh = arrayOfNulls<JobContext>(length)
      for (head in old) {
        var e = head
        while (e != null) {
          val next = e.next
          val i = hash(e.job) and (length - 1)
          e.next = fresh[i]
          fresh[i] = e
          e = next
        }
      }
      table = fresh
    }

    companion object {
      private val LOCK: AtomicIntegerFieldUpdater<Segment> =
        AtomicIntegerFieldUpdater.newUpdater(Segment::class.java, "locked")
    }
  }

  companion object {
    /** Segments of the process-wide table: enough that first calls on many threads rarely meet. */
    const val SEGMENTS: Int = 64
    const val MIN_LENGTH: Int = 16

    /** The most links [peek] follows: chains average under one entry (load ≤ 3/4). */
    const val PEEK_LIMIT: Int = 16

    /** Identity hash, spread so both the high (segment) and low (bucket) bits vary. */
    fun hash(job: Job): Int = System.identityHashCode(job) * -0x61c88647
  }
}
