package io.jcontext.samples.values;

import io.jcontext.Context;
import io.jcontext.Key;
import io.jcontext.samples.Sample;
import io.jcontext.samples.http.ContextHttpServer;
import io.jcontext.samples.http.CtxHandler;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Seed 004, task 10: middleware for the JDK {@code HttpServer} that checks a Bearer token and
 * hands the verified claims to the next handler in the request context.
 *
 * <p>Failures (no header, another scheme, an empty or invalid token) are answered 401 at the
 * boundary; the next handler never sees an unauthenticated request. The claims travel under a
 * key private to this class; handlers read them with {@link #current(Context)}.
 */
public final class AuthMiddleware implements Sample {

  /** What a verified token says about its bearer. */
  public record Claims(String userId, List<String> scopes) {
    /** Copies the scopes. */
    public Claims {
      Objects.requireNonNull(userId, "userId");
      scopes = List.copyOf(scopes);
    }
  }

  /** Checks a token; throws to reject it. */
  @FunctionalInterface
  public interface Verifier {
    /** Returns the claims of a valid token. */
    Claims verify(String token) throws InvalidTokenException;
  }

  /** A token that does not verify. */
  public static final class InvalidTokenException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Creates the exception. */
    public InvalidTokenException(String message) {
      super(message);
    }
  }

  private static final Key<Claims> CLAIMS = Key.of("authClaims", Claims.class);

  /** Returns the middleware: {@code next} runs only for requests with a valid Bearer token. */
  public static CtxHandler authenticate(Verifier verifier, CtxHandler next) {
    Objects.requireNonNull(verifier, "verifier");
    Objects.requireNonNull(next, "next");
    return (ctx, ex) -> {
      String header = ex.getRequestHeaders().getFirst("Authorization");
      if (header == null) {
        ContextHttpServer.respond(ex, 401, "missing Authorization");
        return;
      }
      if (!header.startsWith("Bearer ") || header.length() == "Bearer ".length()) {
        ContextHttpServer.respond(ex, 401, "expected Bearer token");
        return;
      }
      Claims claims;
      try {
        claims = verifier.verify(header.substring("Bearer ".length()));
      } catch (InvalidTokenException e) {
        ContextHttpServer.respond(ex, 401, "invalid token");
        return;
      }
      next.handle(ctx.withValue(CLAIMS, claims), ex); // derive; never mutate the caller's ctx
    };
  }

  /** Returns the claims the middleware put in {@code ctx}, or empty if it did not run. */
  public static Optional<Claims> current(Context ctx) {
    return Optional.ofNullable(ctx.value(CLAIMS));
  }

  /** The sample's token check: {@code token-<user>} is valid, anything else is not. */
  public static Claims demoVerify(String token) throws InvalidTokenException {
    if (!token.startsWith("token-") || token.length() == "token-".length()) {
      throw new InvalidTokenException("unknown token");
    }
    return new Claims(token.substring("token-".length()), List.of("read"));
  }

  /** A handler that answers with the user id from the claims, or "anonymous". */
  public static CtxHandler whoAmI(AtomicInteger calls) {
    return (ctx, ex) -> {
      calls.incrementAndGet();
      ContextHttpServer.respond(ex, 200, current(ctx).map(Claims::userId).orElse("anonymous"));
    };
  }

  @Override
  public String id() {
    return "004-10";
  }

  @Override
  public String title() {
    return "auth-claims middleware on HttpServer";
  }

  @Override
  public String run() throws Exception {
    AtomicInteger protectedCalls = new AtomicInteger();
    AtomicInteger openCalls = new AtomicInteger();
    HttpClient client = HttpClient.newHttpClient();
    try (ContextHttpServer server = ContextHttpServer.start(Context.background(), Map.of(
        "/me", authenticate(AuthMiddleware::demoVerify, whoAmI(protectedCalls)),
        "/open", whoAmI(openCalls)))) {
      HttpResponse<String> ok = client.send(HttpRequest.newBuilder(server.uri("/me"))
          .header("Authorization", "Bearer token-u-1").build(), HttpResponse.BodyHandlers.ofString());
      HttpResponse<String> garbage = client.send(HttpRequest.newBuilder(server.uri("/me"))
          .header("Authorization", "Basic Z2FyYmFnZQ==").build(), HttpResponse.BodyHandlers.ofString());
      HttpResponse<String> open = client.send(HttpRequest.newBuilder(server.uri("/open")).build(),
          HttpResponse.BodyHandlers.ofString());
      if (ok.statusCode() != 200 || !ok.body().equals("u-1") || garbage.statusCode() != 401
          || protectedCalls.get() != 1 || !open.body().equals("anonymous")) {
        throw new IllegalStateException("middleware misbehaved");
      }
      return "valid token -> 200 '" + ok.body() + "'; garbage -> " + garbage.statusCode()
          + " (handler calls: " + protectedCalls.get() + "); no middleware -> '" + open.body() + "'";
    }
  }
}
