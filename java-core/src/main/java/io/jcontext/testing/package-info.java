/**
 * Test support shipped with the core: {@link io.jcontext.testing.VirtualClock}, a clock that
 * moves only when the test advances it, so deadlines and timeouts are tested without sleeping.
 */
@NullMarked
package io.jcontext.testing;

import org.jspecify.annotations.NullMarked;
