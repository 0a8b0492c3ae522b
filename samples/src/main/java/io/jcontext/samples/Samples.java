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
        new io.jcontext.samples.seed000.HandmadeRace(),
        new io.jcontext.samples.seed001.TimeoutExample(),
        new io.jcontext.samples.seed002.Counters(),
        new io.jcontext.samples.seed002.TimerRace(),
        new io.jcontext.samples.seed002.Deadlocks(),
        new io.jcontext.samples.kotlin.CoroutineRwDeadlock(),
        new io.jcontext.samples.seed002.SyncTestExamples(),
        new io.jcontext.samples.kotlin.CoroutineSyncTestExamples(),
        new io.jcontext.samples.seed003.ThreeWorkers(),
        new io.jcontext.samples.kotlin.CoroutineThreeWorkers(),
        new io.jcontext.samples.seed004.ProcessItems(),
        new io.jcontext.samples.seed004.FetchWithTimeout(),
        new io.jcontext.samples.seed004.RequestIds(),
        new io.jcontext.samples.seed004.ContextContract(),
        new io.jcontext.samples.seed004.ErrGroup(),
        new io.jcontext.samples.seed004.CauseWorker(),
        new io.jcontext.samples.seed004.AuditLog(),
        new io.jcontext.samples.seed004.TempDirs(),
        new io.jcontext.samples.seed004.LeakDemo(),
        new io.jcontext.samples.seed004.AuthMiddleware(),
        new io.jcontext.samples.seed004.StructuredRun(),
        new io.jcontext.samples.seed004.ForeignParent(),
        new io.jcontext.samples.seed004.RequestIdPropagation(),
        new io.jcontext.samples.seed004.SoakProbe(),
        new io.jcontext.samples.seed004.CtxMutex(),
        new io.jcontext.samples.kotlin.MixedMutex(),
        new io.jcontext.samples.seed004.WallClockDeadline(),
        new io.jcontext.samples.seed004.ValueMutability(),
        new io.jcontext.samples.seed004.TypedKeys(),
        new io.jcontext.samples.seed004.BenchmarksPointer(),
        new io.jcontext.samples.seed004.DerivationTracing(),
        new io.jcontext.samples.propagation.DeadlinePropagation(),
        new io.jcontext.samples.kotlin.JobContextBridge());
  }
}
