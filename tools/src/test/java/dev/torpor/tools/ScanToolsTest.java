package dev.torpor.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.torpor.image.io.read.Corpus;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code torpor scan} finds the corpus images in a disk that Debian's own tools build at run time, and every place
 * it reports is the place those tools report:
 * <ul>
 *   <li>a GPT (sfdisk): partition 1 holds {@code k61-lzo} byte for byte;</li>
 *   <li>partition 2 is an LVM2 physical volume (pvcreate on a loop device, so root) whose logical volume
 *       {@code swap} has two segments (lvcreate, a second LV, lvextend) and holds {@code k61-nocompress} byte for
 *       byte, placed where {@code lvs --segments} says;</li>
 *   <li>partition 3 is ext4 (mkfs.ext4 -d) with a swap file (mkswap) into which {@code write-image} stored
 *       {@code k612-lzo}'s stream at the resume_offset debugfs gives;</li>
 *   <li>partition 4 is LUKS2 (cryptsetup luksFormat).</li>
 * </ul>
 */
@Tag("root")
class ScanToolsTest {
    private static final long MIB = 1 << 20;
    private static final String SWAP_FILE_UUID = "5c4e0d1a-7b2f-4e8a-9c3d-2b1a0f9e8d7c";

    @TempDir
    Path tmp;

    @Test
    void findsEveryCorpusImageWhereDebiansToolsPutThem() throws Exception {
        String vg = "torporscan" + ProcessHandle.current().pid();
        // partition 2: an LVM2 PV with a two-segment LV
        Path pv = sparse(tmp.resolve("p2.img"), 420 * MIB);
        long[][] lvExtents;
        String loop = run("losetup", "--find", "--show", pv.toString()).trim();
        try {
            run("pvcreate", "-y", loop);
            run("vgcreate", vg, loop);
            run("lvcreate", "--driverloaded", "n", "-an", "-Zn", "-n", "swap", "-L", "200M", vg);
            run("lvcreate", "--driverloaded", "n", "-an", "-Zn", "-n", "other", "-L", "8M", vg);
            run("lvextend", "--driverloaded", "n", "-L", "384M", vg + "/swap");
            JsonNode pvs = json(run("pvs", "--reportformat", "json", "--units", "b", "--nosuffix", "-o",
                    "pe_start,vg_extent_size", loop)).at("/report/0/pv/0");
            long peStart = pvs.get("pe_start").asLong();
            long extent = pvs.get("vg_extent_size").asLong();
            JsonNode segs = json(run("lvs", "--reportformat", "json", "--segments", "-o",
                    "seg_start_pe,seg_pe_ranges", vg + "/swap")).at("/report/0/seg");
            List<long[]> ext = new ArrayList<>();
            for (JsonNode s : segs) {
                Matcher m = Pattern.compile(":(\\d+)-(\\d+)").matcher(s.get("seg_pe_ranges").asText());
                assertThat(m.find()).as(s.toString()).isTrue();
                long first = Long.parseLong(m.group(1));
                long last = Long.parseLong(m.group(2));
                ext.add(new long[] {peStart + first * extent, (last - first + 1) * extent});
            }
            lvExtents = ext.toArray(long[][]::new);
        } finally {
            runQuietly("vgchange", "-an", vg);
            run("losetup", "-d", loop);
        }
        assertThat(lvExtents.length).as("lvs segments").isEqualTo(2);
        long lvOffset = 0;
        for (long[] e : lvExtents) {
            copySparse(Corpus.swap("k61-nocompress"), lvOffset, e[1], pv, e[0]);
            lvOffset += e[1];
        }

        // partition 3: ext4 with a swap file holding k612-lzo's stream
        Path root = Files.createDirectories(tmp.resolve("fsroot"));
        Files.writeString(Files.createDirectories(root.resolve("docs")).resolve("readme"), "not swap\n");
        Path swapFile = root.resolve("swapfile");
        byte[] noise = new byte[(int) MIB];
        new Random(7).nextBytes(noise);
        try (FileChannel ch = FileChannel.open(swapFile, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            for (int i = 0; i < 64; i++) {
                ch.write(ByteBuffer.wrap(noise)); // allocated, as a real swap file must be
            }
        }
        run("mkswap", "-U", SWAP_FILE_UUID, swapFile.toString());
        Path p3 = tmp.resolve("p3.img");
        run("mkfs.ext4", "-q", "-F", "-b", "4096", "-d", root.toString(), p3.toString(), "128M");
        Matcher m = Pattern.compile("\\(0-16383\\):(\\d+)-(\\d+)").matcher(run("debugfs", "-R", "stat /swapfile",
                p3.toString()));
        assertThat(m.find()).as("the swap file is one extent").isTrue();
        long resumeOffset = Long.parseLong(m.group(1));
        Path stream = tmp.resolve("k612.stream");
        assertThat(Cli.run("read-stream", "-o", stream.toString(), Corpus.swap("k612-lzo").toString()).exit()).isZero();
        Cli.Result w = Cli.run("write-image", "--overwrite-used-pages", "--quiet", "--resume-offset",
                Long.toString(resumeOffset), "--to", p3.toString(), stream.toString());
        assertThat(w.exit()).as(w.all()).isZero();

        // partition 4: LUKS2
        Path p4 = sparse(tmp.resolve("p4.img"), 20 * MIB);
        run("sh", "-c", "printf torpor-secret | cryptsetup luksFormat --batch-mode --type luks2 --pbkdf pbkdf2 "
                + "--pbkdf-force-iterations 1000 --label vault " + p4 + " -");
        String luksUuid = run("cryptsetup", "luksUUID", p4.toString()).trim();

        // the disk
        Path disk = sparse(tmp.resolve("disk.img"), (1 + 384 + 420 + 128 + 20 + 1) * MIB);
        Path layout = Files.writeString(tmp.resolve("layout"), "label: gpt\n"
                + "size=384MiB, type=0657FD6D-A4AB-43C4-84E5-0933C84B4F4F, name=\"swap\"\n"
                + "size=420MiB, type=E6D6D379-F507-44C2-A23C-238F2A3DF928, name=\"lvm\"\n"
                + "size=128MiB, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4, name=\"data\"\n"
                + "size=20MiB, type=CA7D7CCB-63ED-4C53-861C-1742536059CC, name=\"vault\"\n");
        run("sh", "-c", "sfdisk -q " + disk + " < " + layout);
        JsonNode parts = json(run("sfdisk", "--json", disk.toString())).at("/partitiontable/partitions");
        long[] start = new long[4];
        for (int i = 0; i < 4; i++) {
            start[i] = parts.get(i).get("start").asLong() * 512;
        }
        copySparse(Corpus.swap("k61-lzo"), disk, start[0]);
        copySparse(pv, disk, start[1]);
        copySparse(p3, disk, start[2]);
        copySparse(p4, disk, start[3]);

        Cli.Result r = Cli.run("scan", "--json", disk.toString());
        assertThat(r.exit()).as(r.all()).isZero();
        JsonNode scan = json(r.out());
        assertThat(scan.get("problems")).as(r.out()).isEmpty();
        assertThat(scan.get("images").asInt()).isEqualTo(3);
        for (int i = 0; i < 4; i++) {
            assertThat(scan.at("/table/partitions/" + i + "/offset").asLong()).isEqualTo(start[i]);
            assertThat(scan.at("/table/partitions/" + i + "/guid").asText())
                    .isEqualToIgnoringCase(parts.get(i).get("uuid").asText());
        }
        JsonNode p1 = volume(scan, "p1");
        assertThat(p1.at("/findings/0/verdict").asText()).isEqualTo("valid");
        assertThat(p1.at("/findings/0/inspection/image/header/imagePages").asLong())
                .isEqualTo(Corpus.expected("k61-lzo").at("/info/image_pages").asLong());

        JsonNode lv = volume(scan, vg + "/swap");
        assertThat(lv.get("extents")).hasSize(2);
        for (int i = 0; i < 2; i++) {
            assertThat(lv.at("/extents/" + i + "/diskOffset").asLong()).isEqualTo(start[1] + lvExtents[i][0]);
            assertThat(lv.at("/extents/" + i + "/length").asLong()).isEqualTo(lvExtents[i][1]);
        }
        assertThat(lv.at("/findings/0/verdict").asText()).isEqualTo("valid");
        assertThat(lv.at("/findings/0/swapFile").asBoolean()).isFalse();

        JsonNode data = volume(scan, "p3");
        assertThat(data.get("content").asText()).isEqualTo("ext");
        assertThat(data.get("findings")).hasSize(1);
        JsonNode file = data.at("/findings/0");
        assertThat(file.get("swapFile").asBoolean()).isTrue();
        assertThat(file.get("resumeOffset").asLong()).isEqualTo(resumeOffset);
        assertThat(file.get("diskOffset").asLong()).isEqualTo(start[2] + resumeOffset * 4096);
        assertThat(file.get("verdict").asText()).isEqualTo("valid");
        assertThat(file.at("/inspection/swap/uuid").asText()).isEqualTo(SWAP_FILE_UUID);

        JsonNode vault = volume(scan, "p4");
        assertThat(vault.get("content").asText()).isEqualTo("luks");
        assertThat(vault.get("contentDetail").asText()).contains("LUKS2 UUID " + luksUuid)
                .contains("not readable without the key");
        assertThat(volume(scan, vg + "/other").get("findings")).isEmpty();

        // what scan names, inspect reads in full: the kernel each image came from
        String[] images = {"k61-lzo", "k61-nocompress", "k612-lzo"};
        JsonNode[] findings = {p1.at("/findings/0"), lv.at("/findings/0"), file};
        for (int i = 0; i < 3; i++) {
            List<String> args = new ArrayList<>();
            findings[i].get("inspectArguments").forEach(a -> args.add(a.asText()));
            args.add(1, "--json");
            Cli.Result in = Cli.run(args.toArray(String[]::new));
            assertThat(in.exit()).as(args + ": " + in.all()).isZero();
            assertThat(json(in.out()).at("/image/kernel/release").asText()).as(images[i])
                    .isEqualTo(Files.readAllLines(Corpus.dir().resolve(images[i] + ".vmcoreinfo.txt")).get(0)
                            .substring("OSRELEASE=".length()));
        }
    }

    private static JsonNode volume(JsonNode scan, String name) {
        for (JsonNode v : scan.get("volumes")) {
            if (v.get("name").asText().equals(name)) {
                return v;
            }
        }
        throw new AssertionError("no volume " + name + " in " + scan);
    }

    private static JsonNode json(String s) throws Exception {
        return new ObjectMapper().readTree(s);
    }

    static Path sparse(Path p, long size) throws Exception {
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.allocate(1), size - 1);
        }
        return p;
    }

    /** Copies all of {@code from} into {@code to} at {@code at}, leaving zero MiBs as holes. */
    static void copySparse(Path from, Path to, long at) throws Exception {
        copySparse(from, 0, Files.size(from), to, at);
    }

    static void copySparse(Path from, long fromAt, long length, Path to, long at) throws Exception {
        try (FileChannel in = FileChannel.open(from);
             FileChannel out = FileChannel.open(to, StandardOpenOption.WRITE)) {
            ByteBuffer buf = ByteBuffer.allocate((int) MIB);
            byte[] zero = new byte[(int) MIB];
            for (long done = 0; done < length; done += MIB) {
                buf.clear().limit((int) Math.min(MIB, length - done));
                while (buf.hasRemaining() && in.read(buf, fromAt + done + buf.position()) > 0) {
                    // fill
                }
                int n = buf.position();
                if (!Arrays.equals(buf.array(), 0, n, zero, 0, n)) {
                    buf.flip();
                    out.write(buf, at + done);
                }
            }
        }
    }

    private static String run(String... cmd) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(false);
        pb.environment().put("LVM_SUPPRESS_FD_WARNINGS", "1");
        Process p = pb.start();
        p.getOutputStream().close();
        byte[] err = new byte[0];
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        err = p.getErrorStream().readAllBytes();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as(String.join(" ", cmd) + " ended").isTrue();
        assertThat(p.exitValue()).as(String.join(" ", cmd) + ": " + out + new String(err, StandardCharsets.UTF_8))
                .isZero();
        return out;
    }

    private static void runQuietly(String... cmd) {
        try {
            new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start()
                    .waitFor(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            // best effort: the VG was never activated
        }
    }
}
