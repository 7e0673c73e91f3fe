/**
 * {@code torpor demo}: a Debian kernel hibernated and resumed by Torpor in a QEMU guest, with a report. Only in the
 * repository's {@code torpor-demo.jar}.
 */
package dev.torpor.guest.demo;
