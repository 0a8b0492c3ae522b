package io.jcontext.samples.values;

import io.jcontext.Context;
import io.jcontext.Key;
import io.jcontext.samples.Sample;

/**
 * Seed 004, task 18: Go's {@code WithValue(ctx, any, any)} critiqued, and what typed keys change.
 *
 * <p><b>The critique.</b> (1) Type erasure: any key, any value, and a type assertion at every
 * read; a wrong type is found far from the write that caused it, if at all. (2) Collisions: a
 * built-in key type ({@code "user"}) is shared by every package that picked the same string;
 * discipline (unexported key types, {@code go vet}) is the only guard. (3) Lookup is a walk up
 * the chain, O(depth), on every read. (4) The "bag of anything" invites magic globals (database
 * handles, loggers, mutable counters: see task 17) that hide a function's real dependencies, and
 * a context cannot list what it carries, which makes debugging harder.
 *
 * <p><b>What jcontext does.</b> {@link Key Key&lt;T&gt;} is the typed slot the seed sketches:
 * {@link Context#value(Key)} returns a {@code T} with no cast; keys compare by identity, so a
 * key is private to whoever holds the constant and two keys named alike never collide
 * (complaint 2 is impossible, not merely discouraged); a key made with
 * {@code Key.of(name, type)} checks the value at {@code withValue}, so a wrong type fails at the
 * writer (complaint 1). Keys have names, so a context's bindings print readably. Lookup is still
 * a walk (complaint 3): values are an immutable chain because a mutable map would contradict the
 * immutable tree; the remedy is to read a value once at the boundary and pass it on as a
 * parameter. Complaint 4 is cultural; typed, findable key constants at least make each use
 * searchable. An unchecked {@code Key.of(name)} behaves like Go's {@code any} (still
 * collision-free) and is shown here for contrast.
 */
public final class TypedKeys implements Sample {

  /** A checked, typed key. */
  public static final Key<Integer> TENANT_ID = Key.of("tenantId", Integer.class);

  /** An unchecked key: values are not checked at the write (Go's {@code any}). */
  public static final Key<Object> LOOSE_TENANT = Key.of("tenantId");

  /** Reads the tenant id with no cast. */
  public static Integer tenantId(Context ctx) {
    return ctx.value(TENANT_ID);
  }

  /** Reads the loosely-keyed tenant id the Go way: a cast at the reader. */
  public static int looseTenantId(Context ctx) {
    return (Integer) ctx.value(LOOSE_TENANT); // ClassCastException here, far from the bad write
  }

  /**
   * Binds {@code value} under the typed key through an unchecked (raw) call, as code that defeats
   * the compiler would; the key's type check still rejects it at this write.
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public static Context bindUnchecked(Context ctx, Key key, Object value) {
    return ctx.withValue(key, value);
  }

  @Override
  public String id() {
    return "004-18";
  }

  @Override
  public String title() {
    return "typed keys vs untyped values";
  }

  @Override
  public String run() {
    Context ctx = Context.background().withValue(TENANT_ID, 42)
        .withValue(Key.of("tenantId", Integer.class), 7); // same name, different key
    String typedWrite;
    try {
      bindUnchecked(ctx, TENANT_ID, "forty-two");
      typedWrite = "accepted";
    } catch (ClassCastException e) {
      typedWrite = "rejected at the write";
    }
    Context loose = Context.background().withValue(LOOSE_TENANT, "forty-two");
    String looseRead;
    try {
      looseTenantId(loose);
      looseRead = "read fine";
    } catch (ClassCastException e) {
      looseRead = "failed only at the read";
    }
    if (tenantId(ctx) != 42 || !typedWrite.startsWith("rejected") || !looseRead.startsWith("failed")) {
      throw new IllegalStateException("typed keys misbehaved");
    }
    return "typed key reads 42 despite a same-named key binding 7; wrong type under checked key: "
        + typedWrite + "; under unchecked key: " + looseRead;
  }
}
