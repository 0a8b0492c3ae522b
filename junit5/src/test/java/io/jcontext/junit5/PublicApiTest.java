package io.jcontext.junit5;

import io.jcontext.apiguard.ApiDump;
import org.junit.jupiter.api.Test;

/**
 * Keeps this module's public API visible in review ({@code api/jcontext-junit5.api}); after an intended
 * change, regenerate it with {@code mvn -pl junit5 -am test -Dtest=PublicApiTest
 * -Dsurefire.failIfNoSpecifiedTests=false -Djcontext.updateApi=true} and commit it.
 */
class PublicApiTest {
  @Test
  void publicApiMatchesTheCommittedDump() {
    ApiDump.check("jcontext-junit5", InBubble.class);
  }
}
