/**
 * Hibernating and resuming through a {@code SnapshotDevice}: {@link dev.torpor.image.io.lifecycle.Hibernator}
 * (the s2disk sequence: freeze, create the image, store it, power off, and the same call returning in the resumed
 * system) and {@link dev.torpor.image.io.lifecycle.Resumer} (verify an image, reset the signature, feed the
 * device, atomic restore). They work the same against the real device and the emulator.
 */
package dev.torpor.image.io.lifecycle;
