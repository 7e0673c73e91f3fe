package dev.torpor.packaging.debian;

import dev.torpor.image.io.read.HibernationImage;
import dev.torpor.image.io.read.Inspection;
import dev.torpor.image.io.read.ReadOptions;
import dev.torpor.image.io.read.Verdict;
import dev.torpor.guest.QemuGuest;
import dev.torpor.guest.QemuMonitor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The package on real Debian systems under QEMU (TCG): a debootstrapped bookworm with systemd and initramfs-tools,
 * the package installed with dpkg, its initramfs made by the system's own update-initramfs. {@code systemctl
 * hibernate} goes through logind, systemd-hibernate.service and Torpor's drop-in; the next boot resumes from Torpor's
 * local-premount script, and the process that was running before still holds its marker.
 */
@Tag("debian-system")
// run two at a time (the surefire execution's configuration): JUnit's pool runs the first and the last ones first,
// so the longest cases are at both ends
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DebianSystemTest {
    static final Path CACHE = Path.of(System.getProperty("torpor.debian.cache",
            System.getProperty("user.home") + "/.cache/torpor/debian"));
    static final Path DEB = Path.of(System.getProperty("torpor.deb", "target/torpor.deb"));
    static final Path WORK = Path.of(System.getProperty("torpor.debian.work", "target/debian-system"));
    static final Duration BOOT = Duration.ofMinutes(15);
    static final Pattern MARKER = Pattern.compile("TORPOR-DEB marker=(\\w+) pid=(\\d+) shm=(\\w+) unitpid=(\\d+)");

    static Path bookworm;
    static Path trixie;
    /** Systems alike (tree, swap, command after the install) are built once; each case boots a copy. */
    static final Map<String, CompletableFuture<DebianSystem.Built>> BUILT = new ConcurrentHashMap<>();
    static final java.util.concurrent.atomic.AtomicInteger BUILDS = new java.util.concurrent.atomic.AtomicInteger();

    /** The trixie tree, made on first use. */
    static synchronized Path trixie() throws IOException {
        if (trixie == null) {
            long t = System.nanoTime();
            trixie = DebianRoot.ensure(CACHE, "trixie", List.of());
            Report.line("trixie tree ready in %.0f s (%s)", (System.nanoTime() - t) / 1e9, trixie);
        }
        return trixie;
    }

    @BeforeAll
    static void roots() throws IOException {
        assertThat(DEB).as("the package, made in the package phase").isRegularFile();
        long t = System.nanoTime();
        bookworm = DebianRoot.ensure(CACHE, "bookworm", List.of());
        Report.line("bookworm tree ready in %.0f s (%s)", (System.nanoTime() - t) / 1e9, bookworm);
    }

    /** The systems as built (each case boots its copy): 1 GB each on disk, not needed once every case ran. */
    @AfterAll
    static void removeBuilds() throws IOException {
        try (var dirs = Files.list(WORK)) {
            for (Path d : dirs.filter(p -> p.getFileName().toString().startsWith("built-")).toList()) {
                Sh.run(WORK, "rm", "-rf", d.toAbsolutePath().toString());
            }
        }
    }

    @Test
    @Order(4)
    void bookwormOnASwapPartitionHibernatesWithSystemctlAndResumesFromItsOwnInitramfs() throws Exception {
        Case c = Case.build("bookworm-partition", bookworm);
        assertThat(c.sys.initrdBytesAfter() - c.sys.initrdBytesBefore()).as("initramfs growth").isLessThan(40_000_000L);
        Marker before = c.hibernate("hibernate");
        assertThat(c.first).as("logind's checks pass").contains("TORPOR-DEB logind CanHibernate s \"yes\"")
                .contains("TORPOR-DEB hook pre hibernate SYSTEMD_SLEEP_ACTION=hibernate");

        String c2 = c.boot(2, "torpor.test=resume");
        assertThat(c2).as("torpor resume in the initramfs, before the kernel's resume").contains(
                "torpor: looking for a hibernation image in /dev/vda1", "torpor: verified ", "torpor: resuming from /dev/")
                .doesNotContain("PM: hibernation: resume from hibernation", "TORPOR-DEB NOT-RESUMED",
                        "TORPOR-DEB boot mode=");
        before.assertResumedIn(c2);
        assertThat(c2).contains("TORPOR-DEB hook post hibernate SYSTEMD_SLEEP_ACTION=hibernate");
        // what torpor printed after the snapshot (the writing) is not in the restored system's memory, so not in its
        // journal: the kernel's own "Wrote" lines are lost the same way
        assertThat(c2).as("torpor's log in the journal").contains("TORPOR-DEB journal torpor: entering sleep state "
                + "'hibernate'", "TORPOR-DEB journal torpor: freezing", "TORPOR-DEB journal torpor: resumed after",
                "TORPOR-DEB journal torpor: system returned from sleep state 'hibernate'");
        assertThat(c2).contains("TORPOR-DEB powering off");
    }

    @Test
    @Order(7)
    void trixieOnASwapFileWithResumeOffsetOnTheCommandLine() throws Exception {
        Case c = Case.build("trixie-swapfile", trixie(), DebianSystem.Swap.FILE);
        // the setup boot also shows that a resume= device that does not exist lets the boot go on
        String missing = UUID.randomUUID().toString();
        String c1 = c.boot(1, "resume=UUID=" + missing + " torpor.test=swapfile-setup");
        // torpor itself looks for a swap header with that UUID (blkid knows no link for Torpor's encrypted kind), finds
        // none, and says so at once, without the wait for a device that never comes
        assertThat(c1).as("a resume= device that does not exist").contains("torpor: the resume device /dev/disk/by-uuid/"
                + missing + " (command line) does not exist, so there is nothing to resume; booting normally");
        Matcher m = Pattern.compile("TORPOR-DEB swapfile resume_offset=(\\d+)").matcher(c1);
        assertThat(m.find()).as(c1).isTrue();
        long offset = Long.parseLong(m.group(1));
        String resume = "resume=UUID=" + c.sys.rootUuid() + " resume_offset=" + offset;
        Marker before = c.hibernate(2, resume, "hibernate", offset);
        String c3 = c.boot(3, resume + " torpor.test=resume");
        assertThat(c3).contains("torpor: looking for a hibernation image in /dev/vda1", "torpor: verified ",
                "torpor: resuming from /dev/").doesNotContain("TORPOR-DEB boot mode=", "torpor: resume failed",
                "PM: hibernation: resume from hibernation");
        before.assertResumedIn(c3);
        assertThat(c3).contains("TORPOR-DEB journal torpor: hibernating to /dev/vda1 (254:1) offset " + offset);
    }

    @Test
    @Order(2)
    void hybridSleepComesBackFromRamAndAfterAPowerCutInRamFromDisk() throws Exception {
        Case c = Case.build("bookworm-hybrid", bookworm);
        String c1 = c.bootSuspending(1, "torpor.test=hybrid-sleep", true);
        Marker woken = Marker.in(c1);
        assertThat(c1).contains("TORPOR-DEB logind CanHybridSleep s \"yes\"",
                "TORPOR-DEB hook pre hybrid-sleep SYSTEMD_SLEEP_ACTION=hybrid-sleep",
                "TORPOR-DEB hook post hybrid-sleep SYSTEMD_SLEEP_ACTION=hybrid-sleep");
        woken.assertResumedIn(c1);
        assertThat(c1).as("woken from RAM, the image is invalidated and the system thawed").contains(
                "TORPOR-DEB journal torpor: woke from RAM after", "TORPOR-DEB journal torpor: system returned from "
                        + "sleep state 'hybrid-sleep'");
        assertThat(inspectSwap(c.sys, c.work).verdict()).as("no image is left").isEqualTo(Verdict.NO_IMAGE);

        String c2 = c.bootSuspending(2, "torpor.test=hybrid-sleep", false);
        Marker lost = Marker.in(c2);
        assertThat(c2).doesNotContain("TORPOR-DEB RESUMED", "TORPOR-DEB powering off");
        Inspection image = inspectSwap(c.sys, c.work);
        assertThat(image.verdict()).as("the image written before the suspend " + image).isEqualTo(Verdict.VALID);
        String c3 = c.boot(3, "torpor.test=resume");
        assertThat(c3).contains("torpor: verified ", "torpor: resuming from /dev/").doesNotContain(
                "TORPOR-DEB boot mode=", "torpor: resume failed", "PM: hibernation: resume from hibernation");
        lost.assertResumedIn(c3);
        assertThat(c3).contains("TORPOR-DEB journal torpor: resumed after",
                "TORPOR-DEB journal torpor: system returned from sleep state 'hybrid-sleep'");
    }

    @Test
    @Order(1)
    void swapOnALogicalVolumeAsDebiansGuidedPartitioningMakesIt() throws Exception {
        Case c = Case.build("bookworm-lvm", DebianRoot.ensure(CACHE, "bookworm", List.of("lvm2")),
                DebianSystem.Swap.LVM);
        String c1 = c.boot(1, "torpor.test=lvm-setup");
        Matcher m = Pattern.compile("TORPOR-DEB lvm pe_start=(\\d+) lv_bytes=(\\d+) segments=/dev/vda1:0-\\d+")
                .matcher(c1);
        assertThat(c1).contains("TORPOR-DEB lvm exit=0");
        assertThat(m.find()).as(c1).isTrue();
        c.lvStart = c.sys.swapOffset() + Long.parseLong(m.group(1));
        c.lvBytes = Long.parseLong(m.group(2));
        assertThat(c.lvStart % DebianSystem.MIB).as("the volume starts on a MiB").isZero();
        String resume = "resume=/dev/mapper/torpor--vg-swap_1";
        Marker before = c.hibernate(2, resume, "hibernate", 0);
        assertThat(c1).as("the volume is the active swap").contains("TORPOR-DEB swaps /dev/dm-0:partition:");
        String c3 = c.boot(3, resume + " torpor.test=resume");
        assertThat(c3).contains("torpor: looking for a hibernation image in /dev/", "torpor: verified ",
                "torpor: resuming from /dev/").doesNotContain("TORPOR-DEB boot mode=", "torpor: resume failed",
                "PM: hibernation: resume from hibernation");
        before.assertResumedIn(c3);
    }

    @Test
    @Order(6)
    void trixieWithDracutResumesFromItsDracutInitramfs() throws Exception {
        Case c = Case.build("trixie-dracut", DebianRoot.ensure(CACHE, "trixie", DebianRoot.Generator.DRACUT,
                List.of()));
        assertThat(c.sys.installLog()).as("the initramfs is dracut's").contains("dracut");
        String resume = "resume=UUID=" + c.sys.swapUuid();
        Marker before = c.hibernate(1, resume, "hibernate", 0);
        String c2 = c.boot(2, resume + " torpor.test=resume");
        assertThat(c2).contains("torpor: looking for a hibernation image in /dev/disk/by-uuid/" + c.sys.swapUuid(),
                "torpor: verified ", "torpor: resuming from /dev/", "torpor: restoring: ")
                .as("torpor restored it, not the kernel's resume after it")
                .doesNotContain("TORPOR-DEB boot mode=", "TORPOR-DEB NOT-RESUMED", "torpor: resume failed",
                        "PM: hibernation: resume from hibernation");
        before.assertResumedIn(c2);
        assertThat(c2).contains("TORPOR-DEB journal torpor: resumed after");
    }

    @Test
    @Order(3)
    void noresumeBootsNormallyAndTheSwapAreaIsUsable() throws Exception {
        Case c = Case.build("bookworm-noresume", bookworm);
        c.hibernate("hibernate");
        String c2 = c.boot(2, "noresume torpor.test=plain");
        assertThat(c2).contains("torpor: noresume: not resuming, booting normally")
                .doesNotContain("torpor: looking for", "TORPOR-DEB RESUMED")
                .contains("TORPOR-DEB boot mode=plain", "TORPOR-DEB NOT-RESUMED");
        assertThat(c2).as("the swap area is in use again").containsPattern("TORPOR-DEB swaps /dev/vda1:partition:\\d+");
        assertThat(inspectSwap(c.sys, c.work).verdict()).as("the old image is gone").isEqualTo(Verdict.NO_IMAGE);
        // a resume= device that does not exist: the setup boot of the swap-file case
    }

    @Test
    @Order(5)
    void afterRemovalSystemctlHibernateIsTheKernelsAgainAndStillWorks() throws Exception {
        // apt-get remove, with the package's own postrm (which rebuilds the initramfs): in the chroot, since
        // update-initramfs takes 8 minutes in a one-CPU TCG guest (measured) and the same scripts run either way
        Case c = Case.build("bookworm-removed", bookworm, DebianSystem.Swap.PARTITION, "apt-get remove -y torpor");
        assertThat(c.sys.afterLog()).contains("Removing torpor", "update-initramfs: Generating /boot/initrd.img-");
        Path initrd = c.sys.initrd();
        String c1 = c.boot(1, "torpor.test=removed-then-hibernate", initrd);
        assertThat(c1).contains("TORPOR-DEB boot mode=removed-then-hibernate kernel=", "TORPOR-DEB drop-ins=[]",
                "TORPOR-DEB initrd-has-torpor 0", "TORPOR-DEB hook pre hibernate SYSTEMD_SLEEP_ACTION=hibernate")
                .doesNotContain("TORPOR-DEB RESUMED", "torpor: looking for");
        Marker before = Marker.in(c1);
        assertThat(inspectSwap(c.sys, c.work).verdict()).as("the kernel's image").isEqualTo(Verdict.VALID);
        String c2 = c.boot(2, "torpor.test=resume", initrd);
        assertThat(c2).contains("PM: hibernation: resume from hibernation").doesNotContain("torpor: looking for");
        before.assertResumedIn(c2);
        assertThat(c2).contains("TORPOR-DEB journal Entering sleep state 'hibernate'")
                .doesNotContain("TORPOR-DEB journal torpor:");
    }

    @Test
    @Order(8)
    void publicKeyImagesHibernateWithNoPassphraseAndAskForItOnTheConsoleAtResume() throws Exception {
        Case c = Case.build("bookworm-publickey", bookworm, DebianSystem.Swap.PARTITION,
                "printf 'correct horse\\n' > /root/pw && torpor keygen --iterations 100000 --passphrase-file /root/pw"
                        + " && rm /root/pw && printf 'key-file = /etc/torpor/image.sec\\n' >> /etc/torpor/torpor.conf"
                        + " && update-initramfs -u");
        assertThat(c.sys.afterLog()).contains("secret key: /etc/torpor/image.sec");
        String c1 = c.boot(1, "torpor.test=hibernate");
        Marker before = Marker.in(c1);
        assertThat(c1).doesNotContain("TORPOR-DEB RESUMED", "TORPOR-DEB NOT-RESUMED", "Passphrase");
        Inspection image = c.inspect(0);
        assertThat(image.verdict()).as(image.toString()).isEqualTo(Verdict.ENCRYPTED);
        assertThat(swapHolds(c, before.marker())).as("the marker in plain text in the swap area").isFalse();

        String c2 = c.bootTyping(2, "torpor.test=resume", "wrong horse");
        assertThat(c2).contains("Passphrase of the hibernation key", "torpor: wrong passphrase (2 more tries)",
                "torpor: wrong passphrase (1 more try)", "the secret key was not opened; the image stays in",
                "TORPOR-DEB NOT-RESUMED");
        assertThat(c.inspect(0).verdict()).as("the image stays for the next boot").isEqualTo(Verdict.ENCRYPTED);

        String c3 = c.bootTyping(3, "torpor.test=resume", "correct horse");
        assertThat(c3).contains("Passphrase of the hibernation key", "torpor: verified ", "torpor: resuming from /dev/")
                .doesNotContain("wrong passphrase", "TORPOR-DEB NOT-RESUMED");
        before.assertResumedIn(c3);
    }

    /** Whether the swap partition holds {@code text} anywhere, as plain bytes. */
    static boolean swapHolds(Case c, String text) throws IOException {
        byte[] needle = text.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(c.sys.disk())) {
            java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(1 << 20);
            byte[] carry = new byte[0];
            for (long at = c.sys.swapOffset(); at < c.sys.swapOffset() + c.sys.swapBytes(); at += buf.capacity()) {
                buf.clear();
                ch.read(buf, at);
                byte[] chunk = new byte[carry.length + buf.position()];
                System.arraycopy(carry, 0, chunk, 0, carry.length);
                System.arraycopy(buf.array(), 0, chunk, carry.length, buf.position());
                if (new String(chunk, java.nio.charset.StandardCharsets.ISO_8859_1).contains(text)) {
                    return true;
                }
                carry = java.util.Arrays.copyOfRange(chunk, Math.max(0, chunk.length - needle.length), chunk.length);
            }
        }
        return false;
    }

    /** The marker process as the first boot reported it. */
    record Marker(String marker, String pid) {
        static Marker in(String console) {
            Matcher m = MARKER.matcher(console);
            assertThat(m.find()).as(console).isTrue();
            assertThat(m.group(3)).as("the tmpfs copy").isEqualTo(m.group(1));
            assertThat(m.group(4)).as("the unit's main PID").isEqualTo(m.group(2));
            return new Marker(m.group(1), m.group(2));
        }

        /** The same process, with the same marker in its memory and in tmpfs, after the resume. */
        void assertResumedIn(String console) {
            assertThat(console).contains("TORPOR-DEB RESUMED marker=" + marker + " pid=" + pid + " shm=" + marker
                    + " unitpid=" + pid);
        }
    }

    /** One system and its boots; each boot's console is kept in the work folder. */
    static final class Case {
        final String name;
        final Path work;
        final DebianSystem.Built sys;
        String first;
        /** Where the logical volume is in the disk, and its size (Swap.LVM, once the guest made it). */
        long lvStart;
        long lvBytes;

        private Case(String name, Path work, DebianSystem.Built sys) {
            this.name = name;
            this.work = work;
            this.sys = sys;
        }

        static Case build(String name, Path pristine) throws IOException {
            return build(name, pristine, DebianSystem.Swap.PARTITION, null);
        }

        static Case build(String name, Path pristine, DebianSystem.Swap swap) throws IOException {
            return build(name, pristine, swap, null);
        }

        static Case build(String name, Path pristine, DebianSystem.Swap swap, String afterInstall) throws IOException {
            Path work = Files.createDirectories(WORK.resolve(name)).toAbsolutePath();
            String key = pristine + " " + swap + " " + afterInstall;
            CompletableFuture<DebianSystem.Built> mine = new CompletableFuture<>();
            CompletableFuture<DebianSystem.Built> shared = BUILT.putIfAbsent(key, mine);
            DebianSystem.Built sys;
            if (shared == null) {
                try {
                    DebianSystem.Built b = DebianSystem.build(pristine,
                            Files.createDirectories(WORK.resolve("built-" + BUILDS.incrementAndGet())).toAbsolutePath(),
                            DEB.toAbsolutePath(), swap, afterInstall);
                    mine.complete(b);
                } catch (IOException | RuntimeException | Error e) {
                    mine.completeExceptionally(e);
                    throw e;
                }
                shared = mine;
                DebianSystem.Built b = mine.join();
                Report.line("%s: built in %.0f s; initramfs %d -> %d bytes (+%.1f MB); package %.1f MB", name,
                        b.buildTime().toMillis() / 1e3, b.initrdBytesBefore(), b.initrdBytesAfter(),
                        (b.initrdBytesAfter() - b.initrdBytesBefore()) / 1e6, Files.size(DEB) / 1e6);
            }
            try {
                sys = shared.join().copyTo(work);
            } catch (java.util.concurrent.CompletionException e) {
                throw new IOException("building the system of " + name + " failed", e.getCause());
            }
            assertThat(sys.installLog()).contains("torpor: systemctl hibernate now hibernates with torpor");
            return new Case(name, work, sys);
        }

        String boot(int n, String args) throws IOException {
            return boot(n, args, sys.initrd());
        }

        String boot(int n, String args, Path initrd) throws IOException {
            return boot(n, args, new QemuGuest(sys.kernel(), initrd, "1G"));
        }

        /**
         * Boot {@code n} on a machine with suspend to RAM. Once the guest is in S3 (seen on QMP), it is woken
         * ({@code wake}) or its power is cut, as a machine's battery running out does.
         */
        String bootSuspending(int n, String args, boolean wake) throws IOException {
            Path qmp = work.resolve("qmp-" + n + ".sock");
            Files.deleteIfExists(qmp);
            AtomicBoolean suspended = new AtomicBoolean();
            Path statusLog = work.resolve("qmp-" + n + ".log");
            Thread watcher = new Thread(() -> {
                try (QemuMonitor m = QemuMonitor.connect(qmp, BOOT)) { // the boot may wait for a host core first
                    // every change of QEMU's run state, for the case where the guest never reaches S3
                    boolean reached = m.awaitStatus("suspended", BOOT, st -> Files.writeString(statusLog,
                            java.time.Instant.now() + " " + st + "\n", StandardOpenOption.CREATE,
                            StandardOpenOption.APPEND));
                    if (reached) {
                        suspended.set(true);
                        Thread.sleep(5000);
                        if (wake) {
                            m.wakeUp();
                        } else {
                            m.cutPower();
                        }
                    }
                } catch (IOException | InterruptedException e) {
                    // QEMU ended (the guest powered off before it suspended): the assertions below say so
                }
            }, "qmp-" + n);
            watcher.start();
            String text = boot(n, args, new QemuGuest(sys.kernel(), sys.initrd(), "1G").withSuspendToRam(qmp));
            try {
                watcher.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            assertThat(suspended).as("the guest reached S3; console:\n" + text).isTrue();
            Report.line("%s: boot %d was in S3, then %s", name, n, wake ? "woken" : "its power was cut");
            return text;
        }

        /** Boot {@code n}, typing {@code passphrase} on the serial console at each passphrase prompt. */
        String bootTyping(int n, String args, String passphrase) throws IOException {
            QemuGuest.Console c = new QemuGuest(sys.kernel(), sys.initrd(), "1G").boot(sys.disk(),
                    sys.commandLine() + " " + args, BOOT, true, work.resolve("console-" + n + ".log"),
                    (line, control) -> {
                        if (line.contains("Passphrase of the hibernation key")) {
                            control.type(passphrase + "\n");
                        }
                    });
            Report.line("%s: boot %d (%s) %.0f s", name, n, args, c.ran().toMillis() / 1e3);
            return c.text();
        }

        String boot(int n, String args, QemuGuest guest) throws IOException {
            QemuGuest.Console c = guest.boot(sys.disk(), sys.commandLine() + " " + args, BOOT, true,
                    work.resolve("console-" + n + ".log"), l -> { });
            Report.line("%s: boot %d (%s) %.0f s", name, n, args, c.ran().toMillis() / 1e3);
            if (n == 1) {
                first = c.text();
            }
            return c.text();
        }

        /** Boot 1: the marker process starts, then systemctl MODE; the guest must power off with a valid image. */
        Marker hibernate(String mode) throws IOException {
            return hibernate(1, "", mode, 0);
        }

        /** Boot {@code n} with {@code args}, as {@link #hibernate(String)}; the image at {@code offset} of the area. */
        Marker hibernate(int n, String args, String mode, long offset) throws IOException {
            String c = boot(n, (args + " torpor.test=" + mode).strip());
            Marker m = Marker.in(c);
            assertThat(c).doesNotContain("TORPOR-DEB RESUMED", "TORPOR-DEB NOT-RESUMED");
            Inspection image = inspect(offset);
            assertThat(image.verdict()).as(image.toString()).isEqualTo(Verdict.VALID);
            return m;
        }

        /** Torpor's reader on the swap area between the boots; {@code offset} is a swap file's resume offset. */
        Inspection inspect(long offset) throws IOException {
            return switch (sys.swap()) {
                case PARTITION -> inspectSwap(sys, work);
                case FILE -> inspectSwapFile(sys, work, offset);
                case LVM -> inspectRange(sys, work, lvStart, lvBytes);
            };
        }
    }

    /** Torpor's reader on a swap file: the root partition with the file's resume offset. */
    static Inspection inspectSwapFile(DebianSystem.Built sys, Path work, long offset) throws IOException {
        Path part = work.resolve("root.copy");
        Sh.run(work, Duration.ofMinutes(5), "dd", "if=" + sys.disk(), "of=" + part, "bs=1M",
                "skip=" + sys.rootOffset() / DebianSystem.MIB, "count=" + DebianSystem.rootMib(sys), "conv=sparse",
                "status=none");
        try (HibernationImage image = HibernationImage.open(part, ReadOptions.defaults().withResumeOffset(offset))) {
            return image.inspect(false);
        } finally {
            Files.deleteIfExists(part);
        }
    }

    /** Torpor's reader on the swap partition between the boots: what the guest left there. */
    static Inspection inspectSwap(DebianSystem.Built sys, Path work) throws IOException {
        return inspectRange(sys, work, sys.swapOffset(), sys.swapBytes());
    }

    /** Torpor's reader on {@code bytes} of the disk from {@code start}, both whole MiB. */
    static Inspection inspectRange(DebianSystem.Built sys, Path work, long start, long bytes) throws IOException {
        Path swap = work.resolve("swap.copy");
        Sh.run(work, Duration.ofMinutes(5), "dd", "if=" + sys.disk(), "of=" + swap, "bs=1M",
                "skip=" + start / DebianSystem.MIB, "count=" + bytes / DebianSystem.MIB, "conv=sparse", "status=none");
        try (HibernationImage image = HibernationImage.open(swap, ReadOptions.defaults())) {
            return image.inspect(false);
        } finally {
            Files.deleteIfExists(swap);
        }
    }

    /** Figures for the closing note and the site: appended to target/debian-system-report.txt. */
    static final class Report {
        static synchronized void line(String format, Object... args) throws IOException {
            String l = String.format(format, args);
            System.out.println(l);
            Files.writeString(Path.of("target/debian-system-report.txt"), l + "\n", StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        }
    }
}
