/**
 * jcontext for HTTP: the JDK {@code HttpClient} with a budget header and abort on cancellation,
 * and request contexts for the JDK {@code HttpServer} and Jakarta Servlet containers.
 */
module io.jcontext.http {
  requires transitive io.jcontext;
  requires transitive java.net.http;
  requires transitive jdk.httpserver;
  requires static transitive jakarta.servlet;
  requires static transitive org.jspecify;

  exports io.jcontext.http;
}
