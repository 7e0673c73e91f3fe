package dev.torpor.hibernation;

import dev.torpor.image.io.lifecycle.Resumer;
import dev.torpor.image.io.read.HibernationImage;
import dev.torpor.image.io.read.ImageKind;
import dev.torpor.image.io.read.ReadOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The resume procedure as a library call, on real kernel images in files: every way it can end without a restore
 * leaves a swap area the next boot can use, and says why.
 */
class SafeResumeTest {
    @TempDir
    static Path corpus;

    @TempDir
    Path tmp;

    /** A fresh copy of a real image of the corpus (testdata/corpus, made by Debian kernels in QEMU guests). */
    private Path copy(String name) throws Exception {
        Path inflated = corpus.resolve(name + ".swap");
        if (!Files.exists(inflated)) {
            try (InputStream in = new GZIPInputStream(Files.newInputStream(Path.of(
                    System.getProperty("torpor.testdata", "../testdata"), "corpus", name + ".swap.gz")))) {
                Files.copy(in, inflated);
            }
        }
        Path area = tmp.resolve(name + ".swap");
        Files.copy(inflated, area);
        return area;
    }

    private static ImageKind kindOf(Path area) throws Exception {
        try (HibernationImage image = HibernationImage.open(area, ReadOptions.defaults())) {
            return image.kind();
        }
    }

    /** The corpus images come from guests with 256 MiB; a machine with another memory size must refuse them. */
    private static ResumeOptions.Builder onAnotherMachine(Path area) {
        return ResumeOptions.builder(area).running(new Resumer.RunningKernel(Optional.empty(), Optional.of(123_456L)))
                .snapshotDevice(Path.of("/dev/null")).settleBeforeFreeze(false);
    }

    @Test
    void aMissingDeviceIsNoImage() throws Exception {
        Path missing = tmp.resolve("none");
        ResumeOutcome o = SafeResume.resume(ResumeOptions.builder(missing).build(), ResumeListener.NONE);
        assertThat(o).isEqualTo(new ResumeOutcome.NoImage(missing, 0, true, false));
    }

    @Test
    void aPlainSwapAreaIsNoImageAndAStaleOffsetIsNamed() throws Exception {
        Path area = copy("k61-lzo");
        dev.torpor.image.io.write.Invalidation.invalidate(
                dev.torpor.image.io.write.PageStore.of(FileChannel.open(area, StandardOpenOption.READ,
                        StandardOpenOption.WRITE)), 0);
        assertThat(SafeResume.check(ResumeOptions.builder(area).build()))
                .isEqualTo(new ResumeOutcome.NoImage(area, 0, false, false));
        assertThat(SafeResume.resume(ResumeOptions.builder(area).resumeOffset(3).build(), ResumeListener.NONE))
                .isEqualTo(new ResumeOutcome.NoImage(area, 3, false, true));
    }

    @Test
    void aCheckChangesNothingAndAResumeInvalidatesARefusedImage() throws Exception {
        Path area = copy("k61-lzo");
        ResumeOutcome check = SafeResume.check(onAnotherMachine(area).build());
        assertThat(check).isInstanceOfSatisfying(ResumeOutcome.Refused.class, r -> {
            assertThat(r.invalidated()).isFalse();
            assertThat(r.reason()).contains("physical pages");
        });
        assertThat(kindOf(area)).isEqualTo(ImageKind.KERNEL);

        ResumeOutcome o = SafeResume.resume(onAnotherMachine(area).build(), ResumeListener.NONE);
        assertThat(o).isInstanceOfSatisfying(ResumeOutcome.Refused.class, r -> assertThat(r.invalidated()).isTrue());
        assertThat(kindOf(area)).isEqualTo(ImageKind.NONE);
    }

    @Test
    void aResumableImageChecksAsTheCorpusSays() throws Exception {
        Path area = copy("k612-lzo");
        ResumeOutcome o = SafeResume.check(ResumeOptions.builder(area).build());
        assertThat(o).isInstanceOfSatisfying(ResumeOutcome.Resumable.class, r -> {
            assertThat(r.verified().kind()).isEqualTo(ImageKind.KERNEL);
            assertThat(r.verified().pages()).as("testdata/corpus/k612-lzo.expected.json, info.pages").isEqualTo(14594);
            assertThat(r.verified().crc32Ok()).contains(true);
        });
    }

    @Test
    void aDamagedImageIsFoundWithItsOffsetAndInvalidatedBeforeAnyRestore() throws Exception {
        Path area = copy("k612-lzo");
        try (FileChannel ch = FileChannel.open(area, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[4096]), 40L * 4096 * 16); // zero a page of compressed data
        }
        // a check reads the whole stream first, so the damage is a refusal that says where
        assertThat(SafeResume.check(ResumeOptions.builder(area).build()))
                .isInstanceOfSatisfying(ResumeOutcome.Refused.class, r -> {
                    assertThat(r.invalidated()).isFalse();
                    assertThat(r.reason()).contains("compressed unit 92 is not valid LZO data", "(byte 2600960)");
                });
        assertThat(kindOf(area)).isEqualTo(ImageKind.KERNEL);
        ResumeOutcome o = SafeResume.resume(ResumeOptions.builder(area).snapshotDevice(Path.of("/dev/null"))
                .settleBeforeFreeze(false).build(), ResumeListener.NONE);
        // a resume finds it in its one pass, with the device never restored
        assertThat(o).isInstanceOfSatisfying(ResumeOutcome.Damaged.class, d -> {
            assertThat(d.invalidated()).isTrue();
            assertThat(d.error().getMessage()).contains("compressed unit 92 is not valid LZO data");
            assertThat(d.error().offset()).isEqualTo(2600960);
        });
        assertThat(kindOf(area)).isEqualTo(ImageKind.NONE);
    }

    /** No snapshot device: not the image's fault, but no image may stay signed for a later boot either. */
    @Test
    void anImageThatCannotReachTheDeviceIsNotRestoredAndNotLeftSigned() throws Exception {
        Path area = copy("k612-lzo");
        List<Throwable> failed = new ArrayList<>();
        ResumeOutcome o = SafeResume.resume(ResumeOptions.builder(area).snapshotDevice(tmp.resolve("no-snapshot"))
                .build(), new ResumeListener() {
                    @Override
                    public void restoreFailed(Throwable cause) {
                        failed.add(cause);
                    }
                });
        assertThat(o).isInstanceOfSatisfying(ResumeOutcome.NotRestored.class, n -> {
            assertThat(n.handedToKernel()).as("a file is never handed to the kernel's resume").isFalse();
            assertThat(n.invalidated()).isTrue();
        });
        assertThat(failed).hasSize(1);
        assertThat(kindOf(area)).isEqualTo(ImageKind.NONE);
    }
}
