package io.jcontext.http;

import io.jcontext.apiguard.ApiDump;
import org.junit.jupiter.api.Test;

/**
 * Keeps this module's public API visible in review ({@code api/jcontext-http.api}); after an intended
 * change, regenerate it with {@code mvn -pl jcontext-http -am test -Dtest=PublicApiTest
 * -Dsurefire.failIfNoSpecifiedTests=false -Djcontext.updateApi=true} and commit it.
 */
class PublicApiTest {
  @Test
  void publicApiMatchesTheCommittedDump() {
    ApiDump.check("jcontext-http", ContextHttpClient.class);
  }
}
