package io.jcontext.samples.values;

import io.jcontext.CancellableContext;
import io.jcontext.Context;
import io.jcontext.Key;
import io.jcontext.grpc.MetadataValue;
import io.jcontext.http.HeaderValue;
import io.jcontext.samples.Sample;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Seed 004, task 3: a request id carried by the context under a key private to this class.
 *
 * <p>Go makes the key private with an unexported type; jcontext keys are compared by identity, so
 * a {@code private static final Key} is private to this class: another {@code Key.of("requestId")}
 * anywhere else is a different key and cannot read or shadow this one. The key is typed, so
 * {@link #requestId} needs no cast, and checked, so a wrong value type fails at the write.
 */
public final class RequestIds implements Sample {

  private static final Key<String> REQUEST_ID = Key.of("requestId", String.class);

  /** The id travels over HTTP in this header (jcontext-http); the key stays private. */
  public static final HeaderValue<String> HEADER = HeaderValue.ofString(REQUEST_ID, "X-Request-ID");

  /** The id travels over gRPC in this metadata entry (jcontext-grpc); the key stays private. */
  public static final MetadataValue<String> METADATA = MetadataValue.ofString(REQUEST_ID, "x-request-id");

  /** Returns a child of {@code ctx} carrying {@code id}. */
  public static Context withRequestId(Context ctx, String id) {
    return ctx.withValue(REQUEST_ID, Objects.requireNonNull(id, "id"));
  }

  /** Returns the request id in {@code ctx}, or empty if none was set on the way to the root. */
  public static Optional<String> requestId(Context ctx) {
    return Optional.ofNullable(ctx.value(REQUEST_ID));
  }

  @Override
  public String id() {
    return "004-03";
  }

  @Override
  public String title() {
    return "request id under a typed private key";
  }

  @Override
  public String run() {
    Context ctx1 = withRequestId(Context.background(), "abc");
    try (CancellableContext ctx2 = ctx1.withTimeout(Duration.ofSeconds(1))) {
      Context ctx3 = ctx2.withCancel().withValue(Key.of("requestId"), "impostor").withoutCancel();
      String seen = requestId(ctx3).orElseThrow();
      if (!seen.equals("abc") || requestId(Context.background()).isPresent()) {
        throw new IllegalStateException("request id lost or leaked: " + seen);
      }
      return "id 'abc' read back through withTimeout/withCancel/withoutCancel; "
          + "a foreign key named 'requestId' did not shadow it; absent at the root";
    }
  }
}
