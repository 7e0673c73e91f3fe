package dev.torpor.image.io.read;

import com.fasterxml.jackson.databind.JsonNode;
import dev.torpor.snapshot.api.SnapshotInfo;
import dev.torpor.snapshot.api.X86RestoreRecord;
import dev.torpor.swap.format.HeaderLayout;
import dev.torpor.swap.format.SwsuspHeader;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Every real kernel image of the corpus, read through the library API and compared with expected.json. */
class CorpusImageTest {

    static List<String> names() {
        return Corpus.NAMES;
    }

    @ParameterizedTest
    @MethodSource("names")
    void inspectionMatchesExpected(String name) throws IOException {
        JsonNode ex = Corpus.expected(name);
        Path swap = Corpus.swap(name);
        try (HibernationImage image = HibernationImage.open(swap, ReadOptions.defaults())) {
            Inspection r = image.inspect(false);
            assertThat(r.problems()).isEmpty();
            assertThat(r.verdict()).isEqualTo(Verdict.VALID);
            assertThat(r.kind()).isEqualTo(ImageKind.KERNEL);
            SwsuspHeader h = r.header().orElseThrow();
            assertThat(r.signature()).contains(ex.get("sig").asText());
            assertThat(r.originalSignature()).contains(ex.get("orig_sig").asText());
            assertThat(h.image()).isEqualTo(ex.get("image").asLong());
            assertThat(h.flags().value()).isEqualTo(ex.get("flags").asLong());
            assertThat(h.crc32()).isEqualTo(ex.get("crc32").asLong());
            assertThat(h.hwSig()).isEqualTo(ex.get("hw_sig").asLong());
            assertThat(h.layout()).isEqualTo(HeaderLayout.V5_17);
            assertThat(r.map().orElseThrow().mapPages()).isEqualTo(ex.get("map_pages").asLong());
            assertThat(r.map().orElseThrow().storedPages()).isEqualTo(ex.get("data_pages_on_swap").asLong());

            SnapshotInfo info = r.info().orElseThrow();
            JsonNode ei = ex.get("info");
            assertThat(info.uts()).isEmpty();
            assertThat(info.versionCode()).isEqualTo(ei.get("version_code").asLong());
            assertThat(info.numPhysPages()).isEqualTo(ei.get("num_physpages").asLong());
            assertThat(info.cpus()).isEqualTo(ei.get("cpus").asLong());
            assertThat(info.imagePages()).isEqualTo(ei.get("image_pages").asLong());
            assertThat(info.pages()).isEqualTo(ei.get("pages").asLong());
            assertThat(info.size()).isEqualTo(ei.get("size").asLong());
            X86RestoreRecord rec = (X86RestoreRecord) info.archRecord();
            JsonNode ea = ei.get("arch_header");
            assertThat(Long.toUnsignedString(rec.jumpAddress())).isEqualTo(ea.get("jump_address").asText());
            assertThat(rec.jumpAddressPhys()).contains(ea.get("jump_address_phys").asLong());
            assertThat(rec.cr3()).isEqualTo(ea.get("cr3").asLong());
            assertThat(Long.toUnsignedString(rec.magic())).isEqualTo(ea.get("magic").asText());
            assertThat(rec.e820Checksum()).contains(ea.get("e820_checksum").asLong());

            Detection d = r.detection().orElseThrow();
            assertThat(d.target().pageSize()).isEqualTo(4096);
            assertThat(d.target().wordSize()).isEqualTo(8);
            assertThat(d.target().arch()).isEqualTo("x86_64");
            assertThat(d.compressor().label()).isEqualTo(ex.has("compressor") ? ex.get("compressor").asText() : "none");

            StreamScan s = r.scan().orElseThrow();
            assertThat(s.complete()).isTrue();
            assertThat(s.crc32Computed()).isEqualTo(ex.get("crc32_computed").asLong());
            assertThat(r.crc32Ok().orElse(null)).isEqualTo(ex.get("crc_ok").isNull() ? null : ex.get("crc_ok").asBoolean());
            assertThat(s.compressedUnits()).isEqualTo(ex.has("lzo_units") ? ex.get("lzo_units").asLong() : 0);
            assertThat(s.metaPages()).isEqualTo(ex.get("meta_pages").asLong());
            assertThat(info.metaPages()).isEqualTo(ex.get("meta_pages").asLong());
            assertThat(s.dataPfns()).isEqualTo(ex.get("pfns").asLong());
            assertThat(s.zeroPfns()).isEqualTo(ex.get("zero_pfns").asLong());
            assertThat(s.pfnMin()).hasValue(ex.get("pfn_min").asLong());
            assertThat(s.pfnMax()).hasValue(ex.get("pfn_max").asLong());
        }
    }
}
