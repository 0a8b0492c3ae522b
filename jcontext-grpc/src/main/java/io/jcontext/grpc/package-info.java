/**
 * jcontext across processes over GRPC: see the module's section in the README.
 */
@NullMarked
package io.jcontext.grpc;

import org.jspecify.annotations.NullMarked;
