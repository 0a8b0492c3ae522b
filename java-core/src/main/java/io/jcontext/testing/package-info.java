/**
 * Test support shipped with the core: {@link io.jcontext.testing.VirtualClock}, a clock that
 * moves only when the test advances it, so deadlines and timeouts are tested without sleeping;
 * and {@link io.jcontext.testing.Bubble}, Go's {@code testing/synctest} for threads, whose clock
 * moves by itself when every thread of the bubble is blocked in a wait of the library, with the
 * hand-offs {@link io.jcontext.testing.Latch} and {@link io.jcontext.testing.Channel} for such
 * tests. Nothing here depends on a test framework ({@code io.jcontext:jcontext-junit5} holds
 * the JUnit 5 extension).
 */
@NullMarked
package io.jcontext.testing;

import org.jspecify.annotations.NullMarked;
