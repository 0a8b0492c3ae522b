package io.jcontext.samples.propagation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RequestIdPropagationTest {
  private static final List<String> LOG = new CopyOnWriteArrayList<>();
  private static RequestIdPropagation.Topology topology;
  private final HttpClient client = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    topology = new RequestIdPropagation.Topology(LOG::add);
  }

  @AfterAll
  static void stop() throws Exception {
    topology.close();
  }

  @BeforeEach
  void clear() {
    LOG.clear();
  }

  @Test
  void callersIdAppearsInEveryLayer() throws Exception {
    HttpResponse<String> r = client.send(HttpRequest.newBuilder(topology.uri("alice"))
        .header(RequestIdPropagation.HEADER, "req-13").build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode());
    assertEquals("ALICE", r.body());
    assertEquals("req-13", r.headers().firstValue(RequestIdPropagation.HEADER).orElseThrow());
    assertEquals(List.of("http          request-id=req-13", "grpc-frontend request-id=req-13",
        "grpc-backend  request-id=req-13"), LOG);
  }

  @Test
  void edgeMintsOneIdWhenTheCallerSentNone() throws Exception {
    HttpResponse<String> r = client.send(HttpRequest.newBuilder(topology.uri("bob")).build(),
        HttpResponse.BodyHandlers.ofString());
    String minted = r.headers().firstValue(RequestIdPropagation.HEADER).orElseThrow();
    assertTrue(minted.matches("[0-9a-f]{16}"), minted);
    assertEquals(3, LOG.size());
    assertTrue(LOG.stream().allMatch(l -> l.endsWith("request-id=" + minted)), LOG.toString());
  }

  @Test
  void concurrentRequestsKeepTheirOwnIds() throws Exception {
    List<java.util.concurrent.CompletableFuture<HttpResponse<String>>> calls = new java.util.ArrayList<>();
    for (int i = 0; i < 8; i++) {
      calls.add(client.sendAsync(HttpRequest.newBuilder(topology.uri("n" + i))
          .header(RequestIdPropagation.HEADER, "id-" + i).build(), HttpResponse.BodyHandlers.ofString()));
    }
    for (var c : calls) {
      assertEquals(200, c.get().statusCode());
    }
    assertEquals(24, LOG.size());
    for (int i = 0; i < 8; i++) {
      String id = "id-" + i;
      assertEquals(3, LOG.stream().filter(l -> l.endsWith("request-id=" + id)).count(), id);
    }
  }
}
