package io.jcontext.samples.grpc;

import io.grpc.MethodDescriptor;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Marshals a {@code String} as UTF-8 bytes, so the samples need no generated protobuf code. */
public final class Utf8Marshaller implements MethodDescriptor.Marshaller<String> {
  /** The only instance. */
  public static final Utf8Marshaller INSTANCE = new Utf8Marshaller();

  private Utf8Marshaller() {}

  @Override
  public InputStream stream(String value) {
    return new ByteArrayInputStream(value.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public String parse(InputStream stream) {
    try (stream) {
      return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A unary method {@code fullName} ("service/method") taking and returning a string. */
  public static MethodDescriptor<String, String> unary(String fullName) {
    return MethodDescriptor.<String, String>newBuilder()
        .setType(MethodDescriptor.MethodType.UNARY)
        .setFullMethodName(fullName)
        .setRequestMarshaller(INSTANCE)
        .setResponseMarshaller(INSTANCE)
        .build();
  }
}
