package io.jcontext;

import java.security.CodeSource;
import java.util.Objects;

/** Records the creation site of a context: the caller's stack, the library's own frames left out. */
final class Sites {
  /** Most frames kept per site. */
  static final int MAX_FRAMES = 16;

  private static final StackWalker WALKER =
      StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);

  /** Whether a class is part of this library's core (its module, or its jar on the class path). */
  private static final ClassValue<Boolean> LIBRARY = new ClassValue<>() {
    @Override
    protected Boolean computeValue(Class<?> type) {
      Module core = Sites.class.getModule();
      if (core.isNamed()) {
        return type.getModule() == core;
      }
      return type.getName().startsWith("io.jcontext.") && sameJar(type, Sites.class);
    }
  };

  private Sites() {}

  /** Returns the current stack from the first frame outside the library, at most {@link #MAX_FRAMES}. */
  static StackTraceElement[] capture() {
    return WALKER.walk(frames -> frames
        .dropWhile(f -> LIBRARY.get(f.getDeclaringClass()))
        .limit(MAX_FRAMES)
        .map(StackWalker.StackFrame::toStackTraceElement)
        .toArray(StackTraceElement[]::new));
  }

  private static boolean sameJar(Class<?> a, Class<?> b) {
    return Objects.equals(location(a), location(b));
  }

  private static Object location(Class<?> c) {
    CodeSource cs = c.getProtectionDomain().getCodeSource();
    return cs == null ? null : cs.getLocation();
  }
}
