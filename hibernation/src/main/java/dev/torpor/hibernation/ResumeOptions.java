package dev.torpor.hibernation;

import dev.torpor.image.io.encrypted.KeyMaterial;
import dev.torpor.image.io.lifecycle.Resumer;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link SafeResume#resume} does; {@link #builder(Path)} gives what an initramfs's resume needs.
 *
 * @param device             the block device (or file) that holds the swap area
 * @param resumeOffset       device page of the swap header: 0 for a partition, a swap file's resume offset (in
 *                           the image's page size, which is detected)
 * @param snapshotDevice     the snapshot device, {@code /dev/snapshot}
 * @param key                the key of Torpor's encrypted kind, if the image may be one
 * @param running            the running kernel, which the image's header page must match
 * @param handOffToKernel    give an image that could not be restored for a reason that is not the image's to the
 *                           kernel's own resume ({@code /sys/power/resume}) before invalidating it
 * @param settleBeforeFreeze bring this JVM to rest before {@code FREEZE} where FREEZE and the restore are not one
 *                           native call (it stops the JIT; compilation resumes if the restore returns)
 * @param scratch            a directory for the JIT directive
 * @param settleTimeout      the longest the JVM may take to come to rest
 */
public record ResumeOptions(Path device, long resumeOffset, Path snapshotDevice,
                            Optional<KeyMaterial> key, Resumer.RunningKernel running, boolean handOffToKernel,
                            boolean settleBeforeFreeze, Path scratch, Duration settleTimeout) {
    public ResumeOptions {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(snapshotDevice, "snapshotDevice");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(running, "running");
        Objects.requireNonNull(scratch, "scratch");
        Objects.requireNonNull(settleTimeout, "settleTimeout");
        if (resumeOffset < 0) {
            throw new IllegalArgumentException("resumeOffset must be >= 0, not " + resumeOffset);
        }
        if (settleTimeout.isNegative() || settleTimeout.isZero()) {
            throw new IllegalArgumentException("settleTimeout must be positive, not " + settleTimeout);
        }
    }

    /**
     * Offset 0, {@code /dev/snapshot}, no key, the running kernel unknown (only the image's own
     * checks apply: set it, as {@code torpor resume} does), hand-off to the kernel's resume on, settling on with a
     * 60 s limit, scratch in {@code java.io.tmpdir}.
     */
    public static Builder builder(Path device) {
        return new Builder(device);
    }

    /** Builds {@link ResumeOptions}. */
    public static final class Builder {
        private final Path device;
        private long resumeOffset;
        private Path snapshotDevice = Path.of("/dev/snapshot");
        private Optional<KeyMaterial> key = Optional.empty();
        private Resumer.RunningKernel running = Resumer.RunningKernel.unknown();
        private boolean handOffToKernel = true;
        private boolean settleBeforeFreeze = true;
        private Path scratch = Path.of(System.getProperty("java.io.tmpdir"));
        private Duration settleTimeout = Duration.ofSeconds(60);

        private Builder(Path device) {
            this.device = Objects.requireNonNull(device, "device");
        }

        public Builder resumeOffset(long page) {
            this.resumeOffset = page;
            return this;
        }

        public Builder snapshotDevice(Path path) {
            this.snapshotDevice = path;
            return this;
        }

        public Builder key(KeyMaterial k) {
            this.key = Optional.of(k);
            return this;
        }

        public Builder running(Resumer.RunningKernel kernel) {
            this.running = kernel;
            return this;
        }

        public Builder handOffToKernel(boolean on) {
            this.handOffToKernel = on;
            return this;
        }

        public Builder settleBeforeFreeze(boolean on) {
            this.settleBeforeFreeze = on;
            return this;
        }

        public Builder scratch(Path dir) {
            this.scratch = dir;
            return this;
        }

        public Builder settleTimeout(Duration limit) {
            this.settleTimeout = limit;
            return this;
        }

        public ResumeOptions build() {
            return new ResumeOptions(device, resumeOffset, snapshotDevice, key, running, handOffToKernel,
                    settleBeforeFreeze, scratch, settleTimeout);
        }
    }
}
