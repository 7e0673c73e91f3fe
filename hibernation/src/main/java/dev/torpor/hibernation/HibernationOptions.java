package dev.torpor.hibernation;

import dev.torpor.image.io.codec.Compressor;
import dev.torpor.image.io.encrypted.KeyMaterial;
import dev.torpor.image.io.lifecycle.Hibernator;
import dev.torpor.snapshot.api.TargetProfile;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What {@link SafeHibernation#hibernate} does; {@link #builder(Path)} gives the kernel's defaults.
 *
 * @param device         the block device (or file) that holds the swap area
 * @param resumeOffset   device page of the swap header: 0 for a partition, a swap file's resume offset
 * @param snapshotDevice the snapshot device, {@code /dev/snapshot}
 * @param target         page size, word size and byte order; empty: the running kernel's
 * @param compressor     none, LZO (the kernel's default) or LZ4 (read by kernels 6.9+)
 * @param threads        compression threads, started after the snapshot
 * @param imageSize      preferred image size in bytes; empty: {@code /sys/power/image_size}
 * @param key            encrypt into Torpor's own image kind (only Torpor's resume restores it)
 * @param shutdown       how the machine is turned off once the image is durable
 * @param attempts       images to create when the swap area is too small (1 to 10)
 * @param scratch        a directory for the rehearsals' scratch swap files and the JIT directive
 * @param rehearsedReads page reads of {@code /dev/zero} before the warm-up, so the per-page calls get compiled
 * @param warmUpLimit    the longest the rehearsals may run while their speed still improves
 * @param settleTimeout  the longest the JVM may take to come to rest before the freeze
 */
public record HibernationOptions(Path device, long resumeOffset, Path snapshotDevice, Optional<TargetProfile> target,
                                 Compressor compressor, int threads, OptionalLong imageSize,
                                 Optional<KeyMaterial> key, Hibernator.Shutdown shutdown, int attempts, Path scratch,
                                 int rehearsedReads, Duration warmUpLimit, Duration settleTimeout) {
    public HibernationOptions {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(snapshotDevice, "snapshotDevice");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(compressor, "compressor");
        Objects.requireNonNull(imageSize, "imageSize");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(shutdown, "shutdown");
        Objects.requireNonNull(scratch, "scratch");
        if (resumeOffset < 0) {
            throw new IllegalArgumentException("resumeOffset must be >= 0, not " + resumeOffset);
        }
        if (threads < 1 || threads > 64) {
            throw new IllegalArgumentException("threads must be 1..64, not " + threads);
        }
        if (attempts < 1 || attempts > 10) {
            throw new IllegalArgumentException("attempts must be 1..10, not " + attempts);
        }
        if (rehearsedReads < 0) {
            throw new IllegalArgumentException("rehearsedReads must be >= 0, not " + rehearsedReads);
        }
        if (imageSize.isPresent() && imageSize.getAsLong() < 0) {
            throw new IllegalArgumentException("imageSize must be >= 0, not " + imageSize.getAsLong());
        }
        if (warmUpLimit.isNegative() || warmUpLimit.isZero() || settleTimeout.isNegative() || settleTimeout.isZero()) {
            throw new IllegalArgumentException("warmUpLimit and settleTimeout must be positive");
        }
    }

    /** Hibernation into the swap area on {@code device}, with the kernel's defaults for everything else. */
    public static Builder builder(Path device) {
        return new Builder(device);
    }

    /** Builds {@link HibernationOptions}; every setter has a default. */
    public static final class Builder {
        private final Path device;
        private long resumeOffset;
        private Path snapshotDevice = Path.of("/dev/snapshot");
        private Optional<TargetProfile> target = Optional.empty();
        private Compressor compressor = Compressor.LZO;
        private int threads = RunningKernel.kernelThreads(Runtime.getRuntime().availableProcessors());
        private OptionalLong imageSize = OptionalLong.empty();
        private Optional<KeyMaterial> key = Optional.empty();
        private Hibernator.Shutdown shutdown = Hibernator.Shutdown.POWEROFF;
        private int attempts = 3;
        private Path scratch = Path.of(System.getProperty("java.io.tmpdir"));
        private int rehearsedReads = 20_000;
        private Duration warmUpLimit = Duration.ofSeconds(60);
        private Duration settleTimeout = Duration.ofSeconds(60);

        private Builder(Path device) {
            this.device = device;
        }

        /** Default 0: a swap partition. */
        public Builder resumeOffset(long page) {
            this.resumeOffset = page;
            return this;
        }

        /** Default {@code /dev/snapshot}. */
        public Builder snapshotDevice(Path path) {
            this.snapshotDevice = path;
            return this;
        }

        /** Default: the running kernel's. */
        public Builder target(TargetProfile profile) {
            this.target = Optional.of(profile);
            return this;
        }

        /** Default LZO. */
        public Builder compressor(Compressor c) {
            this.compressor = c;
            return this;
        }

        /** Default: online CPUs - 1, from 1 to 3, as the kernel. */
        public Builder threads(int n) {
            this.threads = n;
            return this;
        }

        /** Default: {@code /sys/power/image_size}. */
        public Builder imageSize(long bytes) {
            this.imageSize = OptionalLong.of(bytes);
            return this;
        }

        /** Default: not encrypted. */
        public Builder encryptWith(KeyMaterial k) {
            this.key = Optional.of(k);
            return this;
        }

        /** Default {@link Hibernator.Shutdown#POWEROFF}. */
        public Builder shutdown(Hibernator.Shutdown how) {
            this.shutdown = how;
            return this;
        }

        /** Default 3. */
        public Builder attempts(int n) {
            this.attempts = n;
            return this;
        }

        /** Default: {@code java.io.tmpdir}. */
        public Builder scratch(Path dir) {
            this.scratch = dir;
            return this;
        }

        /** Default 20,000. */
        public Builder rehearsedReads(int n) {
            this.rehearsedReads = n;
            return this;
        }

        /** Default 60 s. */
        public Builder warmUpLimit(Duration limit) {
            this.warmUpLimit = limit;
            return this;
        }

        /** Default 60 s. */
        public Builder settleTimeout(Duration limit) {
            this.settleTimeout = limit;
            return this;
        }

        public HibernationOptions build() {
            return new HibernationOptions(device, resumeOffset, snapshotDevice, target, compressor, threads, imageSize,
                    key, shutdown, attempts, scratch, rehearsedReads, warmUpLimit, settleTimeout);
        }
    }
}
