package io.jcontext.junit5;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs each test method (on a method: that one; on a class: every test method of it) inside a
 * new {@link io.jcontext.testing.Bubble}: on a bubble thread, with virtual time that moves when
 * every bubble thread is durably blocked. Parameters of type {@code Bubble},
 * {@code VirtualClock} and {@code io.jcontext.Context} receive the bubble, its clock and its
 * root context. See {@link BubbleExtension} for what fails a test.
 *
 * <pre>{@code
 * @Test
 * @InBubble
 * void deadlineFires(Bubble bubble, Context root) throws Exception {
 *   try (CancellableContext c = root.withTimeout(Duration.ofSeconds(5))) {
 *     Context.sleep(root, Duration.ofSeconds(5));
 *     assertTrue(c.isDone());
 *   }
 * }
 * }</pre>
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD, ElementType.ANNOTATION_TYPE})
@ExtendWith(BubbleExtension.class)
public @interface InBubble {
  /** Where the bubble's clock starts (ISO-8601 instant); Go's 2000-01-01T00:00:00Z by default. */
  String start() default "2000-01-01T00:00:00Z";

  /**
   * Real time, in milliseconds, after which a bubble that cannot move (a thread blocked where
   * the bubble cannot see) fails the test with its threads' stacks.
   */
  long stallTimeoutMillis() default 30_000;

  /** Whether timers still pending when the test returns fail it (deadline contexts not cancelled). */
  boolean failOnPendingTimers() default true;
}
