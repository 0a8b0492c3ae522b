package io.jcontext.samples.interop;

import io.jcontext.samples.Sample;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Seed 004, task 19: the cost of cancellation, measured. Speed is measured only in the
 * {@code benchmarks} module (JMH, jcontext beside grpc-java's {@code Context} and kotlinx
 * {@code Job}); this sample points to the benchmarks that answer the task's three questions and
 * to the command that runs them. Results and ratios are in {@code BENCHMARKS.md}.
 *
 * <ul>
 *   <li>(a) create + cancel a child: {@code DeriveBenchmark}
 *   <li>(b) "is it done?" on a cancelled context (Go's receive from a closed {@code Done()}):
 *       {@code PollBenchmark}
 *   <li>(c) value lookup at depth 8: {@code ValueBenchmark.depth8_*}
 * </ul>
 */
public final class BenchmarksPointer implements Sample {

  /** The benchmark sources, relative to the repository root. */
  public static final List<String> SOURCES = List.of(
      "benchmarks/src/main/java/io/jcontext/bench/context/DeriveBenchmark.java",
      "benchmarks/src/main/java/io/jcontext/bench/context/PollBenchmark.java",
      "benchmarks/src/main/java/io/jcontext/bench/context/ValueBenchmark.java");

  /** The command that runs them, from the repository root. */
  public static final String COMMAND = "mvn -B -ntp -pl benchmarks -am package -DskipTests && "
      + "java -jar benchmarks/target/benchmarks.jar 'DeriveBenchmark|PollBenchmark|ValueBenchmark'";

  /** Finds the repository root from the working directory (the root or a module), or null. */
  public static Path repositoryRoot() {
    Path dir = Path.of("").toAbsolutePath();
    for (Path p = dir; p != null; p = p.getParent()) {
      if (Files.isDirectory(p.resolve("benchmarks")) && Files.isRegularFile(p.resolve("pom.xml"))) {
        return p;
      }
    }
    return null;
  }

  @Override
  public String id() {
    return "004-19";
  }

  @Override
  public String title() {
    return "cancellation cost: see the benchmarks module";
  }

  @Override
  public String run() {
    Path root = repositoryRoot();
    if (root == null) {
      return "run from the repository: " + COMMAND;
    }
    for (String s : SOURCES) {
      if (!Files.isRegularFile(root.resolve(s))) {
        throw new IllegalStateException("benchmark moved or missing: " + s);
      }
    }
    return SOURCES.size() + " JMH benchmarks (create+cancel, poll done, value depth 8): " + COMMAND;
  }
}
