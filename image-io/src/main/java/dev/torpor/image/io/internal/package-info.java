/**
 * Not API: measurement hooks for Torpor's own CLI and benchmarks. The module exports this package only to them.
 */
package dev.torpor.image.io.internal;
