package io.jcontext.samples;

import java.util.List;

/**
 * The samples of the tour, in order: seed 000 to 004, then deadline propagation, then the bridge's
 * Job/Context sample. A Kotlin version (package {@code io.jcontext.samples.kotlin}, id ending in
 * {@code -kt}) follows the Java sample of the same scenario.
 */
public final class Samples {

  private Samples() {}

  /** Every sample, in tour order. */
  public static List<Sample> all() {
    return List.of(
        new io.jcontext.samples.cancel.HandmadeRace(),
        new io.jcontext.samples.deadlines.TimeoutExample(),
        new io.jcontext.samples.locks.Counters(),
        new io.jcontext.samples.testing.TimerRace(),
        new io.jcontext.samples.locks.Deadlocks(),
        new io.jcontext.samples.kotlin.CoroutineRwDeadlock(),
        new io.jcontext.samples.testing.SyncTestExamples(),
        new io.jcontext.samples.kotlin.CoroutineSyncTestExamples(),
        new io.jcontext.samples.cancel.ThreeWorkers(),
        new io.jcontext.samples.kotlin.CoroutineThreeWorkers(),
        new io.jcontext.samples.cancel.ProcessItems(),
        new io.jcontext.samples.deadlines.FetchWithTimeout(),
        new io.jcontext.samples.values.RequestIds(),
        new io.jcontext.samples.interop.ContextContract(),
        new io.jcontext.samples.errgroup.ErrGroup(),
        new io.jcontext.samples.cancel.CauseWorker(),
        new io.jcontext.samples.cancel.AuditLog(),
        new io.jcontext.samples.cancel.TempDirs(),
        new io.jcontext.samples.cancel.LeakDemo(),
        new io.jcontext.samples.values.AuthMiddleware(),
        new io.jcontext.samples.errgroup.StructuredRun(),
        new io.jcontext.samples.interop.ForeignParent(),
        new io.jcontext.samples.propagation.RequestIdPropagation(),
        new io.jcontext.samples.deadlines.SoakProbe(),
        new io.jcontext.samples.locks.CtxMutex(),
        new io.jcontext.samples.kotlin.MixedMutex(),
        new io.jcontext.samples.deadlines.WallClockDeadline(),
        new io.jcontext.samples.values.ValueMutability(),
        new io.jcontext.samples.values.TypedKeys(),
        new io.jcontext.samples.interop.BenchmarksPointer(),
        new io.jcontext.samples.interop.DerivationTracing(),
        new io.jcontext.samples.propagation.DeadlinePropagation(),
        new io.jcontext.samples.kotlin.JobContextBridge());
  }
}
