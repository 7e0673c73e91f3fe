/**
 * Hibernating a Linux machine from a JVM, safely, in one call: {@link dev.torpor.hibernation.SafeHibernation} with
 * {@link dev.torpor.hibernation.HibernationOptions} (a builder with the kernel's defaults), told through a
 * {@link dev.torpor.hibernation.HibernationListener} and answered with a report. It sits above image-io (the image
 * and the hibernator) and platform-linux (the real device, locking, the JIT and the JVM's rest).
 */
package dev.torpor.hibernation;
