package io.jcontext.kotlin.release

import io.jcontext.Context
import java.io.ByteArrayOutputStream
import java.io.File
import java.io.PrintStream
import java.nio.file.Files
import java.nio.file.Path
import java.nio.file.Paths
import org.jetbrains.kotlin.cli.common.ExitCode
import org.jetbrains.kotlin.cli.jvm.K2JVMCompiler
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.io.TempDir

/**
 * The core's JSpecify annotations as Kotlin sees them: runs the Kotlin compiler (the version the
 * bridge is built with, default settings, as a user's build would) on snippets against the
 * compiled core. A result documented as nullable must reach Kotlin as a nullable type, so code
 * that dereferences it without `?.` does not compile; a parameter or result that is not
 * nullable must reach Kotlin as non-null (not a platform type), so passing `null` does not
 * compile and `!!` on it draws a warning. If the annotations were missing, every line marked
 * below would compile cleanly and this test would fail.
 */
class JavaNullnessInKotlinTest {
  @TempDir
  lateinit var tmp: Path

  @Test
  fun nullableResultsCannotBeDereferencedAndNonNullParametersRejectNull() {
    expectOnEachLine(listOf(
      "ctx.err().message" to "error",
      "ctx.cause().message" to "error",
      "ctx.deadline().toEpochMilli()" to "error",
      "ctx.remaining().toMillis()" to "error",
      "ctx.value(KEY).length" to "error",
      "ctx[KEY].length" to "error",
      "val e: ContextException = ctx.err()" to "error",
      "(ctx.err() as ContextException).cause.message" to "error",
      "VirtualClock().nextDeadline().epochSecond" to "error",
      "Context.await(ctx, CompletableFuture.completedFuture<String?>(null)).length" to "error",
      "Mutex.create().withLock(ctx) { null as String? }.length" to "error",
      "ctx.withTimeout(null)" to "error",
      "ctx.withValue(null, \"x\")" to "error",
      "Context.background(null)" to "error",
      "Semaphore.create(1).acquire(null, 1)" to "error",
    ))
  }

  /** A platform type takes `!!` silently; a non-null type draws "unnecessary non-null assertion". */
  @Test
  fun nonNullResultsAreNotPlatformTypes() {
    expectOnEachLine(listOf(
      "ctx.withCancel()!!.cancel()" to "warning",
      "ctx.done()!!.toCompletableFuture()" to "warning",
      "Context.background()!!.isDone()" to "warning",
      "Key.of(\"k\", String::class.java)!!.name()" to "warning",
      "DeadlineExceededException()!!.isTimeout()" to "warning",
    ))
  }

  /** Compiles [lines] as one function body and expects a diagnostic of the given kind on each. */
  private fun expectOnEachLine(lines: List<Pair<String, String>>) {
    val body = lines.joinToString("\n") { "  ${it.first}" }
    val messages = compile(snippet(body), werror = false)
    val firstLine = HEADER.lines().size + 1
    val missing = lines.withIndex().filter { (i, expectation) ->
      val line = firstLine + i
      messages.lines().none { it.contains("Snippet.kt:$line:") && it.contains("${expectation.second}:") }
    }.map { (i, e) -> "line ${firstLine + i} `${e.first}` should give a ${e.second}" }
    assertTrue(missing.isEmpty(), "Kotlin accepted what the annotations should reject:\n" +
      missing.joinToString("\n") + "\ncompiler said:\n" + messages)
  }

  @Test
  fun nullSafeUseCompilesWithoutWarnings() {
    val body = """
      val message: String? = ctx.err()?.message
      val cause: Throwable? = ctx.cause()
      val millis: Long? = ctx.deadline()?.toEpochMilli()
      val left = ctx.remaining()?.toMillis() ?: Long.MAX_VALUE
      val id: String = ctx.value(KEY) ?: "none"
      val child: CancellableContext = ctx.withTimeout(Duration.ofSeconds(1), null)
      child.cancel(null)
      val valued: Context = ctx.withValue(KEY, null)
      val err: ContextException = DeadlineExceededException(null)
      val fromCause: Throwable? = err.cause
      val nothing: String? = Mutex.create().withLock(ctx) { null as String? }
      val awaited: String? = Context.await(ctx, CompletableFuture.completedFuture<String?>(null))
      val next = VirtualClock().nextDeadline()?.epochSecond
      println(listOf(message, cause, millis, left, id, valued, fromCause, nothing, awaited, next))
    """.trimIndent().prependIndent("  ")
    val messages = compile(snippet(body), werror = true)
    assertEquals("", messages.lines().filter { it.contains("warning:") || it.contains("error:") }.joinToString("\n"),
      "null-safe use of the core should compile without warnings; compiler said:\n$messages")
  }

  private fun snippet(body: String) = "$HEADER\n$body\n}\n"

  /** Compiles [source] as `Snippet.kt` and returns what the compiler printed. */
  private fun compile(source: String, werror: Boolean): String {
    val file = tmp.resolve("Snippet.kt")
    Files.writeString(file, source)
    val classpath = listOf(Context::class.java, org.jspecify.annotations.Nullable::class.java, Unit::class.java)
      .joinToString(File.pathSeparator) { Paths.get(it.protectionDomain.codeSource.location.toURI()).toString() }
    val args = mutableListOf(
      "-classpath", classpath, "-no-stdlib", "-no-reflect", "-jvm-target", "17",
      "-d", tmp.resolve("out").toString(), file.toString(),
    )
    if (werror) args.add(0, "-Werror")
    val out = ByteArrayOutputStream()
    val code = K2JVMCompiler().exec(PrintStream(out, true, "UTF-8"), *args.toTypedArray())
    val text = out.toString("UTF-8")
    if (werror) assertEquals(ExitCode.OK, code, text)
    return text
  }

  private companion object {
    val HEADER = """
      import io.jcontext.*
      import io.jcontext.sync.*
      import io.jcontext.testing.VirtualClock
      import java.time.Duration
      import java.util.concurrent.CompletableFuture

      val KEY: Key<String> = Key.of("id", String::class.java)
      operator fun <T : Any> Context.get(key: Key<T>): T? = value(key)

      fun use(ctx: Context) {
    """.trimIndent()
  }
}
