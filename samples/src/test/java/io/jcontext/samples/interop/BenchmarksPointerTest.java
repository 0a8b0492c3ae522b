package io.jcontext.samples.interop;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The pointer must stay true: the benchmarks it names exist and are JMH benchmarks. */
class BenchmarksPointerTest {

  @Test
  void namedBenchmarksExist() throws Exception {
    Path root = BenchmarksPointer.repositoryRoot();
    assertNotNull(root, "tests run inside the repository");
    for (String source : BenchmarksPointer.SOURCES) {
      Path p = root.resolve(source);
      assertTrue(Files.isRegularFile(p), source);
      assertTrue(Files.readString(p).contains("@Benchmark"), source + " has JMH benchmarks");
    }
    assertTrue(Files.readString(root.resolve(BenchmarksPointer.SOURCES.get(2))).contains("depth8_jcontext"));
  }

  @Test
  void commandNamesTheBenchmarks() {
    for (String source : BenchmarksPointer.SOURCES) {
      String name = source.substring(source.lastIndexOf('/') + 1, source.length() - ".java".length());
      assertTrue(BenchmarksPointer.COMMAND.contains(name), name);
    }
  }
}
