package io.jcontext;

import io.jcontext.diagnostics.DerivationTrace;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** The immutable {@link DerivationTrace} of the diagnostics engine. */
final class Trace implements DerivationTrace {
  private final List<Step> steps;

  Trace(List<Step> steps) {
    this.steps = steps;
  }

  @Override
  public List<Step> steps() {
    return steps;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    for (Step s : steps) {
      sb.append(s).append('\n');
    }
    return sb.toString();
  }

  static final class StepImpl implements Step {
    private final String kind;
    private final List<StackTraceElement> site;
    private final @Nullable Duration age;
    private final boolean done;

    StepImpl(String kind, List<StackTraceElement> site, @Nullable Duration age, boolean done) {
      this.kind = kind;
      this.site = site;
      this.age = age;
      this.done = done;
    }

    @Override
    public String kind() {
      return kind;
    }

    @Override
    public List<StackTraceElement> site() {
      return site;
    }

    @Override
    public @Nullable Duration age() {
      return age;
    }

    @Override
    public boolean done() {
      return done;
    }

    /** {@code withCancel (done) age 1.5s at com.example.Server.handle(Server.java:42)}. */
    @Override
    public String toString() {
      StringBuilder sb = new StringBuilder(kind);
      if (done) {
        sb.append(" (done)");
      }
      if (age != null) {
        sb.append(", age ").append(Report.format(age));
      }
      if (!site.isEmpty()) {
        sb.append(", at ").append(site.get(0));
      }
      return sb.toString();
    }
  }
}
