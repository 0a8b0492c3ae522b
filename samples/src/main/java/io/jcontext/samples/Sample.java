package io.jcontext.samples;

/**
 * One runnable scenario of the seeds, written for jcontext: the tour ({@link Tour}) runs every
 * sample in order and prints the line {@link #run()} returns.
 *
 * <p>A sample's {@code run()} shows its scenario end to end, in real time unless a virtual clock
 * is the point, and returns one line saying what happened (the outcome, the error or cause, the
 * figures that matter). It throws when the scenario did not behave as the seed says it should,
 * so a misbehaving library makes the tour fail. The behaviour itself is asserted, on virtual time
 * where possible, by the sample's unit test.
 */
public interface Sample {

  /** Where the scenario comes from: {@code "004-01"} is seed 004, task 1. */
  String id();

  /** A few words naming the scenario. */
  String title();

  /**
   * Runs the scenario and returns its outcome on one line.
   *
   * @throws Exception if the scenario did not end as it should
   */
  String run() throws Exception;
}
