package io.jcontext;

import io.jcontext.diagnostics.LiveContexts;
import java.time.Duration;
import java.util.List;

/** The immutable {@link LiveContexts} of the diagnostics engine. */
final class LiveDump implements LiveContexts {
  private final String root;
  private final int total;
  private final List<Group> groups;

  LiveDump(String root, int total, List<Group> groups) {
    this.root = root;
    this.total = total;
    this.groups = groups;
  }

  @Override
  public String root() {
    return root;
  }

  @Override
  public int total() {
    return total;
  }

  @Override
  public List<Group> groups() {
    return groups;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    sb.append(total).append(total == 1 ? " live context" : " live contexts").append(" under ")
        .append(root).append(", ").append(groups.size())
        .append(groups.size() == 1 ? " group" : " groups").append('\n');
    for (Group g : groups) {
      sb.append('\n').append(g).append('\n');
    }
    return sb.toString();
  }

  static final class GroupImpl implements Group {
    private final List<StackTraceElement> site;
    private final String contextKind;
    private final int count;
    private final Duration oldest;
    private final Duration youngest;

    GroupImpl(List<StackTraceElement> site, String contextKind, int count, Duration oldest, Duration youngest) {
      this.site = site;
      this.contextKind = contextKind;
      this.count = count;
      this.oldest = oldest;
      this.youngest = youngest;
    }

    @Override
    public List<StackTraceElement> site() {
      return site;
    }

    @Override
    public String contextKind() {
      return contextKind;
    }

    @Override
    public int count() {
      return count;
    }

    @Override
    public Duration oldest() {
      return oldest;
    }

    @Override
    public Duration youngest() {
      return youngest;
    }

    @Override
    public String toString() {
      StringBuilder sb = new StringBuilder();
      sb.append(count).append(" @ ").append(contextKind).append(", ages ")
          .append(Report.format(youngest)).append(" to ").append(Report.format(oldest));
      if (site.isEmpty()) {
        sb.append("\n\t(creation site not sampled)");
      }
      for (StackTraceElement e : site) {
        sb.append("\n\tat ").append(e);
      }
      return sb.toString();
    }
  }
}
