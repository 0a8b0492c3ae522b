package io.jcontext.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcontext.CancellableContext;
import io.jcontext.Context;
import io.jcontext.ContextException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Races receives cancelled by another thread against sends that hand them a value, on real
 * threads outside a bubble: a value handed to a receiver whose context ends at that instant is
 * returned, never lost; a value is never received twice; a cancelled receive leaves no waiter
 * behind (every send completes).
 */
class ChannelStressTest {
  private static final int SENDERS = 2;
  private static final int PER_SENDER = 5_000;

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 4})
  void cancelledReceivesNeverLoseOrDuplicateAValue(int capacity) throws Exception {
    Channel<Integer> ch = new Channel<>(capacity);
    ConcurrentLinkedQueue<Integer> received = new ConcurrentLinkedQueue<>();
    ConcurrentLinkedQueue<CancellableContext> live = new ConcurrentLinkedQueue<>();
    AtomicBoolean sendersDone = new AtomicBoolean();
    List<Thread> threads = new ArrayList<>();
    for (int s = 0; s < SENDERS; s++) {
      int base = s * PER_SENDER;
      threads.add(new Thread(() -> {
        try {
          for (int i = 0; i < PER_SENDER; i++) {
            ch.send(Context.background(), base + i);
          }
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        }
      }));
    }
    for (int r = 0; r < 2; r++) {
      threads.add(new Thread(() -> {
        while (true) {
          try (CancellableContext c = Context.background().withCancel()) {
            live.add(c);
            Integer v = ch.receive(c);
            if (v == null) {
              return; // closed and drained
            }
            received.add(v);
          } catch (ContextException expected) {
            // cancelled by the canceller: nothing taken
          } catch (InterruptedException e) {
            return;
          }
        }
      }));
    }
    Thread canceller = new Thread(() -> {
      while (!sendersDone.get()) {
        CancellableContext c = live.poll();
        if (c != null && ThreadLocalRandom.current().nextInt(3) == 0) {
          c.cancel();
        }
        Thread.onSpinWait();
      }
    });
    threads.forEach(Thread::start);
    canceller.start();
    for (int i = 0; i < SENDERS; i++) {
      threads.get(i).join(TimeUnit.SECONDS.toMillis(60));
      assertTrue(!threads.get(i).isAlive(), "a send never completed: a value was lost");
    }
    ch.close(); // receivers drain the buffer, then get null
    for (int i = SENDERS; i < threads.size(); i++) {
      threads.get(i).join(TimeUnit.SECONDS.toMillis(60));
      assertTrue(!threads.get(i).isAlive(), "receivers did not get every value");
    }
    sendersDone.set(true);
    canceller.join(TimeUnit.SECONDS.toMillis(60));
    BitSet seen = new BitSet();
    for (int v : received) {
      assertTrue(!seen.get(v), "received twice: " + v);
      seen.set(v);
    }
    assertEquals(SENDERS * PER_SENDER, seen.cardinality());
  }
}
