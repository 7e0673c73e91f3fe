package dev.torpor.image.io.read;

import dev.torpor.snapshot.api.KernelByteOrder;
import dev.torpor.snapshot.api.TargetProfile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which kernel wrote each corpus image, from its VMCOREINFO note, checked against the note's text as an independent
 * scan of {@code extract --format raw}'s output found it ({@code testdata/corpus/NAME.vmcoreinfo.txt}, at the PFN
 * given here), and cross-checked with the image's x86_64 restore record.
 */
class KernelIdentityTest {

    @ParameterizedTest
    @CsvSource({
            "k61-nocompress, 0x18e2, 6.1.0-56-amd64, 0x2c800000, -0x24000000",
            "k61-lzo, 0x18e2, 6.1.0-56-amd64, 0x9c00000, 0x0",
            "k612-lzo, 0x1a2a, 6.12.107+deb13-amd64, 0x1c200000, -0x16a00000"})
    void theNoteNamesTheKernelAndTheRestoreRecordAgrees(String name, String pfn, String release, String offset,
                                                        String physBase) throws IOException {
        Map<String, String> text = new LinkedHashMap<>();
        for (String line : Files.readAllLines(Corpus.dir().resolve(name + ".vmcoreinfo.txt"))) {
            text.putIfAbsent(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1));
        }
        try (HibernationImage image = HibernationImage.open(Corpus.swap(name), ReadOptions.defaults())) {
            KernelIdentity k = image.inspect(false).kernel().orElseThrow();
            VmcoreInfo v = k.vmcoreinfo().orElseThrow();
            assertThat(v.pfn()).isEqualTo(Long.decode(pfn));
            assertThat(v.entries()).containsExactlyEntriesOf(text);
            assertThat(k.release()).contains(release).contains(text.get("OSRELEASE"));
            assertThat(k.buildId()).contains(text.get("BUILD-ID")).get().asString().hasSize(40);
            assertThat(k.pageSize()).hasValue(4096);
            assertThat(k.kernelOffset()).hasValue(Long.decode(offset));
            assertThat(k.physBase()).hasValue(Long.decode(physBase));
            assertThat(k.recordPhysBase()).hasValue(Long.decode(physBase));
            assertThat(k.recordAgrees()).contains(true);
        }
    }

    @Test
    void twoImagesOfOneKernelWithDifferentKaslrOffsetsGiveOneLinkAddressOfRestoreRegisters() throws IOException {
        long[] linked = new long[2];
        String[] names = {"k61-nocompress", "k61-lzo"};
        for (int i = 0; i < 2; i++) {
            try (HibernationImage image = HibernationImage.open(Corpus.swap(names[i]), ReadOptions.defaults())) {
                linked[i] = image.inspect(false).kernel().orElseThrow().restoreRegistersLinked().orElseThrow();
            }
        }
        assertThat(linked[0]).isEqualTo(linked[1]).isEqualTo(0xffffffff819d5000L);
    }

    @Test
    void aQuickInspectionHasOnlyTheRestoreRecord() throws IOException {
        try (HibernationImage image = HibernationImage.open(Corpus.swap("k612-lzo"), ReadOptions.defaults())) {
            KernelIdentity k = image.inspect(true).kernel().orElseThrow();
            assertThat(k.vmcoreinfo()).isEmpty();
            assertThat(k.release()).isEmpty();
            assertThat(k.physBase()).hasValue(-0x16a00000L);
            assertThat(k.recordAgrees()).isEmpty();
        }
    }

    // the finder on pages it is handed, as the stream gives them: each case an image could hold

    private static final TargetProfile LE = TargetProfile.X86_64;
    private static final TargetProfile BE = new TargetProfile(4096, 8, KernelByteOrder.BIG, "s390x");

    private static ByteBuffer[] note(String text, TargetProfile t, int descsz) {
        byte[] all = new byte[2 * 4096];
        ByteBuffer b = ByteBuffer.wrap(all).order(t.byteOrder().nio());
        b.putInt(0, 11).putInt(4, descsz).putInt(8, 0);
        b.put(12, "VMCOREINFO".getBytes(StandardCharsets.US_ASCII));
        b.put(24, text.getBytes(StandardCharsets.US_ASCII));
        return new ByteBuffer[] {ByteBuffer.wrap(all, 0, 4096).slice(), ByteBuffer.wrap(all, 4096, 4096).slice()};
    }

    @Test
    void aNoteInTheTargetsByteOrderIsFoundAndOneInTheOtherIsNot() {
        String text = "OSRELEASE=6.1.0\nPAGESIZE=4096\n";
        VmcoreInfoFinder be = new VmcoreInfoFinder(BE);
        be.offer(7, note(text, BE, text.length())[0]);
        assertThat(be.found()).map(VmcoreInfo::release).contains(java.util.Optional.of("6.1.0"));
        VmcoreInfoFinder le = new VmcoreInfoFinder(LE);
        le.offer(7, note(text, BE, text.length())[0]);
        assertThat(le.found()).isEmpty();
    }

    @Test
    void aNoteRunningIntoTheNextPageIsJoinedOnlyWhenThatPageIsTheNextPfn() {
        StringBuilder t = new StringBuilder("OSRELEASE=6.12.0\n");
        while (t.length() < 4500) {
            t.append("SYMBOL(x").append(t.length()).append(")=ffffffff81000000\n");
        }
        t.append("KERNELOFFSET=1c200000\n");
        String text = t.toString();
        ByteBuffer[] pages = note(text, LE, text.length());
        VmcoreInfoFinder joined = new VmcoreInfoFinder(LE);
        joined.offer(100, pages[0]);
        assertThat(joined.found()).isEmpty();
        joined.offer(101, pages[1]);
        assertThat(joined.found().orElseThrow().kernelOffset()).hasValue(0x1c200000L);

        VmcoreInfoFinder gap = new VmcoreInfoFinder(LE);
        gap.offer(100, pages[0]);
        gap.offer(102, pages[1]);
        assertThat(gap.found()).isEmpty();
    }

    @Test
    void anImplausibleNoteIsNoNote() {
        String text = "OSRELEASE=6.1.0\n";
        VmcoreInfoFinder huge = new VmcoreInfoFinder(LE);
        huge.offer(1, note(text, LE, Integer.MAX_VALUE)[0]); // a length from damage: never allocated
        assertThat(huge.found()).isEmpty();
        VmcoreInfoFinder binary = new VmcoreInfoFinder(LE);
        binary.offer(1, note("OSRELEASE=6.1\u0001\n", LE, 16)[0]);
        assertThat(binary.found()).isEmpty();
        VmcoreInfoFinder cut = new VmcoreInfoFinder(LE);
        cut.offer(1, note("OSRELEASE=6.1\nKERNELOFFSET=1000\n", LE, 20)[0]); // ends inside a key: not a whole note
        assertThat(cut.found()).isEmpty();
        VmcoreInfoFinder noRelease = new VmcoreInfoFinder(LE);
        noRelease.offer(1, note("PAGESIZE=4096\n", LE, 14)[0]);
        assertThat(noRelease.found()).isEmpty();
        VmcoreInfoFinder badNumber = new VmcoreInfoFinder(LE);
        String bad = "OSRELEASE=6.1\nKERNELOFFSET=zz\nNUMBER(phys_base)=1x\n";
        badNumber.offer(1, note(bad, LE, bad.length())[0]);
        assertThat(badNumber.found().orElseThrow().kernelOffset()).isEmpty();
        assertThat(badNumber.found().orElseThrow().physBase()).isEmpty();
    }
}
