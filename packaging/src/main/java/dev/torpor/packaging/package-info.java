/**
 * The Debian package's generated parts: the Java runtime (jlink), JNA's native library unpacked, the man pages, bash
 * completion and the Debian changelog. Build-time code only; none of it is in the package.
 */
package dev.torpor.packaging;
