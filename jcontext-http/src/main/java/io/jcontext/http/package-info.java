/**
 * jcontext across processes over HTTP: see the module's section in the README.
 */
@NullMarked
package io.jcontext.http;

import org.jspecify.annotations.NullMarked;
