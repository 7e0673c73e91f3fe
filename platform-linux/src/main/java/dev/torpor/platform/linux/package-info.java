/**
 * Linux-specific helpers over JNA, the only place in Torpor that calls native code. Availability is
 * checked, not assumed: {@link dev.torpor.platform.linux.LinuxPlatform#isAvailable()} says whether the bindings
 * can be used on this machine, and callers fall back to pure-Java behaviour when they cannot.
 */
package dev.torpor.platform.linux;
