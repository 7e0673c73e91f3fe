/**
 * Sessions over a {@link dev.torpor.snapshot.api.device.SnapshotDevice}: the legal sequences of hibernating
 * ({@link dev.torpor.snapshot.api.session.SuspendSession}) and restoring
 * ({@link dev.torpor.snapshot.api.session.ResumeSession}), checked before the device sees a call, with whole-page
 * reads and writes that respect the device's page-boundary rules.
 */
package dev.torpor.snapshot.api.session;
