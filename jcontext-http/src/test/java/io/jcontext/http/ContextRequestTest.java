package io.jcontext.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcontext.CancellableContext;
import io.jcontext.Context;
import io.jcontext.Key;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The request {@link ContextHttpClient} sends: the caller's request with the context's headers. */
class ContextRequestTest {
  static final Key<String> ID = Key.of("id", String.class);
  static final Key<String> TENANT = Key.of("tenant", String.class);
  static final URI NOWHERE = URI.create("http://127.0.0.1:9/x?y=1");

  final HttpClient jdk = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @Test
  void everythingButTheHeadersIsTheCallersRequest() {
    HttpRequest.BodyPublisher body = HttpRequest.BodyPublishers.ofString("abc");
    HttpRequest request = HttpRequest.newBuilder(NOWHERE).method("PUT", body).timeout(Duration.ofSeconds(7))
        .version(HttpClient.Version.HTTP_2).expectContinue(true).header("Accept", "a").header("Accept", "b").build();
    HttpRequest sent = ContextHttpClient.of(jdk).prepare(Context.background(), request);
    assertEquals("PUT", sent.method());
    assertSame(body, sent.bodyPublisher().orElseThrow());
    assertEquals(NOWHERE, sent.uri());
    assertEquals(Optional.of(Duration.ofSeconds(7)), sent.timeout());
    assertEquals(Optional.of(HttpClient.Version.HTTP_2), sent.version());
    assertTrue(sent.expectContinue());
    assertEquals(List.of("a", "b"), sent.headers().allValues("accept"));
    assertFalse(sent.headers().firstValue(BudgetHeader.NAME).isPresent(), "no deadline, no budget header");
  }

  @Test
  void budgetAndValueHeadersReplaceTheCallersOfAnyCase() {
    HttpRequest request = HttpRequest.newBuilder(NOWHERE).header("request-budget-ms", "999999")
        .header("x-request-id", "forged").header("X-Other", "kept").build();
    try (CancellableContext ctx = Context.background().withTimeout(Duration.ofSeconds(30))) {
      HttpRequest sent = ContextHttpClient.of(jdk).withReserve(Duration.ofSeconds(10))
          .withValues(HeaderValue.ofString(ID, "X-Request-Id"))
          .prepare(ctx.withValue(ID, "r-1"), request);
      List<String> budget = sent.headers().allValues(BudgetHeader.NAME);
      assertEquals(1, budget.size(), budget.toString());
      long ms = Long.parseLong(budget.get(0));
      assertTrue(ms > 10_000 && ms <= 20_000, "budget less reserve: " + ms);
      assertEquals(List.of("r-1"), sent.headers().allValues("X-REQUEST-ID"));
      assertEquals(List.of("kept"), sent.headers().allValues("x-other"));
      assertEquals(3, sent.headers().map().size(), sent.headers().toString());
    }
  }

  @Test
  void anAbsentValueRemovesAForgedHeaderAndSendsNone() {
    HttpRequest request = HttpRequest.newBuilder(NOWHERE).header("X-Request-Id", "forged").build();
    HttpRequest sent = ContextHttpClient.of(jdk).withValues(HeaderValue.ofString(ID, "X-Request-Id"))
        .prepare(Context.background(), request);
    assertEquals(Optional.empty(), sent.headers().firstValue("X-Request-Id"));
    assertTrue(sent.headers().map().isEmpty());
  }

  @Test
  void twoValuesUnderNamesOfDifferentCaseAreBothSent() {
    HttpRequest sent = ContextHttpClient.of(jdk)
        .withValues(HeaderValue.ofString(ID, "X-Tag"), HeaderValue.ofString(TENANT, "x-tag"))
        .prepare(Context.background().withValue(ID, "a").withValue(TENANT, "b"), HttpRequest.newBuilder(NOWHERE).build());
    assertEquals(List.of("a", "b"), sent.headers().allValues("X-Tag"));
  }

  @Test
  void aRequestWithoutHeadersGetsTheBudgetAndTheValuesUnderAnyCase() {
    try (CancellableContext ctx = Context.background().withTimeout(Duration.ofSeconds(30))) {
      HttpRequest sent = ContextHttpClient.of(jdk)
          .withValues(HeaderValue.ofString(ID, "X-Request-Id"), HeaderValue.ofString(TENANT, "X-Tenant"))
          .prepare(ctx.withValue(ID, "r-1").withValue(TENANT, "t"), HttpRequest.newBuilder(NOWHERE).build());
      assertEquals(List.of("r-1"), sent.headers().allValues("x-request-id"));
      assertEquals(List.of("t"), sent.headers().allValues("X-TENANT"));
      assertEquals(1, sent.headers().allValues("REQUEST-BUDGET-MS").size());
      assertEquals(3, sent.headers().map().size(), sent.headers().toString());
    }
  }

  @Test
  void aValueNamedLikeTheBudgetHeaderIsSentBesideTheBudget() {
    try (CancellableContext ctx = Context.background().withTimeout(Duration.ofSeconds(30))) {
      HttpRequest sent = ContextHttpClient.of(jdk).withValues(HeaderValue.ofString(ID, "request-budget-ms"))
          .prepare(ctx.withValue(ID, "7"), HttpRequest.newBuilder(NOWHERE).build());
      List<String> both = sent.headers().allValues(BudgetHeader.NAME);
      assertEquals(2, both.size(), both.toString());
      assertEquals("7", both.get(1));
    }
  }

  @Test
  void aValueThatIsNoHeaderValueIsNotSent() {
    HttpRequest sent = ContextHttpClient.of(jdk).withValues(HeaderValue.ofString(ID, "X-Request-Id"))
        .prepare(Context.background().withValue(ID, "a\r\nInjected: yes"), HttpRequest.newBuilder(NOWHERE).build());
    assertTrue(sent.headers().map().isEmpty(), sent.headers().toString());
  }

  /**
   * The request is no longer built by the JDK's builder, which refused restricted names: the
   * client still refuses them, before connecting, and the helper leaves no interrupt behind.
   */
  @Test
  void aRestrictedHeaderOfTheCallerIsStillRefusedByTheClient() {
    ContextHttpClient helper = ContextHttpClient.of(jdk).withValues(HeaderValue.ofString(ID, "Connection"));
    Context ctx = Context.background().withValue(ID, "close");
    HttpRequest request = HttpRequest.newBuilder(NOWHERE).build();
    assertThrows(IllegalArgumentException.class, () -> helper.send(ctx, request, HttpResponse.BodyHandlers.discarding()));
    assertThrows(IllegalArgumentException.class, () -> helper.sendAsync(ctx, request, HttpResponse.BodyHandlers.discarding()));
    assertFalse(Thread.interrupted(), "no interrupt left behind");
  }
}
