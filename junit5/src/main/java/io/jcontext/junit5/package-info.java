/**
 * JUnit 5 support for jcontext's virtual time for threads: {@link io.jcontext.junit5.InBubble}
 * runs a test inside a {@link io.jcontext.testing.Bubble} and injects the bubble, its clock and
 * its root context.
 */
@NullMarked
package io.jcontext.junit5;

import org.jspecify.annotations.NullMarked;
