package io.jcontext.apiguard

import java.lang.reflect.AnnotatedArrayType
import java.lang.reflect.AnnotatedParameterizedType
import java.lang.reflect.AnnotatedType
import java.lang.reflect.AnnotatedWildcardType
import java.lang.reflect.Modifier
import java.lang.reflect.ParameterizedType
import java.lang.reflect.TypeVariable
import java.nio.charset.StandardCharsets
import java.nio.file.Files
import java.nio.file.Path
import java.nio.file.Paths
import kotlin.metadata.ClassKind
import kotlin.metadata.KmClass
import kotlin.metadata.KmClassifier
import kotlin.metadata.KmConstructor
import kotlin.metadata.KmFunction
import kotlin.metadata.KmProperty
import kotlin.metadata.KmType
import kotlin.metadata.KmTypeParameter
import kotlin.metadata.KmTypeProjection
import kotlin.metadata.KmValueParameter
import kotlin.metadata.KmVariance
import kotlin.metadata.Modality
import kotlin.metadata.Visibility
import kotlin.metadata.declaresDefaultValue
import kotlin.metadata.isInfix
import kotlin.metadata.isInline
import kotlin.metadata.isNullable
import kotlin.metadata.isOperator
import kotlin.metadata.isReified
import kotlin.metadata.isSuspend
import kotlin.metadata.isVar
import kotlin.metadata.jvm.KotlinClassMetadata
import kotlin.metadata.jvm.getterSignature
import kotlin.metadata.jvm.setterSignature
import kotlin.metadata.jvm.signature
import kotlin.metadata.kind
import kotlin.metadata.modality
import kotlin.metadata.visibility

/**
 * The public API of one compiled module as text, to be committed beside the module and compared
 * in its build, so that every change of the API shows up in review and an accidental one fails
 * the build.
 *
 * What is listed:
 * - **Java classes**: every public type and its public and protected members, as
 *   [java.lang.reflect] prints them (generic signatures, throws clauses), plus the nullness
 *   annotations on their types (`@Nullable` results and parameters, `T extends @Nullable Object`)
 *   and the `@NullMarked` scope, since Kotlin reads those as part of the API.
 * - **Kotlin classes and files**: every declaration whose *Kotlin* visibility is public or
 *   protected (so `internal` declarations, public in the bytecode, are left out), in Kotlin terms
 *   (receiver, parameter and result types *with nullability*, defaults, `suspend`, `inline`,
 *   `operator`, modality) followed by the JVM signature Java callers link against. A change a
 *   Kotlin caller can see — `T` to `T?`, a dropped default, a new `suspend` — changes the dump.
 *
 * The dump does not depend on the JDK it runs on: lines are sorted, and modifiers that only some
 * JDKs print (`sealed`) are left out.
 *
 * Use: a test in the module calls [check] with the module's artifact id and any class of its
 * main output. Thread safety: stateless; [check] reads and may write one file.
 */
public object ApiDump {
  /** The system property that makes [check] rewrite the dump instead of failing. */
  public const val UPDATE_PROPERTY: String = "jcontext.updateApi"

  /**
   * Compares the API of the classes folder that holds [anchor] with `api/<artifactId>.api`
   * (relative to the working directory, which surefire sets to the module's folder) and throws
   * [AssertionError] naming the first differing line when they differ. With
   * `-Djcontext.updateApi=true` it first writes the current dump to that file.
   */
  @JvmStatic
  public fun check(artifactId: String, anchor: Class<*>) {
    val classes = Paths.get(anchor.protectionDomain.codeSource.location.toURI())
    val apiFile = Paths.get("api", "$artifactId.api")
    val actual = dump(classes, anchor.classLoader)
    if (java.lang.Boolean.getBoolean(UPDATE_PROPERTY)) {
      Files.createDirectories(apiFile.parent)
      Files.writeString(apiFile, actual, StandardCharsets.UTF_8)
    }
    val expected = if (Files.exists(apiFile)) Files.readString(apiFile, StandardCharsets.UTF_8) else ""
    if (expected != actual) {
      throw AssertionError(
        "The public API of $artifactId changed (${firstDifference(expected, actual)}). Review it, then " +
          "regenerate $apiFile with -D$UPDATE_PROPERTY=true and commit it.\n--- expected\n$expected--- actual\n$actual",
      )
    }
  }

  /** Returns the dump of every class file under [classes], loading classes through [loader]. */
  @JvmStatic
  public fun dump(classes: Path, loader: ClassLoader): String {
    val names = Files.walk(classes).use { files ->
      files.map { classes.relativize(it).toString().replace('\\', '/') }
        .filter { it.endsWith(".class") && !it.endsWith("package-info.class") && !it.endsWith("module-info.class") }
        .map { it.removeSuffix(".class").replace('/', '.') }
        .sorted()
        .toList()
    }
    val out = StringBuilder()
    for (name in names) {
      val c = Class.forName(name, false, loader)
      if (!exposed(c)) continue
      val metadata = c.getAnnotation(Metadata::class.java)
      if (metadata == null) {
        appendJava(out, c)
      } else {
        appendKotlin(out, c, KotlinClassMetadata.readLenient(metadata))
      }
    }
    return out.toString()
  }

  private fun firstDifference(expected: String, actual: String): String {
    val e = expected.lines()
    val a = actual.lines()
    for (i in 0 until maxOf(e.size, a.size)) {
      val x = e.getOrNull(i)
      val y = a.getOrNull(i)
      if (x != y) return "line ${i + 1}: expected `${x ?: "<end>"}`, found `${y ?: "<end>"}`"
    }
    return "no line differs"
  }

  /**
   * A type is exposed when it and every type enclosing it are public or protected: on the JVM
   * and, for Kotlin classes, in Kotlin (an `internal` class is public in the bytecode).
   */
  private fun exposed(c: Class<*>): Boolean {
    if (c.isSynthetic || c.isAnonymousClass || c.isLocalClass) return false
    var t: Class<*>? = c
    while (t != null) {
      if (!Modifier.isPublic(t.modifiers) && !Modifier.isProtected(t.modifiers)) return false
      val metadata = t.getAnnotation(Metadata::class.java)
      if (metadata != null) {
        val k = KotlinClassMetadata.readLenient(metadata)
        if (k is KotlinClassMetadata.Class && !kotlinExposed(k.kmClass.visibility)) return false
      }
      t = t.declaringClass
    }
    return true
  }

  // ---------------------------------------------------------------- Java

  private fun appendJava(out: StringBuilder, c: Class<*>) {
    val marked = (c.`package`?.declaredAnnotations.orEmpty().toList() + c.declaredAnnotations.toList()).map { it.annotationClass.java.simpleName }
      .filter { it == "NullMarked" || it == "NullUnmarked" }
    marked.forEach { out.append('@').append(it).append(' ') }
    out.append(c.toGenericString().replace("non-sealed ", "").replace("sealed ", ""))
    if (c.genericSuperclass != null && c.superclass != Any::class.java) {
      out.append(" extends ").append(c.genericSuperclass.typeName)
    }
    for (i in c.genericInterfaces) {
      out.append(if (c.isInterface) " extends " else " implements ").append(i.typeName)
    }
    out.append(" {\n")
    val members = ArrayList<String>()
    c.declaredFields.filter { javaExposed(it.modifiers) && !it.isSynthetic }
      .mapTo(members) { it.toGenericString() + nullness(listOf("type" to it.annotatedType), emptyArray()) }
    c.declaredConstructors.filter { javaExposed(it.modifiers) && !it.isSynthetic }
      .mapTo(members) { it.toGenericString() + nullness(parameters(it.annotatedParameterTypes), it.typeParameters) }
    c.declaredMethods.filter { javaExposed(it.modifiers) && !it.isSynthetic && !it.isBridge }
      .mapTo(members) {
        it.toGenericString() +
          nullness(listOf("result" to it.annotatedReturnType) + parameters(it.annotatedParameterTypes), it.typeParameters)
      }
    members.sorted().forEach { out.append("  ").append(it).append('\n') }
    out.append("}\n")
  }

  private fun parameters(types: Array<AnnotatedType>) = types.mapIndexed { i, t -> "#${i + 1}" to t }

  /**
   * The type-use nullness annotations (JSpecify's `@Nullable`/`@NonNull`, or any annotation of
   * those simple names) on a member's types and type-parameter bounds, which
   * `toGenericString()` leaves out: ` [nullness: result @Nullable java.lang.Throwable; #2 ...]`.
   */
  private fun nullness(types: List<Pair<String, AnnotatedType>>, typeParameters: Array<out TypeVariable<*>>): String {
    val parts = ArrayList<String>()
    for (tp in typeParameters) {
      val bounds = tp.annotatedBounds.map { annotated(it) }
      if (bounds.any { it.contains('@') }) parts.add("<${tp.name} extends ${bounds.joinToString(" & ")}>")
    }
    for ((label, t) in types) {
      val text = annotated(t)
      if (text.contains('@')) parts.add("$label $text")
    }
    return if (parts.isEmpty()) "" else parts.joinToString("; ", " [nullness: ", "]")
  }

  private fun annotated(t: AnnotatedType): String {
    val marks = t.declaredAnnotations.map { it.annotationClass.java.simpleName }
      .filter { it == "Nullable" || it == "NonNull" }.joinToString("") { "@$it " }
    val base = when (t) {
      is AnnotatedParameterizedType -> {
        val raw = (t.type as ParameterizedType).rawType.typeName
        raw + t.annotatedActualTypeArguments.joinToString(",", "<", ">") { annotated(it) }
      }
      is AnnotatedArrayType -> annotated(t.annotatedGenericComponentType) + "[]"
      is AnnotatedWildcardType -> when {
        t.annotatedLowerBounds.isNotEmpty() -> "? super " + annotated(t.annotatedLowerBounds[0])
        t.annotatedUpperBounds.isNotEmpty() && t.annotatedUpperBounds[0].type != Any::class.java ->
          "? extends " + annotated(t.annotatedUpperBounds[0])
        else -> "?"
      }
      else -> t.type.typeName
    }
    return marks + base
  }

  private fun javaExposed(modifiers: Int) = Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers)

  // ---------------------------------------------------------------- Kotlin

  private fun appendKotlin(out: StringBuilder, c: Class<*>, metadata: KotlinClassMetadata) {
    when (metadata) {
      is KotlinClassMetadata.Class -> appendKmClass(out, metadata.kmClass)
      is KotlinClassMetadata.FileFacade ->
        appendMembers(out, "file ${c.name}", metadata.kmPackage.functions, metadata.kmPackage.properties, emptyList(), Names(emptyList()))
      is KotlinClassMetadata.MultiFileClassPart ->
        appendMembers(out, "file ${metadata.facadeClassName.replace('/', '.')}", metadata.kmPackage.functions, metadata.kmPackage.properties, emptyList(), Names(emptyList()))
      else -> Unit // lambdas, WhenMappings, multi-file facades: no declarations of their own
    }
  }

  private fun appendKmClass(out: StringBuilder, k: KmClass) {
    if (!kotlinExposed(k.visibility)) return
    val names = Names(k.typeParameters)
    val header = StringBuilder()
    header.append(k.visibility.text).append(' ')
    if (k.kind != ClassKind.INTERFACE && k.kind != ClassKind.OBJECT && k.kind != ClassKind.COMPANION_OBJECT &&
      k.kind != ClassKind.ENUM_CLASS && k.kind != ClassKind.ANNOTATION_CLASS
    ) {
      header.append(k.modality.text).append(' ')
    }
    header.append(k.kind.text).append(' ').append(k.name.replace('/', '.'))
    header.append(typeParameters(k.typeParameters, names))
    val supertypes = k.supertypes.map { type(it, names) }.filter { it != "kotlin.Any" }
    if (supertypes.isNotEmpty()) header.append(" : ").append(supertypes.joinToString(", "))
    val extra = k.enumEntries.map { "enum entry $it" }
    appendMembers(out, header.toString(), k.functions, k.properties, k.constructors, names, extra)
  }

  private fun appendMembers(
    out: StringBuilder,
    header: String,
    functions: List<KmFunction>,
    properties: List<KmProperty>,
    constructors: List<KmConstructor>,
    names: Names,
    extra: List<String> = emptyList(),
  ) {
    val members = ArrayList<String>(extra)
    constructors.filter { kotlinExposed(it.visibility) }.mapTo(members) {
      "${it.visibility.text} constructor(${valueParameters(it.valueParameters, names)})  // ${it.signature}"
    }
    functions.filter { kotlinExposed(it.visibility) }.mapTo(members) { function(it, names) }
    properties.filter { kotlinExposed(it.visibility) }.mapTo(members) { property(it, names) }
    if (members.isEmpty() && header.startsWith("file ")) return
    out.append(header).append(" {\n")
    members.sorted().forEach { out.append("  ").append(it).append('\n') }
    out.append("}\n")
  }

  private fun function(f: KmFunction, outer: Names): String {
    val names = outer.with(f.typeParameters)
    val s = StringBuilder()
    s.append(f.visibility.text).append(' ').append(f.modality.text).append(' ')
    if (f.isSuspend) s.append("suspend ")
    if (f.isInline) s.append("inline ")
    if (f.isOperator) s.append("operator ")
    if (f.isInfix) s.append("infix ")
    s.append("fun ")
    val tps = typeParameters(f.typeParameters, names)
    if (tps.isNotEmpty()) s.append(tps.trimStart()).append(' ')
    f.receiverParameterType?.let { s.append(type(it, names)).append('.') }
    s.append(f.name).append('(').append(valueParameters(f.valueParameters, names)).append("): ")
    s.append(type(f.returnType, names))
    s.append("  // ").append(f.signature)
    return s.toString()
  }

  private fun property(p: KmProperty, outer: Names): String {
    val names = outer.with(p.typeParameters)
    val s = StringBuilder()
    s.append(p.visibility.text).append(' ').append(p.modality.text).append(' ')
    s.append(if (p.isVar) "var " else "val ")
    val tps = typeParameters(p.typeParameters, names)
    if (tps.isNotEmpty()) s.append(tps.trimStart()).append(' ')
    p.receiverParameterType?.let { s.append(type(it, names)).append('.') }
    s.append(p.name).append(": ").append(type(p.returnType, names))
    s.append("  // ").append(p.getterSignature ?: "field")
    if (p.isVar && kotlinExposed(p.setter?.visibility ?: Visibility.PRIVATE)) s.append(", ").append(p.setterSignature)
    return s.toString()
  }

  private fun valueParameters(ps: List<KmValueParameter>, names: Names): String =
    ps.joinToString(", ") { p ->
      val vararg = p.varargElementType
      (if (vararg != null) "vararg ${p.name}: ${type(vararg, names)}" else "${p.name}: ${type(p.type, names)}") +
        (if (p.declaresDefaultValue) " = ..." else "")
    }

  private fun typeParameters(tps: List<KmTypeParameter>, names: Names): String =
    if (tps.isEmpty()) {
      ""
    } else {
      tps.joinToString(", ", "<", ">") { tp ->
        val variance = if (tp.variance == KmVariance.INVARIANT) "" else tp.variance.name.lowercase() + " "
        val reified = if (tp.isReified) "reified " else ""
        val bounds = tp.upperBounds.map { type(it, names) }.filter { it != "kotlin.Any?" }
        reified + variance + tp.name + (if (bounds.isEmpty()) "" else " : " + bounds.joinToString(" & "))
      }
    }

  private fun type(t: KmType, names: Names): String {
    val base = when (val c = t.classifier) {
      is KmClassifier.Class -> c.name.replace('/', '.')
      is KmClassifier.TypeAlias -> c.name.replace('/', '.')
      is KmClassifier.TypeParameter -> names.name(c.id)
    }
    val args = if (t.arguments.isEmpty()) "" else t.arguments.joinToString(", ", "<", ">") { projection(it, names) }
    return base + args + (if (t.isNullable) "?" else "")
  }

  private fun projection(p: KmTypeProjection, names: Names): String {
    val type = p.type ?: return "*"
    val variance = p.variance
    return if (variance == null || variance == KmVariance.INVARIANT) type(type, names) else "${variance.name.lowercase()} ${type(type, names)}"
  }

  private fun kotlinExposed(v: Visibility) = v == Visibility.PUBLIC || v == Visibility.PROTECTED

  private val Visibility.text: String get() = name.lowercase()
  private val Modality.text: String get() = name.lowercase()
  private val ClassKind.text: String get() = name.lowercase().replace('_', ' ')

  /** Type-parameter ids (unique within a class file) to names, for the declarations in scope. */
  private class Names(tps: List<KmTypeParameter>, parent: Map<Int, String> = emptyMap()) {
    val byId: Map<Int, String> = parent + tps.associate { it.id to it.name }

    fun with(tps: List<KmTypeParameter>) = Names(tps, byId)

    fun name(id: Int): String = byId[id] ?: "T#$id"
  }
}
