/**
 * jcontext for JUnit 5: {@code @InBubble} runs a test method in a bubble of virtual time.
 */
module io.jcontext.junit5 {
  requires transitive io.jcontext;
  requires transitive org.junit.jupiter.api;
  requires static transitive org.jspecify;

  exports io.jcontext.junit5;
}
