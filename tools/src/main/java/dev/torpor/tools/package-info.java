/**
 * The reference command-line tool {@code torpor}: picocli commands over the library, JSON output through
 * Jackson, the SLF4J binding and the process exit codes (sysexits where they apply). Nothing else in Torpor
 * prints, exits or binds a logger.
 */
package dev.torpor.tools;
