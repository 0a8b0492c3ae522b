package io.jcontext.kotlin.release

import io.jcontext.apiguard.ApiDump
import io.jcontext.kotlin.ContextElement
import org.junit.jupiter.api.Test

/**
 * The bridge's public API, in Kotlin terms (nullability, defaults, `suspend`) and as JVM
 * signatures, must equal `kotlin-bridge/api/jcontext-kotlin.api`. After an intended change:
 * `mvn -pl kotlin-bridge -am test -Dtest=PublicApiTest -Dsurefire.failIfNoSpecifiedTests=false
 * -Djcontext.updateApi=true`, review the diff and commit it.
 */
class PublicApiTest {
  @Test
  fun publicApiMatchesTheCommittedDump() {
    ApiDump.check("jcontext-kotlin", ContextElement::class.java)
  }
}
