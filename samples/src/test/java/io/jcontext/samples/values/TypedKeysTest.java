package io.jcontext.samples.values;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcontext.Context;
import io.jcontext.Key;
import org.junit.jupiter.api.Test;

class TypedKeysTest {

  @Test
  void typedReadNeedsNoCast() {
    Integer id = TypedKeys.tenantId(Context.background().withValue(TypedKeys.TENANT_ID, 42));
    assertEquals(42, id);
  }

  @Test
  void sameNameIsNotTheSameKey() {
    Key<Integer> other = Key.of(TypedKeys.TENANT_ID.name(), Integer.class);
    Context ctx = Context.background().withValue(other, 7);
    assertNull(TypedKeys.tenantId(ctx), "a key is its identity, not its name");
    assertEquals(42, TypedKeys.tenantId(ctx.withValue(TypedKeys.TENANT_ID, 42).withValue(other, 8)));
  }

  @Test
  void checkedKeyRejectsWrongTypeAtTheWrite() {
    Context ctx = Context.background();
    ClassCastException e = assertThrows(ClassCastException.class,
        () -> TypedKeys.bindUnchecked(ctx, TypedKeys.TENANT_ID, "forty-two"));
    assertTrue(e.getMessage().contains("tenantId"), e.getMessage());
  }

  @Test
  void uncheckedKeyFailsOnlyAtTheRead() {
    Context ctx = Context.background().withValue(TypedKeys.LOOSE_TENANT, "forty-two"); // accepted
    assertThrows(ClassCastException.class, () -> TypedKeys.looseTenantId(ctx));
  }

  @Test
  void tourStop() {
    assertTrue(new TypedKeys().run().contains("rejected at the write"));
  }
}
