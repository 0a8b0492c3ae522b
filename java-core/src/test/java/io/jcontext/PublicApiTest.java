package io.jcontext;

import io.jcontext.apiguard.ApiDump;
import org.junit.jupiter.api.Test;

/**
 * Keeps the public API visible in review: the public types and members of the core, with their
 * nullness annotations, are listed in {@code java-core/api/jcontext-core.api}, and this test fails
 * when they change without that file changing too. After an intended change, regenerate it with
 * {@code mvn -pl java-core -am test -Dtest=PublicApiTest -Dsurefire.failIfNoSpecifiedTests=false
 * -Djcontext.updateApi=true}, review the diff and commit it.
 */
class PublicApiTest {
  @Test
  void publicApiMatchesTheCommittedDump() {
    ApiDump.check("jcontext-core", Context.class);
  }
}
