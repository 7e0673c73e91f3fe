package dev.torpor.platform.linux;

import dev.torpor.snapshot.api.device.Errno;
import dev.torpor.snapshot.api.device.SnapshotDevice;
import dev.torpor.snapshot.api.device.ErrnoException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The libc path of the real device, exercised on other device nodes: this machine must never open its own
 * /dev/snapshot (that would start hibernating it). /dev/null and /dev/zero answer the same system calls with
 * errors and data the kernel defines, which proves the bindings, request passing and errno mapping.
 */
class LinuxSnapshotDeviceTest {

    @TempDir
    Path tmp;

    private static void errno(Errno expected, org.junit.jupiter.api.function.Executable call) {
        assertThatThrownBy(call::execute).isInstanceOf(ErrnoException.class)
                .satisfies(e -> assertThat(((ErrnoException) e).errno()).as(e.getMessage())
                        .isEqualTo(expected.value()));
    }

    @Test
    void ioctlsReachTheKernelAndErrnoComesBack() throws Exception {
        try (LinuxSnapshotDevice d = LinuxSnapshotDevice.open(Path.of("/dev/null"), SnapshotDevice.Mode.HIBERNATE)) {
            errno(Errno.ENOTTY, d::freeze);
            errno(Errno.ENOTTY, d::createImage);
            errno(Errno.ENOTTY, () -> d.setSwapArea(0, SnapshotDevice.encodeDev(254, 16)));
            errno(Errno.ENOTTY, () -> d.prefImageSize(1 << 20));
            errno(Errno.ENOTTY, d::allocSwapPage);
            errno(Errno.ENOTTY, d::availSwapSize);
            assertThat(d.read(ByteBuffer.allocate(4096))).isZero(); // /dev/null reads as end of file
        }
        try (LinuxSnapshotDevice d = LinuxSnapshotDevice.open(Path.of("/dev/zero"), SnapshotDevice.Mode.HIBERNATE)) {
            ByteBuffer page = ByteBuffer.allocate(4096);
            page.put(0, (byte) 7);
            assertThat(d.read(page)).isEqualTo(4096);
            assertThat(page.get(0)).isZero();
        }
        try (LinuxSnapshotDevice w = LinuxSnapshotDevice.open(Path.of("/dev/null"), SnapshotDevice.Mode.RESTORE)) {
            ByteBuffer page = ByteBuffer.allocate(4096);
            assertThat(w.write(page)).isEqualTo(4096);
            assertThat(page.hasRemaining()).isFalse();
            errno(Errno.EBADF, () -> w.read(ByteBuffer.allocate(16))); // opened write-only
        }
    }

    @Test
    void openErrorsNameTheCall() {
        errno(Errno.ENOENT, () -> LinuxSnapshotDevice.open(tmp.resolve("snapshot"), SnapshotDevice.Mode.HIBERNATE));
        assertThatThrownBy(() -> LinuxSnapshotDevice.open(tmp.resolve("snapshot"), SnapshotDevice.Mode.RESTORE))
                .hasMessageContaining("open(").hasMessageContaining("ENOENT");
    }

    /**
     * Storing an image reads every page and allocates a swap page for it while the JVM's collector is frozen:
     * those calls must not allocate on the heap. 20,000 reads of /dev/zero stay below 64 KiB of allocation.
     */
    @Test
    void readingPagesAllocatesNothingPerPage() throws Exception {
        com.sun.management.ThreadMXBean mx =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        ByteBuffer page = ByteBuffer.allocate(4096);
        try (LinuxSnapshotDevice d = LinuxSnapshotDevice.open(Path.of("/dev/zero"), SnapshotDevice.Mode.HIBERNATE)) {
            for (int i = 0; i < 20_000; i++) { // warm up: the JIT's escape analysis settles
                page.clear();
                d.read(page);
            }
            long bytes = 0;
            long before = mx.getThreadAllocatedBytes(Thread.currentThread().getId());
            for (int i = 0; i < 20_000; i++) {
                page.clear();
                bytes += d.read(page);
            }
            long allocated = mx.getThreadAllocatedBytes(Thread.currentThread().getId()) - before;
            assertThat(bytes).isEqualTo(20_000L * 4096);
            assertThat(allocated).as("bytes allocated by 20000 reads").isLessThan(64 * 1024);
        }
    }

    /** The rehearsal of every device call runs on harmless nodes, with as many page reads as asked for. */
    @Test
    void theRehearsalRunsOnHarmlessNodes() throws Exception {
        LinuxSnapshotDevice.rehearse(Path.of("/dev/zero"), Path.of("/dev/null"), 5_000);
        LinuxSnapshotDevice.rehearse(Path.of("/dev/zero"), Path.of("/dev/null"));
        assertThatThrownBy(() -> LinuxSnapshotDevice.rehearse(
                Path.of("/nonexistent/zero"), Path.of("/dev/null"), 10)).isInstanceOf(ErrnoException.class)
                .hasMessageContaining("/nonexistent/zero");
    }

    /**
     * The rehearsal's 10000 refused ALLOC_SWAP_PAGE calls make no exception each (an exception with its stack trace
     * cost 0.85 ms in a TCG guest, 8.4 s a hibernation): what it allocates is a few buffers, not a few per call.
     */
    @Test
    void theRehearsalsRefusedCallsAllocateNothingPerCall() throws Throwable {
        LinuxSnapshotDevice.rehearse(Path.of("/dev/zero"), Path.of("/dev/null"), 2_000);
        long fixed = allocatedBy(() -> LinuxSnapshotDevice.rehearse(Path.of("/dev/zero"), Path.of("/dev/null"), 40));
        long[] allocs = new long[1];
        long big = allocatedBy(() -> allocs[0] = LinuxSnapshotDevice.rehearse(Path.of("/dev/zero"),
                Path.of("/dev/null"), 20_040).allocs());
        assertThat(allocs[0]).isEqualTo(10_000);
        // each exception with its stack trace is about 2.5 kB: 10000 of them would be 25 MB
        assertThat(big - fixed).as("bytes allocated by 10000 refused calls and 20000 reads more").isLessThan(256 << 10);
    }

    /**
     * The JNI binding (the library the build makes from src/main/c) moves pages and reports errno as JNA's does, and
     * the rehearsal measures both bindings and the plain C loops on the same node.
     */
    @Test
    void theJniBindingMovesPagesAndFailsLikeJna() throws Exception {
        assertThat(LinuxSnapshotDevice.jniUnavailabilityCause()).as("the build compiled the JNI library (gcc)")
                .isEmpty();
        String before = System.getProperty(LinuxSnapshotDevice.BINDING_PROPERTY);
        System.setProperty(LinuxSnapshotDevice.BINDING_PROPERTY, "jni");
        try {
            try (LinuxSnapshotDevice d = LinuxSnapshotDevice.open(Path.of("/dev/zero"), SnapshotDevice.Mode.HIBERNATE)) {
                assertThat(d.binding()).isEqualTo("JNI");
                ByteBuffer batch = ByteBuffer.allocate(32 * 4096);
                java.util.Arrays.fill(batch.array(), (byte) 7);
                assertThat(d.readv(batch, 4096)).isEqualTo(32L * 4096);
                assertThat(batch.array()).containsOnly((byte) 0);
                assertThatThrownBy(d::allocSwapPage).isInstanceOf(ErrnoException.class)
                        .matches(e -> ((ErrnoException) e).errno() == 25, "ENOTTY");
            }
            try (LinuxSnapshotDevice d = LinuxSnapshotDevice.open(Path.of("/dev/null"), SnapshotDevice.Mode.RESTORE)) {
                assertThat(d.writev(ByteBuffer.allocate(8 * 4096), 4096)).isEqualTo(8L * 4096);
                // FREEZE and the restore in one native call; /dev/null refuses the FREEZE, so nothing else happens
                assertThat(d.freezesAndRestoresAtOnce()).isTrue();
                assertThatThrownBy(d::freezeAndRestore).isInstanceOf(ErrnoException.class)
                        .hasMessageContaining("SNAPSHOT_FREEZE").matches(e -> ((ErrnoException) e).errno() == 25);
            }
            try (LinuxSnapshotDevice d = LinuxSnapshotDevice.open(Path.of("/dev/zero"), SnapshotDevice.Mode.HIBERNATE)) {
                assertThat(d.freezesAndRestoresAtOnce()).as("only a device opened to restore").isFalse();
            }
            LinuxSnapshotDevice.Rehearsed r = LinuxSnapshotDevice.rehearse(Path.of("/dev/zero"), Path.of("/dev/null"),
                    5_000);
            assertThat(r.binding()).isEqualTo("JNI");
            assertThat(r.compared()).extracting(LinuxSnapshotDevice.Compared::how).containsExactly("JNA", "C");
            assertThat(r.compared()).allMatch(c -> c.readNanos() > 0 && c.allocNanos() > 0);
        } finally {
            if (before == null) {
                System.clearProperty(LinuxSnapshotDevice.BINDING_PROPERTY);
            } else {
                System.setProperty(LinuxSnapshotDevice.BINDING_PROPERTY, before);
            }
        }
        System.clearProperty(LinuxSnapshotDevice.BINDING_PROPERTY);
        try (LinuxSnapshotDevice d = LinuxSnapshotDevice.open(Path.of("/dev/zero"), SnapshotDevice.Mode.HIBERNATE)) {
            assertThat(d.binding()).as("JNI wherever the library loads").isEqualTo("JNI");
        }
        System.setProperty(LinuxSnapshotDevice.BINDING_PROPERTY, "jna");
        try (LinuxSnapshotDevice d = LinuxSnapshotDevice.open(Path.of("/dev/null"), SnapshotDevice.Mode.RESTORE)) {
            assertThat(d.binding()).isEqualTo("JNA");
            assertThat(d.freezesAndRestoresAtOnce()).as("torpor.native=jna: no JNI at all").isFalse();
        } finally {
            if (before == null) {
                System.clearProperty(LinuxSnapshotDevice.BINDING_PROPERTY);
            } else {
                System.setProperty(LinuxSnapshotDevice.BINDING_PROPERTY, before);
            }
        }
    }

    /** {@code pages} pages of seeded random bytes. */
    private static byte[] randomPages(int pages, long seed) {
        byte[] data = new byte[pages * 4096];
        new java.util.Random(seed).nextBytes(data);
        return data;
    }

    private static long allocatedBy(org.junit.jupiter.api.function.Executable run) throws Throwable {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean)
                java.lang.management.ManagementFactory.getThreadMXBean();
        long before = mx.getThreadAllocatedBytes(Thread.currentThread().getId());
        run.execute();
        return mx.getThreadAllocatedBytes(Thread.currentThread().getId()) - before;
    }

    /** Pages read and written through the device class arrive byte for byte, into heap and direct buffers alike. */
    @Test
    void pagesKeepTheirBytesBothWays() throws Exception {
        byte[] data = randomPages(3, 7);
        Path in = java.nio.file.Files.write(tmp.resolve("in"), data);
        try (LinuxSnapshotDevice d = LinuxSnapshotDevice.open(in, SnapshotDevice.Mode.HIBERNATE)) {
            ByteBuffer heap = ByteBuffer.allocate(4096);
            assertThat(d.read(heap)).isEqualTo(4096);
            assertThat(heap.position()).isEqualTo(4096);
            assertThat(heap.array()).isEqualTo(java.util.Arrays.copyOfRange(data, 0, 4096));
            ByteBuffer direct = ByteBuffer.allocateDirect(8192);
            direct.position(4096);
            assertThat(d.read(direct)).isEqualTo(4096);
            byte[] second = new byte[4096];
            direct.get(4096, second);
            assertThat(second).isEqualTo(java.util.Arrays.copyOfRange(data, 4096, 8192));
        }
        Path out = java.nio.file.Files.write(tmp.resolve("out"), new byte[0]);
        try (LinuxSnapshotDevice d = LinuxSnapshotDevice.open(out, SnapshotDevice.Mode.RESTORE)) {
            assertThat(d.write(ByteBuffer.wrap(data, 0, 4096))).isEqualTo(4096);
            ByteBuffer direct = ByteBuffer.allocateDirect(4096).put(0, data, 4096, 4096);
            assertThat(d.write(direct)).isEqualTo(4096);
        }
        assertThat(java.nio.file.Files.readAllBytes(out)).isEqualTo(java.util.Arrays.copyOfRange(data, 0, 8192));
    }

    /**
     * readPagesInto reads straight into the writer's array (JNI: the array pinned for the call), in order, from any
     * offset, at most 64 pages a call; it says 0 at the end, allocates nothing per call, and refuses bounds that do
     * not fit the array before any read.
     */
    @Test
    void readPagesIntoFillsTheArrayInOrderWithoutAllocating() throws Throwable {
        byte[] data = randomPages(100, 11);
        Path in = java.nio.file.Files.write(tmp.resolve("pages"), data);
        try (LinuxSnapshotDevice d = LinuxSnapshotDevice.open(in, SnapshotDevice.Mode.HIBERNATE)) {
            assertThat(d.binding()).isEqualTo("JNI");
            byte[] unit = new byte[130 * 4096];
            java.util.Arrays.fill(unit, (byte) 7);
            assertThat(d.readPagesInto(unit, 4096, 32, 4096)).isEqualTo(32L * 4096);
            assertThat(d.readPagesInto(unit, 33 * 4096, 97, 4096)).as("64 iovecs a call").isEqualTo(64L * 4096);
            assertThat(d.readPagesInto(unit, 97 * 4096, 33, 4096)).as("the last 4 pages").isEqualTo(4L * 4096);
            assertThat(d.readPagesInto(unit, 101 * 4096, 29, 4096)).as("the end").isZero();
            assertThat(java.util.Arrays.copyOfRange(unit, 0, 4096)).as("before the offset: untouched")
                    .containsOnly((byte) 7);
            assertThat(java.util.Arrays.copyOfRange(unit, 4096, 101 * 4096)).isEqualTo(data);
            assertThat(java.util.Arrays.copyOfRange(unit, 101 * 4096, unit.length)).containsOnly((byte) 7);
            assertThatThrownBy(() -> d.readPagesInto(unit, 120 * 4096, 32, 4096))
                    .isInstanceOf(IndexOutOfBoundsException.class);
        }
        try (LinuxSnapshotDevice d = LinuxSnapshotDevice.open(Path.of("/dev/zero"), SnapshotDevice.Mode.HIBERNATE)) {
            byte[] unit = new byte[32 * 4096];
            for (int i = 0; i < 5_000; i++) { // warm up
                d.readPagesInto(unit, 0, 32, 4096);
            }
            long allocated = allocatedBy(() -> {
                for (int i = 0; i < 5_000; i++) {
                    d.readPagesInto(unit, 0, 32, 4096);
                }
            });
            assertThat(allocated).as("bytes allocated by 5000 calls of 32 pages").isLessThan(64 * 1024);
        }
    }

    /**
     * writePagesFrom writes straight from the decoded unit's array (JNI: pinned for the call), in order, from any
     * offset, at most 64 pages a call, leaves the array as it was, and refuses bounds that do not fit before any write.
     */
    @Test
    void writePagesFromWritesTheArrayInOrder() throws Throwable {
        byte[] data = randomPages(100, 13);
        byte[] copy = data.clone();
        Path out = java.nio.file.Files.write(tmp.resolve("restored"), new byte[0]);
        try (LinuxSnapshotDevice d = LinuxSnapshotDevice.open(out, SnapshotDevice.Mode.RESTORE)) {
            assertThat(d.binding()).isEqualTo("JNI");
            assertThat(d.writePagesFrom(data, 0, 30, 4096)).isEqualTo(30L * 4096);
            assertThat(d.writePagesFrom(data, 30 * 4096, 70, 4096)).as("64 iovecs a call").isEqualTo(64L * 4096);
            assertThat(d.writePagesFrom(data, 94 * 4096, 6, 4096)).isEqualTo(6L * 4096);
            assertThatThrownBy(() -> d.writePagesFrom(data, 90 * 4096, 11, 4096))
                    .isInstanceOf(IndexOutOfBoundsException.class);
        }
        assertThat(java.nio.file.Files.readAllBytes(out)).isEqualTo(copy);
        assertThat(data).as("the source array is only read").isEqualTo(copy);
        try (LinuxSnapshotDevice d = LinuxSnapshotDevice.open(Path.of("/dev/null"), SnapshotDevice.Mode.RESTORE)) {
            byte[] unit = new byte[32 * 4096];
            for (int i = 0; i < 5_000; i++) { // warm up
                d.writePagesFrom(unit, 0, 32, 4096);
            }
            long allocated = allocatedBy(() -> {
                for (int i = 0; i < 5_000; i++) {
                    d.writePagesFrom(unit, 0, 32, 4096);
                }
            });
            assertThat(allocated).as("bytes allocated by 5000 calls of 32 pages").isLessThan(64 * 1024);
        }
    }

    /**
     * From a direct buffer (where a native decoder leaves a unit's pages) writePagesFrom writes where the pages lie,
     * nothing pinned, with the same rules: in order, from any offset, bounds refused before any write, up to 1024 pages
     * a call (the kernel's UIO_MAXIOV), the buffer's position and limit ignored and unchanged; a heap buffer goes the array's way.
     */
    @Test
    void writePagesFromADirectBufferWritesItInOrder() throws Throwable {
        byte[] data = randomPages(100, 17);
        ByteBuffer direct = ByteBuffer.allocateDirect(data.length).put(0, data).position(5).limit(77);
        Path out = java.nio.file.Files.write(tmp.resolve("restored-direct"), new byte[0]);
        try (LinuxSnapshotDevice d = LinuxSnapshotDevice.open(out, SnapshotDevice.Mode.RESTORE)) {
            assertThat(d.writePagesFrom(direct, 0, 30, 4096)).isEqualTo(30L * 4096);
            assertThat(d.writePagesFrom(direct, 30 * 4096, 64, 4096)).isEqualTo(64L * 4096);
            assertThat(d.writePagesFrom(ByteBuffer.wrap(data), 94 * 4096, 6, 4096)).isEqualTo(6L * 4096);
            assertThatThrownBy(() -> d.writePagesFrom(direct, 90 * 4096, 11, 4096))
                    .isInstanceOf(IndexOutOfBoundsException.class);
        }
        assertThat(java.nio.file.Files.readAllBytes(out)).isEqualTo(data);
        ByteBuffer big = ByteBuffer.allocateDirect(1100 * 4096);
        try (LinuxSnapshotDevice d = LinuxSnapshotDevice.open(Path.of("/dev/null"), SnapshotDevice.Mode.RESTORE)) {
            assertThat(d.writePagesFrom(big, 0, 1100, 4096)).as("1024 iovecs a call").isEqualTo(1024L * 4096);
        }
        assertThat(direct.position()).isEqualTo(5);
        assertThat(direct.limit()).isEqualTo(77);
        try (LinuxSnapshotDevice d = LinuxSnapshotDevice.open(Path.of("/dev/null"), SnapshotDevice.Mode.RESTORE)) {
            ByteBuffer unit = ByteBuffer.allocateDirect(32 * 4096);
            for (int i = 0; i < 5_000; i++) { // warm up
                d.writePagesFrom(unit, 0, 32, 4096);
            }
            long allocated = allocatedBy(() -> {
                for (int i = 0; i < 5_000; i++) {
                    d.writePagesFrom(unit, 0, 32, 4096);
                }
            });
            assertThat(allocated).as("bytes allocated by 5000 calls of 32 pages").isLessThan(64 * 1024);
        }
    }

    /**
     * readv fills a batch of page-sized iovecs in one call, in order, and says 0 at the end; a file of 37.5 pages
     * takes two batches of 32 pages (the second short) and then ends.
     */
    @Test
    void readvFillsABatchOfPagesInOrder() throws Exception {
        byte[] data = new byte[37 * 4096 + 2048];
        new java.util.Random(11).nextBytes(data);
        Path in = java.nio.file.Files.write(tmp.resolve("pages"), data);
        ByteBuffer batch = ByteBuffer.allocate(32 * 4096);
        java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
        try (LinuxSnapshotDevice d = LinuxSnapshotDevice.open(in, SnapshotDevice.Mode.HIBERNATE)) {
            assertThat(d.readv(batch, 4096)).isEqualTo(32 * 4096);
            assertThat(batch.position()).isEqualTo(32 * 4096);
            got.write(batch.array(), 0, batch.position());
            batch.clear();
            assertThat(d.readv(batch, 4096)).isEqualTo(5 * 4096 + 2048);
            got.write(batch.array(), 0, batch.position());
            batch.clear();
            assertThat(d.readv(batch, 4096)).isZero();
        }
        assertThat(got.toByteArray()).isEqualTo(data);
    }

    /** Batched reads allocate nothing per batch either: 2,000 batches of 32 pages of /dev/zero under 64 KiB. */
    @Test
    void readvAllocatesNothingPerBatch() throws Exception {
        com.sun.management.ThreadMXBean mx =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        ByteBuffer batch = ByteBuffer.allocate(32 * 4096);
        try (LinuxSnapshotDevice d = LinuxSnapshotDevice.open(Path.of("/dev/zero"), SnapshotDevice.Mode.HIBERNATE)) {
            for (int i = 0; i < 2_000; i++) {
                batch.clear();
                d.readv(batch, 4096);
            }
            long bytes = 0;
            long before = mx.getThreadAllocatedBytes(Thread.currentThread().getId());
            for (int i = 0; i < 2_000; i++) {
                batch.clear();
                bytes += d.readv(batch, 4096);
            }
            long allocated = mx.getThreadAllocatedBytes(Thread.currentThread().getId()) - before;
            assertThat(bytes).isEqualTo(2_000L * 32 * 4096);
            assertThat(allocated).as("bytes allocated by 2000 readv calls").isLessThan(64 * 1024);
        }
    }
}
