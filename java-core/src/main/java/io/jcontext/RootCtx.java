package io.jcontext;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** {@link Context#background()}, {@link Context#todo()} and roots with their own clock. */
final class RootCtx extends NeverDoneCtx {
  static final RootCtx BACKGROUND = new RootCtx("background", Clock.system());
  static final RootCtx TODO = new RootCtx("todo", Clock.system());

  final String name;

  RootCtx(String name, Clock clock) {
    super(clock);
    this.name = name;
  }

  @Override
  public <T> @Nullable T value(Key<T> key) {
    Objects.requireNonNull(key, "key");
    return null;
  }
}
