package io.jcontext.samples.cancel;

import io.jcontext.CancellableContext;
import io.jcontext.Context;
import io.jcontext.Stop;
import io.jcontext.samples.Sample;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Seed 004, task 8: a temporary directory that removes itself when its context ends, by
 * {@link Context#afterFunc(Runnable)}: whether the context is cancelled, times out or is ended by
 * an ancestor. The caller can keep the directory by stopping the cleanup.
 */
public final class TempDirs implements Sample {

  /**
   * A directory bound to a context.
   *
   * @param path the directory
   * @param cleanup stops the removal: {@code stop()} returns true if it prevented it (keep the dir)
   * @param removed completes once the removal has run (never, if it was stopped)
   */
  public record TempDir(Path path, Stop cleanup, CompletionStage<Path> removed) {}

  /**
   * Creates a temporary directory that is deleted, with its contents, on a thread of its own once
   * {@code ctx} is done; immediately if it already is.
   */
  public static TempDir open(Context ctx, String prefix) throws IOException {
    Path dir = Files.createTempDirectory(prefix);
    CompletableFuture<Path> removed = new CompletableFuture<>();
    Stop cleanup = ctx.afterFunc(() -> {
      try {
        deleteRecursively(dir); // idempotent
        removed.complete(dir);
      } catch (IOException | UncheckedIOException e) {
        removed.completeExceptionally(e);
      }
    });
    return new TempDir(dir, cleanup, removed);
  }

  static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(p);
      }
    }
  }

  @Override
  public String id() {
    return "004-08";
  }

  @Override
  public String title() {
    return "AfterFunc removes a temp dir on cancel";
  }

  @Override
  public String run() throws Exception {
    TempDir kept;
    TempDir removed;
    try (CancellableContext request = Context.background().withCancel()) {
      kept = open(request, "jcontext-kept-");
      removed = open(request, "jcontext-tmp-");
      Files.writeString(removed.path().resolve("scratch.txt"), "data");
      if (!kept.cleanup().stop()) {
        throw new IllegalStateException("stop() should have prevented the cleanup");
      }
    } // cancel: the second directory goes
    removed.removed().toCompletableFuture().get(10, TimeUnit.SECONDS);
    CancellableContext done = Context.background().withCancel();
    done.cancel();
    TempDir late = open(done, "jcontext-late-");
    late.removed().toCompletableFuture().get(10, TimeUnit.SECONDS);
    boolean keptExists = Files.isDirectory(kept.path());
    deleteRecursively(kept.path());
    if (!keptExists || Files.exists(removed.path()) || Files.exists(late.path())) {
      throw new IllegalStateException("wrong cleanup");
    }
    return "cancel removed the dir (and its file); stopped one kept; dir opened on a done ctx "
        + "removed at once";
  }
}
