package io.jcontext.samples.cancel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcontext.CancellableContext;
import io.jcontext.Context;
import io.jcontext.diagnostics.ContextDiagnostics;
import io.jcontext.diagnostics.LiveContexts;
import io.jcontext.samples.Diagnosing;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LeakDemoTest {
  private static final int N = 50;

  @Test
  void leakyWorkersStayParkedAndReachableUntilTheAncestorIsCancelled() throws Exception {
    int baseline = LeakDemo.threadsInWorker();
    CancellableContext server = Context.background().withCancel();
    CountDownLatch parked = new CountDownLatch(N);
    List<WeakReference<Context>> refs = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < N; i++) {
      threads.add(LeakDemo.startWorkerLeaky(server, parked, refs));
    }
    assertTrue(parked.await(10, TimeUnit.SECONDS));
    assertEquals(N, LeakDemo.threadsInWorker() - baseline, "thread evidence: every worker is parked");
    assertEquals(N, LeakDemo.reachable(refs), "heap evidence: every child is still reachable");
    server.cancel(); // the only thing that can release them
    joinAndForget(threads);
    assertEquals(baseline, LeakDemo.threadsInWorker());
    assertEquals(0, LeakDemo.reachableAfterRelease(refs, Duration.ofSeconds(10)));
  }

  /** Joins the threads in a frame of its own, so no stale local keeps one (and its context) alive. */
  private static void joinAndForget(List<Thread> threads) throws InterruptedException {
    for (Thread t : threads) {
      t.join(10_000);
      assertTrue(!t.isAlive());
    }
    threads.clear();
  }

  @Test
  void fixedWorkersEndWhenTheCallerCancelsAndNothingIsRetained() throws Exception {
    int baseline = LeakDemo.threadsInWorker();
    CancellableContext server = Context.background().withCancel();
    List<WeakReference<Context>> refs = LeakDemo.startCancelAndJoin(server, N);
    assertEquals(N, refs.size());
    assertEquals(baseline, LeakDemo.threadsInWorker(), "no worker thread left");
    assertEquals(0, LeakDemo.reachableAfterRelease(refs, Duration.ofSeconds(10)),
        "the live server context retains none of its cancelled children");
    assertTrue(!server.isDone());
    server.cancel();
  }

  @Test
  void theLiveContextProfileGroupsTheLeakedChildrenAtTheirCreationLine() throws Exception {
    try (Diagnosing session = Diagnosing.on(Duration.ofMinutes(1))) {
      CancellableContext server = Context.background().withCancel();
      CountDownLatch parked = new CountDownLatch(N);
      List<Thread> threads = new ArrayList<>();
      for (int i = 0; i < N; i++) {
        threads.add(LeakDemo.startWorkerLeaky(server, parked, new ArrayList<>()));
      }
      assertTrue(parked.await(10, TimeUnit.SECONDS));
      LiveContexts profile = ContextDiagnostics.dump(server);
      assertEquals(N, profile.total(), profile.toString());
      assertEquals(1, profile.groups().size(), profile.toString());
      StackTraceElement site = profile.groups().get(0).site().get(0);
      assertEquals(LeakDemo.class.getName() + ".startWorkerLeaky", site.getClassName() + "." + site.getMethodName());
      LeakDemo.startCancelAndJoin(server, N);
      assertEquals(N, ContextDiagnostics.dump(server).total(), "the fixed workers leave nothing live");
      server.cancel();
      joinAndForget(threads);
      assertEquals(0, ContextDiagnostics.dump(server).total());
    }
  }

  @Test
  void tourStop() throws Exception {
    String line = new LeakDemo().run();
    assertTrue(line.startsWith("leaky: 100 threads"), line);
    assertTrue(line.contains("100 withCancel @ LeakDemo.startWorkerLeaky(LeakDemo.java:"), line);
  }
}
