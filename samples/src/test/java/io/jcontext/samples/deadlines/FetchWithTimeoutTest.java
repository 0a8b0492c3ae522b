package io.jcontext.samples.deadlines;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcontext.CancellableContext;
import io.jcontext.ContextCancelledException;
import io.jcontext.DeadlineExceededException;
import io.jcontext.samples.Go;
import io.jcontext.testing.VirtualClock;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FetchWithTimeoutTest {
  private static final Duration LIVENESS = Duration.ofSeconds(10);
  private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private FetchWithTimeout.SlowServer server;

  @BeforeEach
  void start() throws Exception {
    server = new FetchWithTimeout.SlowServer();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void fastEndpointReturnsBodyAndReleasesTheTimer() throws Exception {
    VirtualClock clock = new VirtualClock();
    byte[] body = FetchWithTimeout.fetch(clock.background(), client, server.uri("/fast"), Duration.ofSeconds(5));
    assertArrayEquals("hello".getBytes(StandardCharsets.UTF_8), body);
    assertEquals(0, clock.pendingTimers(), "the timeout was cancelled on the success path");
  }

  @Test
  void timeoutGivesDeadlineExceededAndClosesTheConnection() throws Exception {
    VirtualClock clock = new VirtualClock();
    Go<byte[]> fetch = Go.start("fetch",
        () -> FetchWithTimeout.fetch(clock.background(), client, server.uri("/slow"), Duration.ofMillis(100)));
    assertTrue(server.awaitSlowRequest(LIVENESS));
    assertTrue(clock.awaitPendingTimers(1, LIVENESS));
    clock.advance(Duration.ofMillis(99));
    assertFalse(fetch.isFinished(), "nothing before the deadline");
    clock.advance(Duration.ofMillis(1));
    Throwable failure = fetch.failure(LIVENESS);
    DeadlineExceededException e = assertInstanceOf(DeadlineExceededException.class, failure);
    assertTrue(e.isTimeout());
    // The slow server's next write fails: the client really closed the TCP connection.
    String serverSide = server.clientGone().get(LIVENESS.toSeconds(), TimeUnit.SECONDS);
    assertTrue(serverSide.startsWith("connection closed by client"), serverSide);
  }

  @Test
  void parentCancellationAbortsTooWithItsOwnError() throws Exception {
    CancellableContext parent = new VirtualClock().background().withCancel();
    Go<byte[]> fetch = Go.start("fetch",
        () -> FetchWithTimeout.fetch(parent, client, server.uri("/slow"), Duration.ofSeconds(30)));
    assertTrue(server.awaitSlowRequest(LIVENESS));
    parent.cancel(new IllegalStateException("shutdown"));
    ContextCancelledException e = assertInstanceOf(ContextCancelledException.class, fetch.failure(LIVENESS));
    assertSame(parent.cause(), e.getCause());
    assertTrue(server.clientGone().get(LIVENESS.toSeconds(), TimeUnit.SECONDS).startsWith("connection closed"));
  }
}
