package io.jcontext;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Keeps the public API visible in review: the public types and members of the core are listed in
 * {@code java-core/api/jcontext-core.api}, and this test fails when they change without that file
 * changing too. After an intended change, regenerate it with
 * {@code mvn -pl java-core test -Dtest=PublicApiTest -Djcontext.updateApi=true} and commit it.
 */
class PublicApiTest {
  private static final Path API_FILE = Paths.get("api", "jcontext-core.api");

  @Test
  void publicApiMatchesTheCommittedDump() throws Exception {
    String actual = dump();
    if (Boolean.getBoolean("jcontext.updateApi")) {
      Files.createDirectories(API_FILE.getParent());
      Files.writeString(API_FILE, actual, StandardCharsets.UTF_8);
    }
    String expected = Files.exists(API_FILE) ? Files.readString(API_FILE, StandardCharsets.UTF_8) : "";
    assertEquals(expected, actual, "The public API changed: review it, then regenerate " + API_FILE
        + " with -Djcontext.updateApi=true and commit it");
  }

  private static String dump() throws IOException, URISyntaxException, ClassNotFoundException {
    Path classes = Paths.get(Context.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    List<String> names;
    try (Stream<Path> files = Files.walk(classes)) {
      names = files.map(p -> classes.relativize(p).toString())
          .filter(n -> n.endsWith(".class") && !n.contains("$") && !n.endsWith("package-info.class"))
          .map(n -> n.substring(0, n.length() - ".class".length()).replace('/', '.').replace('\\', '.'))
          .sorted()
          .collect(Collectors.toList());
    }
    StringBuilder out = new StringBuilder();
    for (String name : names) {
      Class<?> c = Class.forName(name, false, PublicApiTest.class.getClassLoader());
      appendType(out, c);
    }
    return out.toString();
  }

  private static void appendType(StringBuilder out, Class<?> c) {
    if (!Modifier.isPublic(c.getModifiers())) {
      return;
    }
    // JDK 17 prints no "sealed"/"non-sealed" in toGenericString() and later JDKs do: leave them out
    // so that one committed dump serves every JDK.
    out.append(c.toGenericString().replace("non-sealed ", "").replace("sealed ", ""));
    if (c.getGenericSuperclass() != null && c.getSuperclass() != Object.class) {
      out.append(" extends ").append(c.getGenericSuperclass().getTypeName());
    }
    for (java.lang.reflect.Type i : c.getGenericInterfaces()) {
      out.append(c.isInterface() ? " extends " : " implements ").append(i.getTypeName());
    }
    out.append(" {\n");
    List<String> members = new ArrayList<>();
    for (Field f : c.getDeclaredFields()) {
      if (exposed(f.getModifiers()) && !f.isSynthetic()) {
        members.add(f.toGenericString());
      }
    }
    for (Constructor<?> k : c.getDeclaredConstructors()) {
      if (exposed(k.getModifiers()) && !k.isSynthetic()) {
        members.add(k.toGenericString());
      }
    }
    for (Method m : c.getDeclaredMethods()) {
      if (exposed(m.getModifiers()) && !m.isSynthetic() && !m.isBridge()) {
        members.add(m.toGenericString());
      }
    }
    members.stream().sorted().forEach(m -> out.append("  ").append(m).append('\n'));
    out.append("}\n");
    for (Class<?> nested : c.getDeclaredClasses()) {
      appendType(out, nested);
    }
  }

  private static boolean exposed(int modifiers) {
    return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
  }
}
