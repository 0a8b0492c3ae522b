package io.jcontext.samples.values;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcontext.Context;
import io.jcontext.samples.http.ContextHttpServer;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AuthMiddlewareTest {
  private final HttpClient client = HttpClient.newHttpClient();
  private final AtomicInteger protectedCalls = new AtomicInteger();
  private final AtomicInteger openCalls = new AtomicInteger();
  private ContextHttpServer server;

  @BeforeEach
  void start() throws Exception {
    server = ContextHttpServer.start(Context.background(), Map.of(
        "/me", AuthMiddleware.authenticate(AuthMiddleware::demoVerify, AuthMiddleware.whoAmI(protectedCalls)),
        "/open", AuthMiddleware.whoAmI(openCalls)));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private HttpResponse<String> get(String path, String authorization) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(server.uri(path));
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void validTokenReachesHandlerWithClaims() throws Exception {
    HttpResponse<String> r = get("/me", "Bearer token-u-1");
    assertEquals(200, r.statusCode());
    assertEquals("u-1", r.body());
    assertEquals(1, protectedCalls.get());
  }

  @Test
  void withoutMiddlewareThereAreNoClaims() throws Exception {
    HttpResponse<String> r = get("/open", "Bearer token-u-1");
    assertEquals("anonymous", r.body());
    assertEquals(Optional.empty(), AuthMiddleware.current(Context.background()));
  }

  @Test
  void badRequestsNeverReachTheHandler() throws Exception {
    for (String auth : new String[] {null, "Basic Z2FyYmFnZQ==", "Bearer ", "Bearer nonsense", "garbage"}) {
      HttpResponse<String> r = get("/me", auth);
      assertEquals(401, r.statusCode(), "Authorization: " + auth);
    }
    assertEquals(0, protectedCalls.get(), "the handler chain never saw an unauthenticated request");
  }

  @Test
  void claimsAreCopiedAndTyped() throws Exception {
    AuthMiddleware.Claims c = AuthMiddleware.demoVerify("token-bob");
    assertEquals(new AuthMiddleware.Claims("bob", List.of("read")), c);
  }

  @Test
  void tourStop() throws Exception {
    assertTrue(new AuthMiddleware().run().startsWith("valid token -> 200 'u-1'"));
  }
}
