package io.jcontext.samples.locks;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The three deadlocks in a bubble, without timeouts: each is reported at once, naming every
 * thread and the wait it is stuck in. Deterministic: the bubble decides when every thread is
 * blocked, so no test sleeps or moves a clock.
 */
class DeadlocksInBubbleTest {

  @Test
  void rwLockHeldWhileSendingOnAnUnbufferedChannel() throws Exception {
    String report = Deadlocks.rwLockAndChannelInBubble();
    assertTrue(report.startsWith("deadlock: every bubble thread is blocked"), report);
    assertTrue(report.contains("bubble-main waits in RWMutex.rLock on RWMutex@"), report);
    assertTrue(report.contains(" RWMutex[write-locked"), report);
    assertTrue(report.contains("bubble-thread-1 waits in Context.await(send on Channel@"), report);
  }

  @Test
  void oppositeLockOrder() throws Exception {
    String report = Deadlocks.lockOrderInBubble();
    assertTrue(report.startsWith("deadlock: every bubble thread is blocked"), report);
    assertTrue(report.contains("bubble-main waits in Mutex.lock on Mutex"), report);
    assertTrue(report.contains("bubble-thread-1 waits in Mutex.lock on Mutex"), report);
  }

  @Test
  void forgottenSignal() throws Exception {
    String report = Deadlocks.forgottenSignalInBubble();
    assertTrue(report.startsWith("deadlock: every bubble thread is blocked"), report);
    assertTrue(report.contains("bubble-main waits in Group.await on Group[3 running"), report);
    for (int i = 1; i <= 3; i++) {
      assertTrue(report.contains("bubble-thread-" + i + " waits in Context.await(Latch@"), report);
    }
  }
}
