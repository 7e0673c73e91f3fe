package dev.torpor.site;

import dev.torpor.hibernation.HibernationListener;
import dev.torpor.hibernation.HibernationOptions;
import dev.torpor.hibernation.ResumeListener;
import dev.torpor.hibernation.ResumeOptions;
import dev.torpor.hibernation.ResumeOutcome;
import dev.torpor.hibernation.SafeHibernation;
import dev.torpor.hibernation.SafeResume;
import dev.torpor.hibernation.Step;
import dev.torpor.image.io.codec.Compressor;
import dev.torpor.image.io.read.HibernationImage;
import dev.torpor.image.io.read.Inspection;
import dev.torpor.image.io.read.PhysicalPage;
import dev.torpor.image.io.read.PhysicalPages;
import dev.torpor.image.io.read.SnapshotStream;
import dev.torpor.image.io.read.Verdict;
import dev.torpor.image.io.Progress;
import dev.torpor.image.io.lifecycle.Hibernator;
import dev.torpor.image.io.lifecycle.Resumer;
import dev.torpor.image.io.write.FreeSlots;
import dev.torpor.image.io.write.ImageWriter;
import dev.torpor.image.io.write.PageStore;
import dev.torpor.image.io.write.StreamFile;
import dev.torpor.image.io.write.SwapArea;
import dev.torpor.platform.linux.LinuxFacts;
import dev.torpor.snapshot.api.KernelByteOrder;
import dev.torpor.snapshot.api.SnapshotInfo;
import dev.torpor.snapshot.api.TargetProfile;
import dev.torpor.snapshot.api.device.SnapshotDevice;
import dev.torpor.snapshot.api.emulator.EmulatedMachine;
import dev.torpor.snapshot.api.emulator.EmulatedMemory;
import dev.torpor.snapshot.api.emulator.EmulatedSwap;
import dev.torpor.snapshot.api.emulator.KernelProfile;
import dev.torpor.snapshot.api.session.SuspendSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The API page's code, compiled and run here against a real kernel image (k61-lzo): SiteBuilder copies each block
 * between {@code // snippet:NAME} and {@code // end} into the page where it says {@code {{snippet:NAME}}}, so the
 * page's examples cannot rot.
 */
class ApiSnippetsTest {
    @TempDir
    static Path tmp;
    static Path swapImage;

    @BeforeAll
    static void aRealImage() throws Exception {
        swapImage = tmp.resolve("k61-lzo.swap");
        try (InputStream in = new GZIPInputStream(Files.newInputStream(
                Path.of(System.getProperty("torpor.testdata", "../testdata"), "corpus", "k61-lzo.swap.gz")))) {
            Files.copy(in, swapImage);
        }
    }

    @Test
    void readingAnImage() throws Exception {
        Path swap = swapImage;
        long[] counted = new long[2];
        // snippet:read
        try (HibernationImage image = HibernationImage.open(swap)) {
            Inspection report = image.inspect(false);        // every unit, the CRC32 and the PFN metadata
            report.problems().forEach(System.out::println);   // each with its byte offset
            try (PhysicalPages pages = image.pages()) {
                for (PhysicalPage p = pages.next(); p != null; p = pages.next()) {
                    // p.pfn(), p.zero(), p.data(): one page at a time, in bounded memory
                    counted[p.zero() ? 1 : 0]++;
                }
            }
            System.out.println(report.verdict());             // VALID, NO_IMAGE, FOREIGN_IMAGE, ENCRYPTED, CORRUPT
        }
        // end
        try (HibernationImage image = HibernationImage.open(swap)) {
            assertThat(image.inspect(false).verdict()).isEqualTo(Verdict.VALID);
        }
        assertThat(counted[0]).as("pages with data").isPositive();
        assertThat(counted[0] + counted[1]).isGreaterThan(10_000);
    }

    @Test
    void writingAnImageIntoASwapArea() throws Exception {
        Path streamFile = tmp.resolve("k61.stream");
        try (HibernationImage image = HibernationImage.open(swapImage);
             FileChannel out = FileChannel.open(streamFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            SnapshotStream s = image.stream();
            for (ByteBuffer p = s.next(); p != null; p = s.next()) {
                out.write(p);
            }
        }
        Path swapFile = tmp.resolve("area.swap");
        try (FileChannel ch = FileChannel.open(swapFile, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            SwapArea.format(PageStore.of(ch), 0, 4096, KernelByteOrder.LITTLE, 30_000, UUID.randomUUID(), "swap");
        }
        long[] seen = new long[1];
        // snippet:write
        try (SwapArea area = SwapArea.open(swapFile);      // page size and byte order from its header
             StreamFile stream = StreamFile.open(streamFile, Optional.empty())) {
            ImageWriter.Result r = ImageWriter.write(stream, stream.target(), area, FreeSlots.emptyOnly(area),
                    ImageWriter.Options.defaults().withCompressor(Compressor.LZ4)
                            .withProgress((done, total, bytes) -> seen[0] = done));
            System.out.printf("%d pages in %d units, %d bytes written%n", r.pages(), r.units(), r.bytesOut());
        }
        // end
        assertThat(seen[0]).isPositive();
        try (HibernationImage written = HibernationImage.open(swapFile)) {
            assertThat(written.inspect(false).verdict()).isEqualTo(Verdict.VALID);
        }
    }

    @Test
    void aHibernationPlan() {
        int swapDevice = dev.torpor.snapshot.api.device.SnapshotDevice.encodeDev(254, 2);
        // snippet:plan
        Hibernator.Plan plan = Hibernator.Plan.builder(TargetProfile.X86_64, swapDevice)
                .compressor(Compressor.LZ4)     // the rest as the kernel does: LZO otherwise, one thread, power off
                .threads(2)
                .build();
        // end
        assertThat(plan.attempts()).isEqualTo(3);
        assertThat(plan.shutdown()).isEqualTo(Hibernator.Shutdown.POWEROFF);
    }

    /** A swap-area file of {@code pages} pages, as mkswap makes it. */
    private static Path freshArea(String name, long pages) throws Exception {
        Path swapFile = tmp.resolve(name);
        try (FileChannel ch = FileChannel.open(swapFile, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            SwapArea.format(PageStore.of(ch), 0, 4096, KernelByteOrder.LITTLE, pages, UUID.randomUUID(), "swap");
        }
        return swapFile;
    }

    @Test
    void hibernatingAndResumingAnEmulatedMachine() throws Exception {
        Path swapFile = freshArea("emulated.swap", 8192);
        int swapDevice = SnapshotDevice.encodeDev(254, 2);
        Map<Long, byte[]> before;
        Map<Long, byte[]> after;
        Hibernator.Resumed back;
        // snippet:emulator
        KernelProfile kernel = KernelProfile.linux(6, 12);            // the ioctls and rules of Linux 6.12
        EmulatedMachine machine = new EmulatedMachine(kernel,
                new EmulatedMemory(4096, 8192).fillSynthetic(7, 3000, 2000))  // 32 MiB: 3000 pages used, 2000 cache
                .addSwap(new EmulatedSwap(swapDevice, 0, 8191, Set.of()));
        before = machine.memory().snapshotOfSavedPages();
        try (SwapArea area = SwapArea.open(swapFile)) {
            Hibernator.Power power = (how, session) -> {                 // instead of powering off:
                machine.halt();                                          // memory lost,
                machine.boot();                                          // a new boot,
                try (HibernationImage image = HibernationImage.open(swapFile)) {  // which resumes the image
                    Resumer.resume(image, area.store(), 0, machine.open(SnapshotDevice.Mode.RESTORE),
                            Optional.empty(), Resumer.RunningKernel.unknown(), Progress.NONE);
                }
            };
            back = Hibernator.hibernate(machine.open(SnapshotDevice.Mode.HIBERNATE), area,
                    Hibernator.Plan.builder(kernel.target(), swapDevice).build(), power, new Hibernator.Listener() { });
            System.out.printf("%d pages stored, back from %s%n", back.written().orElseThrow().pages(),
                    back.fromRam() ? "RAM" : "disk");
        }
        // end
        after = machine.memory().snapshotOfSavedPages();
        assertThat(back.fromRam()).isFalse();
        assertThat(back.written().orElseThrow().pages()).isPositive();
        // the kernel's default image size (2/5 of memory) lets it drop cache pages; every page it kept is as it was
        assertThat(after.size()).isGreaterThanOrEqualTo(3000).isLessThanOrEqualTo(before.size());
        after.forEach((pfn, data) -> assertThat(data).as("PFN %d", pfn).isEqualTo(before.get(pfn)));
        assertThat(machine.boots()).as("the first boot and the one that resumed").isEqualTo(2);
    }

    /** The snippet of a real hibernation: compiled, never run here (it would hibernate the machine of the build). */
    static SafeHibernation.Report hibernateThisMachine() throws java.io.IOException {
        // snippet:safe
        HibernationOptions options = HibernationOptions.builder(Path.of("/dev/sda3"))  // the swap partition
                .compressor(Compressor.LZ4)          // the rest as the kernel does it: threads, image size, power off
                .build();
        SafeHibernation.Report report = SafeHibernation.hibernate(options, new HibernationListener() {
            @Override
            public void step(Step step) {            // heap checked, rehearsed, locked, at rest, freezing
                System.out.println(step);
            }
        });
        // here the machine has been resumed and thawed
        System.out.println("away for " + report.resumed().away());
        // end
        return report;
    }

    /** The snippet of a real resume: compiled, never run here (it would restore into the build machine). */
    static ResumeOutcome resumeThisMachine() throws java.io.IOException {
        // snippet:resume
        ResumeOptions options = ResumeOptions.builder(Path.of("/dev/sda3"))     // in the initramfs
                .running(new Resumer.RunningKernel(java.util.Optional.empty(),   // what the header page must match
                        java.util.Optional.of(LinuxFacts.system().physPages().getAsLong())))
                .build();
        ResumeOutcome outcome = SafeResume.resume(options, new ResumeListener() {
            @Override
            public void verified(long pages, long bytes, java.time.Duration took) {
                System.out.println(pages + " pages in the device, every unit checked: restoring");
            }
        });
        // only if nothing was restored: the boot goes on, and no image that was not restored is still signed
        System.out.println(outcome);          // NoImage, Refused, Damaged, Failed, NotRestored
        // end
        return outcome;
    }

    @Test
    void aResumeChecksARealImageAsTheSnippetWouldAndChangesNothing() throws Exception {
        assertThat(ApiSnippetsTest.class.getDeclaredMethod("resumeThisMachine").getReturnType())
                .isEqualTo(ResumeOutcome.class);
        ResumeOutcome check = SafeResume.check(ResumeOptions.builder(swapImage).build());
        assertThat(check).isInstanceOfSatisfying(ResumeOutcome.Resumable.class,
                r -> assertThat(r.verified().crc32Ok()).contains(true));
        try (HibernationImage image = HibernationImage.open(swapImage)) {
            assertThat(image.inspect(false).verdict()).isEqualTo(Verdict.VALID);
        }
    }

    @Test
    void theRealHibernationSnippetIsCompiledWithTheOptionsItShows() throws Exception {
        // examples/ runs the same call in a QEMU guest; here only what it builds is checked
        assertThat(ApiSnippetsTest.class.getDeclaredMethod("hibernateThisMachine").getReturnType())
                .isEqualTo(SafeHibernation.Report.class);
        HibernationOptions options = HibernationOptions.builder(Path.of("/dev/sda3")).compressor(Compressor.LZ4)
                .build();
        assertThat(options.compressor()).isEqualTo(Compressor.LZ4);
        assertThat(options.shutdown()).isEqualTo(Hibernator.Shutdown.POWEROFF);
    }

    @Test
    void aSuspendSessionOnTheEmulator() throws Exception {
        EmulatedMachine machine = new EmulatedMachine(KernelProfile.linux(6, 1),
                new EmulatedMemory(4096, 4096).fillSynthetic(3, 1000, 500));
        long[] read = new long[2];
        // snippet:sessions
        try (SuspendSession s = new SuspendSession(machine.open(SnapshotDevice.Mode.HIBERNATE), 4096)) {
            s.freeze();                                                      // SNAPSHOT_FREEZE
            if (s.createImage() == SuspendSession.Outcome.CREATED) {         // RESUMED after a restore
                SnapshotInfo info = SnapshotInfo.parse(s.readPage(), KernelProfile.linux(6, 1).target());
                byte[] unit = new byte[32 * 4096];
                long pages = 1;
                for (int n; (n = s.readPages(unit, 0, 32)) > 0; ) {         // readv, 32 pages a call
                    pages += n;
                }
                System.out.println(info.pages() + " pages announced, " + pages + " read");
                read[0] = info.pages();
                read[1] = pages;
                s.free();                                                    // nothing stored: drop the image
            }
            s.unfreeze();
        }
        // end
        assertThat(read[0]).isGreaterThan(1000).isEqualTo(read[1]);
    }
}
