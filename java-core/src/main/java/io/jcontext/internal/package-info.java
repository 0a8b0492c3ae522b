/**
 * Implementation hooks shared by the library's packages; not an API (no compatibility promise).
 * A module descriptor should not export this package.
 */
package io.jcontext.internal;
