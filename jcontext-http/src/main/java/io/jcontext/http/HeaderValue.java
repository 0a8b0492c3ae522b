package io.jcontext.http;

import io.jcontext.Context;
import io.jcontext.Key;
import java.util.Objects;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Declares that the value of a context {@link Key} travels with HTTP requests as one header, and
 * how it is written and read. Register it on the client ({@link ContextHttpClient#withValues})
 * and on the server filter ({@link ContextHttpFilter#withValues},
 * {@link ContextServletFilter#withValues}).
 *
 * <pre>{@code
 * static final Key<String> REQUEST_ID = Key.of("requestId", String.class);
 * static final HeaderValue<String> REQUEST_ID_HEADER = HeaderValue.ofString(REQUEST_ID, "X-Request-Id");
 * }</pre>
 *
 * <p>A {@code null} value is not sent, nor one whose encoding fails or is not printable ASCII; a
 * header whose decoding fails or gives {@code null} is dropped, as is a value longer than
 * {@link #MAX_LENGTH}: headers from the network never fail a request here. Immutable and
 * thread-safe; the codec functions must be too.
 *
 * @param <T> the type of the key's values
 */
public final class HeaderValue<T> {
  /** The longest header value read or written, in characters. */
  public static final int MAX_LENGTH = 1024;

  private final Key<T> key;
  private final String name;
  private final Function<? super T, String> encoder;
  private final Function<String, ? extends @Nullable T> decoder;

  private HeaderValue(Key<T> key, String name, Function<? super T, @Nullable String> encoder,
      Function<String, ? extends @Nullable T> decoder) {
    this.key = Objects.requireNonNull(key, "key");
    this.name = Objects.requireNonNull(name, "name");
    if (name.isEmpty() || !isToken(name)) {
      throw new IllegalArgumentException("not an HTTP header name: " + name);
    }
    this.encoder = Objects.requireNonNull(encoder, "encoder");
    this.decoder = Objects.requireNonNull(decoder, "decoder");
  }

  /**
   * Declares {@code key} as travelling in the header {@code name}.
   *
   * @throws IllegalArgumentException if {@code name} is not a valid header name
   */
  public static <T> HeaderValue<T> of(Key<T> key, String name, Function<? super T, @Nullable String> encoder,
      Function<String, ? extends @Nullable T> decoder) {
    return new HeaderValue<>(key, name, encoder, decoder);
  }

  /** Declares a string-valued {@code key} as travelling unchanged in the header {@code name}. */
  public static HeaderValue<String> ofString(Key<String> key, String name) {
    return new HeaderValue<>(key, name, Function.identity(), Function.identity());
  }

  /** Returns the context key. */
  public Key<T> key() {
    return key;
  }

  /** Returns the header name. */
  public String name() {
    return name;
  }

  /** Returns the header value for {@code ctx}'s value, or {@code null} if none is to be sent. */
  String encode(Context ctx) {
    T value = ctx.value(key);
    if (value == null) {
      return null;
    }
    try {
      String text = encoder.apply(value);
      return text != null && text.length() <= MAX_LENGTH && isPrintableAscii(text) ? text : null;
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** Returns {@code ctx} with the value of {@code text} bound, or {@code ctx} if it does not decode. */
  Context decode(String text, Context ctx) {
    if (text == null || text.length() > MAX_LENGTH) {
      return ctx;
    }
    try {
      T value = decoder.apply(text);
      return value == null ? ctx : ctx.withValue(key, value);
    } catch (RuntimeException e) {
      return ctx;
    }
  }

  private static boolean isPrintableAscii(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c > 0x7e) {
        return false;
      }
    }
    return true;
  }

  private static boolean isToken(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c <= 0x20 || c >= 0x7f || "()<>@,;:\\\"/[]?={}".indexOf(c) >= 0) {
        return false;
      }
    }
    return true;
  }

  @Override
  public String toString() {
    return key.name() + "<->" + name;
  }
}
