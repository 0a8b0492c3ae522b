/**
 * Run-time diagnostics of context trees: creation sites, dumps of live descendants, derivation
 * traces, a detector of long-lived contexts and a lost-cancel detector. Entry point:
 * {@link io.jcontext.diagnostics.ContextDiagnostics}.
 */
@NullMarked
package io.jcontext.diagnostics;

import org.jspecify.annotations.NullMarked;
