package io.jcontext.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.grpc.Metadata;
import io.jcontext.Context;
import io.jcontext.Key;
import org.junit.jupiter.api.Test;

class MetadataValueTest {
  static final Key<Integer> TENANT = Key.of("tenant", Integer.class);
  static final MetadataValue<Integer> TENANT_HEADER = MetadataValue.of(TENANT, "x-tenant", String::valueOf, Integer::valueOf);

  @Test
  void roundTrip() {
    Metadata headers = new Metadata();
    TENANT_HEADER.write(Context.background().withValue(TENANT, 7), headers);
    assertEquals(7, TENANT_HEADER.read(headers, Context.background()).value(TENANT));
  }

  @Test
  void undecodableOrAbsentEntriesAreDropped() {
    Metadata headers = new Metadata();
    headers.put(Metadata.Key.of("x-tenant", Metadata.ASCII_STRING_MARSHALLER), "seven");
    Context base = Context.background();
    assertSame(base, TENANT_HEADER.read(headers, base));
    assertSame(base, TENANT_HEADER.read(new Metadata(), base));
  }

  @Test
  void unencodableValuesAreNotSent() {
    Key<String> k = Key.of("k", String.class);
    MetadataValue<String> v = MetadataValue.ofString(k, "x-k");
    Metadata headers = new Metadata();
    v.write(Context.background().withValue(k, "line\nbreak"), headers);
    v.write(Context.background().withValue(k, "ünïcode"), headers);
    assertNull(headers.get(Metadata.Key.of("x-k", Metadata.ASCII_STRING_MARSHALLER)));
    MetadataValue<String> failing = MetadataValue.of(k, "x-k", s -> { throw new IllegalStateException(); }, s -> s);
    failing.write(Context.background().withValue(k, "v"), headers);
    assertNull(headers.get(Metadata.Key.of("x-k", Metadata.ASCII_STRING_MARSHALLER)));
  }

  @Test
  void invalidNamesAreRejected() {
    Key<String> k = Key.of("k", String.class);
    assertThrows(IllegalArgumentException.class, () -> MetadataValue.ofString(k, "x-k-bin"));
    assertThrows(IllegalArgumentException.class, () -> MetadataValue.ofString(k, "bad name"));
  }
}
