package io.jcontext.grpc;

import io.grpc.Metadata;
import io.jcontext.Key;
import java.util.Objects;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Declares that the value of a context {@link Key} travels with gRPC calls, as one ASCII
 * metadata entry, and how it is written and read. Register it on both interceptors:
 * {@link ContextClientInterceptor#withValues} encodes the caller context's value into the
 * outgoing headers; {@link ContextServerInterceptor#withValues} decodes it into the served
 * call's context.
 *
 * <pre>{@code
 * static final Key<String> REQUEST_ID = Key.of("requestId", String.class);
 * static final MetadataValue<String> REQUEST_ID_HEADER = MetadataValue.ofString(REQUEST_ID, "x-request-id");
 * }</pre>
 *
 * <p>A {@code null} value is not sent. A value whose encoding fails or is not printable ASCII is
 * not sent; an entry whose decoding fails or returns {@code null} is dropped: metadata from the
 * network never makes a call fail here. Instances are immutable and thread-safe; the codec
 * functions must be too.
 *
 * @param <T> the type of the key's values
 */
public final class MetadataValue<T> {
  private final Key<T> key;
  private final Metadata.Key<String> header;
  private final Function<? super T, @Nullable String> encoder;
  private final Function<String, ? extends @Nullable T> decoder;

  private MetadataValue(Key<T> key, String name, Function<? super T, @Nullable String> encoder,
      Function<String, ? extends @Nullable T> decoder) {
    this.key = Objects.requireNonNull(key, "key");
    this.header = Metadata.Key.of(Objects.requireNonNull(name, "name"), Metadata.ASCII_STRING_MARSHALLER);
    this.encoder = Objects.requireNonNull(encoder, "encoder");
    this.decoder = Objects.requireNonNull(decoder, "decoder");
  }

  /**
   * Declares {@code key} as travelling under the metadata name {@code name}, written by
   * {@code encoder} and read by {@code decoder}.
   *
   * @throws IllegalArgumentException if {@code name} is not a valid ASCII metadata name (for
   *     instance it ends in {@code -bin} or has upper-case letters)
   */
  public static <T> MetadataValue<T> of(Key<T> key, String name, Function<? super T, @Nullable String> encoder,
      Function<String, ? extends @Nullable T> decoder) {
    return new MetadataValue<>(key, name, encoder, decoder);
  }

  /** Declares a string-valued {@code key} as travelling unchanged under {@code name}. */
  public static MetadataValue<String> ofString(Key<String> key, String name) {
    return new MetadataValue<>(key, name, Function.identity(), Function.identity());
  }

  /** Returns the context key. */
  public Key<T> key() {
    return key;
  }

  /** Returns the metadata name. */
  public String name() {
    return header.name();
  }

  /** Writes the value of {@code ctx} into {@code headers}, if it has one that encodes. */
  void write(io.jcontext.Context ctx, Metadata headers) {
    T value = ctx.value(key);
    if (value == null) {
      return;
    }
    String text;
    try {
      text = encoder.apply(value);
    } catch (RuntimeException e) {
      return;
    }
    if (text != null && isPrintableAscii(text)) {
      headers.discardAll(header);
      headers.put(header, text);
    }
  }

  /** Returns {@code ctx} with the decoded value of {@code headers} bound, or {@code ctx} itself. */
  io.jcontext.Context read(Metadata headers, io.jcontext.Context ctx) {
    String text;
    T value;
    try {
      text = headers.get(header);
      if (text == null) {
        return ctx;
      }
      value = decoder.apply(text);
    } catch (RuntimeException e) {
      return ctx;
    }
    if (value == null) {
      return ctx;
    }
    try {
      return ctx.withValue(key, value);
    } catch (ClassCastException e) {
      return ctx;
    }
  }

  static boolean isPrintableAscii(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c > 0x7e) {
        return false;
      }
    }
    return true;
  }

  @Override
  public String toString() {
    return key.name() + "<->" + header.name();
  }
}
