package io.jcontext.samples.cancel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jcontext.CancellableContext;
import io.jcontext.Context;
import io.jcontext.testing.VirtualClock;
import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class TempDirsTest {
  private static final long LIVENESS_S = 10;

  @Test
  void stopKeepsTheDirectory() throws Exception {
    CancellableContext ctx = Context.background().withCancel();
    TempDirs.TempDir dir = TempDirs.open(ctx, "kept-");
    assertTrue(dir.cleanup().stop(), "stop prevented the removal");
    ctx.cancel();
    assertFalse(dir.cleanup().stop(), "second stop reports nothing to prevent");
    assertTrue(Files.isDirectory(dir.path()));
    assertFalse(dir.removed().toCompletableFuture().isDone());
    TempDirs.deleteRecursively(dir.path());
  }

  @Test
  void cancelRemovesDirectoryWithContents() throws Exception {
    CancellableContext ctx = Context.background().withCancel();
    TempDirs.TempDir dir = TempDirs.open(ctx, "tmp-");
    Files.createDirectories(dir.path().resolve("a/b"));
    Files.writeString(dir.path().resolve("a/b/f.txt"), "x");
    assertTrue(Files.isDirectory(dir.path()), "nothing happens before the context ends");
    ctx.cancel();
    assertEquals(dir.path(), dir.removed().toCompletableFuture().get(LIVENESS_S, TimeUnit.SECONDS));
    assertFalse(Files.exists(dir.path()));
    assertFalse(dir.cleanup().stop(), "too late to stop");
  }

  @Test
  void timeoutAndAncestorCancellationAlsoRemove() throws Exception {
    VirtualClock clock = new VirtualClock();
    CancellableContext timed = clock.background().withTimeout(Duration.ofSeconds(30));
    TempDirs.TempDir a = TempDirs.open(timed, "timed-");
    CancellableContext grandparent = clock.background().withCancel();
    TempDirs.TempDir b = TempDirs.open(grandparent.withCancel().withValue(io.jcontext.Key.of("k"), 1), "anc-");
    clock.advance(Duration.ofSeconds(30));
    a.removed().toCompletableFuture().get(LIVENESS_S, TimeUnit.SECONDS);
    assertTrue(Files.isDirectory(b.path()));
    grandparent.cancel();
    b.removed().toCompletableFuture().get(LIVENESS_S, TimeUnit.SECONDS);
    assertFalse(Files.exists(a.path()));
    assertFalse(Files.exists(b.path()));
  }

  @Test
  void alreadyCancelledContextRemovesAtOnce() throws Exception {
    CancellableContext ctx = Context.background().withCancel();
    ctx.cancel();
    TempDirs.TempDir dir = TempDirs.open(ctx, "late-");
    dir.removed().toCompletableFuture().get(LIVENESS_S, TimeUnit.SECONDS);
    assertFalse(Files.exists(dir.path()));
  }

  @Test
  void tourStop() throws Exception {
    assertTrue(new TempDirs().run().startsWith("cancel removed the dir"));
  }
}
