package dev.torpor.snapshot.api.emulator;

import dev.torpor.snapshot.api.device.Errno;
import dev.torpor.snapshot.api.device.SnapshotDevice;
import dev.torpor.snapshot.api.device.ErrnoException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.nio.ByteBuffer;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The rows of the kernel's per-ioctl behaviour, the open rules and the read/write page-boundary behaviour. */
class EmulatorConformanceTest {
    private static final int P = 4096;
    private static final int SWAP_DEV = SnapshotDevice.encodeDev(254, 16);

    private static EmulatedMachine machine(KernelProfile profile) {
        EmulatedMemory m = new EmulatedMemory(P, 2048).fillSynthetic(7, 300, 200);
        return new EmulatedMachine(profile, m).addSwap(new EmulatedSwap(SWAP_DEV, 0, 4000, Set.of(3L)));
    }

    private static EmulatedMachine machine() {
        return machine(KernelProfile.linux(6, 1));
    }

    static void fails(Errno errno, Executable call) {
        assertThatThrownBy(call::execute).isInstanceOf(ErrnoException.class)
                .satisfies(e -> assertThat(((ErrnoException) e).errno()).as(e.getMessage()).isEqualTo(errno.value()));
    }

    @Test
    void openRules() throws Exception {
        EmulatedMachine m = machine();
        fails(Errno.ENOSYS, () -> m.open(EmulatedMachine.Access.READ_WRITE));
        EmulatedSnapshotDevice d = m.open(SnapshotDevice.Mode.HIBERNATE);
        fails(Errno.EBUSY, () -> m.open(SnapshotDevice.Mode.RESTORE));
        fails(Errno.EBUSY, () -> m.open(EmulatedMachine.Access.READ_WRITE));
        d.close();
        m.open(SnapshotDevice.Mode.RESTORE).close();
        m.hibernationAvailable(false);
        fails(Errno.EPERM, () -> m.open(SnapshotDevice.Mode.HIBERNATE));
    }

    @Test
    void everyIoctlNeedsCapSysAdmin() throws Exception {
        EmulatedMachine m = machine().capSysAdmin(false);
        try (EmulatedSnapshotDevice d = m.open(SnapshotDevice.Mode.HIBERNATE)) {
            fails(Errno.EPERM, d::freeze);
            fails(Errno.EPERM, () -> d.prefImageSize(0));
            fails(Errno.EPERM, d::availSwapSize);
        }
    }

    @Test
    void freezeUnfreezeRows() throws Exception {
        EmulatedMachine m = machine();
        try (EmulatedSnapshotDevice d = m.open(SnapshotDevice.Mode.HIBERNATE)) {
            d.unfreeze(); // not frozen: no-op
            assertThat(d.frozen()).isFalse();
            d.freeze();
            d.freeze(); // already frozen: no-op
            assertThat(d.frozen()).isTrue();
            d.unfreeze();
            assertThat(d.frozen()).isFalse();
            m.freezeFails(true);
            fails(Errno.EBUSY, d::freeze);
            assertThat(d.frozen()).isFalse();
        }
    }

    @Test
    void createImageRows() throws Exception {
        EmulatedMachine m = machine();
        try (EmulatedSnapshotDevice w = m.open(SnapshotDevice.Mode.RESTORE)) {
            w.freeze();
            fails(Errno.EPERM, w::createImage); // not O_RDONLY
        }
        try (EmulatedSnapshotDevice d = m.open(SnapshotDevice.Mode.HIBERNATE)) {
            fails(Errno.EPERM, d::createImage); // not frozen
            fails(Errno.ENODATA, d::imageSize); // not ready
            fails(Errno.ENODATA, () -> d.read(ByteBuffer.allocate(P)));
            d.freeze();
            assertThat(d.createImage()).isEqualTo(1);
            fails(Errno.EPERM, d::createImage); // ready
            assertThat(d.imageSize()).isEqualTo((500 + 1 + 1) * (long) P);
            d.unfreeze(); // ready: no-op
            assertThat(d.frozen()).isTrue();
            d.free();
            assertThat(d.ready()).isFalse();
            fails(Errno.ENODATA, d::imageSize);
            d.unfreeze();
            assertThat(d.frozen()).isFalse();
        }
    }

    @Test
    void prefImageSizeShrinksTheImage() throws Exception {
        EmulatedMachine m = machine();
        try (EmulatedSnapshotDevice d = m.open(SnapshotDevice.Mode.HIBERNATE)) {
            d.prefImageSize(350L * P);
            d.freeze();
            d.createImage();
            assertThat(d.imageSize()).isLessThanOrEqualTo(350L * P).isGreaterThanOrEqualTo(302L * P);
            assertThat(m.memory().count(EmulatedMemory.State.RECLAIMABLE)).isLessThan(200);
        }
    }

    @Test
    void swapRows() throws Exception {
        EmulatedMachine m = machine();
        try (EmulatedSnapshotDevice d = m.open(SnapshotDevice.Mode.HIBERNATE)) {
            assertThat(d.availSwapSize()).isZero(); // no resume device: no swap selected
            fails(Errno.ENODEV, d::allocSwapPage);
            fails(Errno.ENODEV, d::freeSwapPages);
            fails(Errno.EINVAL, () -> d.setSwapArea(0, 0));
            fails(Errno.ENODEV, () -> d.setSwapArea(0, SnapshotDevice.encodeDev(8, 1)));
            fails(Errno.ENODEV, () -> d.setSwapArea(5, SWAP_DEV));
            d.setSwapArea(0, SWAP_DEV);
            assertThat(d.availSwapSize()).isEqualTo(3999L * P);
            assertThat(d.allocSwapPage()).isEqualTo(1L * P);
            assertThat(d.allocSwapPage()).isEqualTo(2L * P);
            assertThat(d.allocSwapPage()).isEqualTo(4L * P); // page 3 is bad
            fails(Errno.EPERM, () -> d.setSwapArea(0, SWAP_DEV));
            d.freeSwapPages();
            d.setSwapArea(0, SWAP_DEV);
            assertThat(d.availSwapSize()).isEqualTo(3999L * P);
        }
        EmulatedMachine tiny = new EmulatedMachine(KernelProfile.linux(6, 1), new EmulatedMemory(P, 64))
                .addSwap(new EmulatedSwap(SWAP_DEV, 0, 2, Set.of())).resumeDevice(SWAP_DEV);
        try (EmulatedSnapshotDevice d = tiny.open(SnapshotDevice.Mode.HIBERNATE)) {
            d.allocSwapPage();
            d.allocSwapPage();
            fails(Errno.ENOSPC, d::allocSwapPage);
        }
    }

    @Test
    void s2ramPlatformAndPowerOffRows() throws Exception {
        EmulatedMachine m = machine();
        try (EmulatedSnapshotDevice d = m.open(SnapshotDevice.Mode.HIBERNATE)) {
            fails(Errno.EPERM, d::s2ram);
            d.freeze();
            d.createImage();
            d.s2ram();
            assertThat(d.ready()).isFalse();
            d.powerOff(); // no platform support: returns and does nothing
            assertThat(m.poweredOff()).isFalse();
            d.platformSupport(true);
            assertThat(d.platformSupportEnabled()).isTrue();
            d.powerOff();
            assertThat(m.poweredOff()).isTrue();
        }
        fails(Errno.EIO, () -> m.open(SnapshotDevice.Mode.HIBERNATE));
        m.boot();
        m.open(SnapshotDevice.Mode.HIBERNATE).close();
    }

    @Test
    void readsNeverCrossAPageAndMidPageReadsShrink() throws Exception {
        EmulatedMachine m = machine();
        try (EmulatedSnapshotDevice d = m.open(SnapshotDevice.Mode.HIBERNATE)) {
            d.freeze();
            d.createImage();
            ByteBuffer big = ByteBuffer.allocate(2 * P);
            assertThat(d.read(big)).isEqualTo(P); // a boundary read of 8192 returns one page
            ByteBuffer small = ByteBuffer.allocate(1000);
            assertThat(d.read(small)).isEqualTo(1000); // page 1, offset 0..1000
            assertThat(d.read(ByteBuffer.allocate(P))).isEqualTo(P - 2 * 1000); // the quirk: P - 2·o
            // now at offset 3096 of page 1 (>= P/2): the next read returns 0, which looks like EOF
            assertThat(d.read(ByteBuffer.allocate(P))).isZero();
        }
    }

    @Test
    void aZeroLengthReadAtABoundarySkipsAPage() throws Exception {
        EmulatedMachine m = machine();
        try (EmulatedSnapshotDevice d = m.open(SnapshotDevice.Mode.HIBERNATE)) {
            d.freeze();
            d.createImage();
            long pages = d.imageSize() / P;
            assertThat(d.read(ByteBuffer.allocate(0))).isZero(); // skips the header page
            long n = 0;
            while (d.read(ByteBuffer.allocate(P)) == P) {
                n++;
            }
            assertThat(n).isEqualTo(pages - 1);
        }
    }

    /**
     * readv as the VFS runs it on a device with only {@code .read}: one read per iovec, so page-sized iovecs move a
     * page each, the call stops at the first short one, and the pages are those that reads one by one return.
     */
    @Test
    void readvMovesAPagePerIovecAndStopsAtTheEnd() throws Exception {
        java.io.ByteArrayOutputStream single = new java.io.ByteArrayOutputStream();
        try (EmulatedSnapshotDevice d = machine().open(SnapshotDevice.Mode.HIBERNATE)) {
            d.freeze();
            d.createImage();
            ByteBuffer page = ByteBuffer.allocate(P);
            while (d.read(page.clear()) == P) {
                single.write(page.array(), 0, P);
            }
        }
        java.io.ByteArrayOutputStream batched = new java.io.ByteArrayOutputStream();
        try (EmulatedSnapshotDevice d = machine().open(SnapshotDevice.Mode.HIBERNATE)) {
            d.freeze();
            d.createImage();
            long pages = d.imageSize() / P;
            ByteBuffer batch = ByteBuffer.allocate(7 * P + 100); // seven iovecs; the 100 bytes are no iovec
            long calls = 0;
            long n;
            while ((n = d.readv(batch.clear(), P)) > 0) {
                assertThat(n % P).isZero();
                batched.write(batch.array(), 0, (int) n);
                calls++;
            }
            assertThat(calls).isEqualTo((pages + 6) / 7);
            assertThat(d.readv(batch.clear(), P)).as("after the end").isZero();
        }
        assertThat(batched.toByteArray()).isEqualTo(single.toByteArray());
    }

    /** An error after some iovecs ends the call with the bytes moved; an error at once is the call's error. */
    @Test
    void readvReportsAnErrorOnlyWhenNothingMoved() throws Exception {
        ByteBuffer[] served = {ByteBuffer.allocate(P)};
        int[] left = {2};
        SnapshotDevice failing = (SnapshotDevice) java.lang.reflect.Proxy.newProxyInstance(
                SnapshotDevice.class.getClassLoader(), new Class<?>[] {SnapshotDevice.class}, (proxy, method, args) -> {
                    if (method.getName().equals("read")) {
                        if (left[0]-- <= 0) {
                            throw new dev.torpor.snapshot.api.device.ErrnoException("read", Errno.EIO, "bad page");
                        }
                        ByteBuffer dst = (ByteBuffer) args[0];
                        int n = dst.remaining();
                        dst.put(served[0].clear().limit(n));
                        return n;
                    }
                    if (method.isDefault()) {
                        return java.lang.reflect.InvocationHandler.invokeDefault(proxy, method, args);
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
        assertThat(failing.readv(ByteBuffer.allocate(4 * P), P)).isEqualTo(2L * P);
        left[0] = 0;
        fails(Errno.EIO, () -> failing.readv(ByteBuffer.allocate(4 * P), P));
    }

    /**
     * writev as the VFS runs it on a device with only {@code .write}: one write per iovec, stopping at the first short
     * one, so a batch that runs past the image's end is taken up to its last page; a resume session, which gathers
     * pages into such batches, takes the image and refuses a page after it.
     */
    @Test
    void writevTakesAPagePerIovecUpToTheImagesEnd() throws Exception {
        for (boolean session : new boolean[] {false, true}) {
            EmulatedMachine m = machine();
            java.io.ByteArrayOutputStream image = new java.io.ByteArrayOutputStream();
            try (EmulatedSnapshotDevice d = m.open(SnapshotDevice.Mode.HIBERNATE)) {
                d.freeze();
                d.createImage();
                ByteBuffer page = ByteBuffer.allocate(P);
                while (d.read(page.clear()) == P) {
                    image.write(page.array(), 0, P);
                }
            }
            byte[] pages = image.toByteArray();
            int count = pages.length / P;
            try (EmulatedSnapshotDevice w = m.open(SnapshotDevice.Mode.RESTORE)) {
                if (session) {
                    dev.torpor.snapshot.api.session.ResumeSession s =
                            new dev.torpor.snapshot.api.session.ResumeSession(w, P);
                    for (int i = 0; i < count; i++) {
                        s.writePage(ByteBuffer.wrap(pages, i * P, P));
                    }
                    s.writePage(ByteBuffer.allocate(P)); // one too many: found when its batch goes in
                    assertThatThrownBy(s::finishWriting).isInstanceOf(ErrnoException.class)
                            .hasMessageContaining("page " + count + " is one too many");
                    assertThat(w.bytesWritten()).isEqualTo((long) count * P);
                    continue;
                }
                byte[] withExtra = java.util.Arrays.copyOf(pages, pages.length + 3 * P);
                ByteBuffer all = ByteBuffer.wrap(withExtra);
                long taken = 0;
                long calls = 0;
                long n;
                while (all.remaining() >= P) {
                    ByteBuffer batch = all.slice(all.position(), Math.min(7 * P, all.remaining()));
                    n = w.writev(batch, P);
                    calls++;
                    if (n == 0) {
                        break;
                    }
                    assertThat(n % P).isZero();
                    taken += n;
                    all.position(all.position() + (int) n);
                }
                assertThat(taken).as("every page of the image, none after it").isEqualTo((long) count * P);
                assertThat(calls).as("a call per batch of seven, and the one that finds the end")
                        .isEqualTo(count / 7 + 2);
                assertThat(w.writev(ByteBuffer.allocate(2 * P), P)).as("after the end").isZero();
                w.freeze();
                w.atomicRestore();
            }
        }
    }

    /**
     * A resume session handed runs of pages straight from an array (as a restore hands over decoded units) puts them
     * in the device in order, after any pages gathered one by one, and refuses a run that goes past the image's end.
     */
    @Test
    void aResumeSessionTakesRunsOfPagesFromAnArray() throws Exception {
        EmulatedMachine m = machine();
        java.io.ByteArrayOutputStream image = new java.io.ByteArrayOutputStream();
        java.util.Map<Long, byte[]> saved;
        try (EmulatedSnapshotDevice d = m.open(SnapshotDevice.Mode.HIBERNATE)) {
            d.freeze();
            d.createImage();
            saved = m.memory().snapshotOfSavedPages();
            ByteBuffer page = ByteBuffer.allocate(P);
            while (d.read(page.clear()) == P) {
                image.write(page.array(), 0, P);
            }
            m.halt();
        }
        m.boot();
        byte[] pages = java.util.Arrays.copyOf(image.toByteArray(), image.size() + 5 * P);
        int count = image.size() / P;
        try (EmulatedSnapshotDevice w = m.open(SnapshotDevice.Mode.RESTORE)) {
            dev.torpor.snapshot.api.session.ResumeSession s = new dev.torpor.snapshot.api.session.ResumeSession(w, P);
            s.writePage(ByteBuffer.wrap(pages, 0, P)); // the header page alone, gathered
            int at = 1;
            int run = 1;
            while (at + run <= count) {
                s.writePages(pages, at * P, run);
                at += run;
                run = run % 70 + 1;
            }
            s.writePages(pages, at * P, count - at);
            assertThat(w.bytesWritten()).isEqualTo((long) count * P);
            assertThat(s.pagesWritten()).isEqualTo(count);
            assertThatThrownBy(() -> s.writePages(pages, count * P, 3)).isInstanceOf(ErrnoException.class)
                    .hasMessageContaining("page " + count + " is one too many");
            assertThatThrownBy(() -> s.writePages(pages, pages.length - P, 2))
                    .isInstanceOf(IndexOutOfBoundsException.class);
            s.finishWriting();
            w.freeze();
            w.atomicRestore();
        }
        assertThat(saved).isNotEmpty();
        saved.forEach((pfn, data) -> assertThat(m.memory().get(pfn)).as("PFN %d", pfn).isEqualTo(data));
    }

    @Test
    void partialWritesBeforeAndAfterTheFix() throws Exception {
        for (KernelProfile k : new KernelProfile[] {KernelProfile.linux(5, 15), KernelProfile.linux(6, 1)}) {
            EmulatedMachine m = machine(k);
            byte[] header = firstPage(m);
            try (EmulatedSnapshotDevice w = m.open(SnapshotDevice.Mode.RESTORE)) {
                assertThat(w.write(ByteBuffer.wrap(header, 0, 1))).isEqualTo(1);
                int second = w.write(ByteBuffer.wrap(header, 1, P - 1));
                assertThat(second).as(k.toString()).isEqualTo(k.partialWriteFix() ? P - 1 : P - 2);
            }
        }
    }

    @Test
    void headerOfAnotherMachineIsRefused() throws Exception {
        EmulatedMachine m = machine();
        byte[] header = firstPage(m);
        EmulatedMachine bigger = new EmulatedMachine(KernelProfile.linux(6, 1), new EmulatedMemory(P, 4096));
        try (EmulatedSnapshotDevice w = bigger.open(SnapshotDevice.Mode.RESTORE)) {
            assertThat(w.write(ByteBuffer.wrap(header))).isEqualTo(P);
            fails(Errno.EPERM, () -> w.write(ByteBuffer.allocate(P))); // load_header: memory size differs
        }
    }

    @Test
    void atomicRestoreRows() throws Exception {
        EmulatedMachine m = machine();
        try (EmulatedSnapshotDevice r = m.open(SnapshotDevice.Mode.HIBERNATE)) {
            r.freeze();
            fails(Errno.EPERM, r::atomicRestore); // not O_WRONLY
        }
        try (EmulatedSnapshotDevice w = m.open(SnapshotDevice.Mode.RESTORE)) {
            fails(Errno.EPERM, w::atomicRestore); // not frozen, nothing loaded
            w.freeze();
            fails(Errno.EPERM, w::atomicRestore); // nothing loaded
        }
    }

    private static byte[] firstPage(EmulatedMachine m) throws Exception {
        try (EmulatedSnapshotDevice d = m.open(SnapshotDevice.Mode.HIBERNATE)) {
            d.freeze();
            d.createImage();
            ByteBuffer b = ByteBuffer.allocate(P);
            d.read(b);
            return b.array();
        }
    }
}
