package dev.torpor.image.io.disk;

import dev.torpor.image.io.Problem;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * An LVM2 physical volume's label ({@code LABELONE} in one of its first four sectors) and the newest metadata text
 * in its first metadata area.
 *
 * @param uuid         the PV's UUID in LVM's dashed form, as the metadata names it
 * @param text         the metadata text, if a metadata area holds one
 * @param textOffset   where the text starts in the volume
 * @param problems     what was wrong, with offsets in the volume
 */
record LvmLabel(String uuid, Optional<String> text, long textOffset, List<Problem> problems) {
    static final int MAX_TEXT = 16 << 20;
    private static final byte[] LABEL = "LABELONE".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TYPE = "LVM2 001".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] MDA_MAGIC = " LVM2 x[5A%r0N*>".getBytes(StandardCharsets.US_ASCII);
    private static final int MDA_HEADER_SIZE = 512;

    /** The sector (0–3) holding the label, or -1. */
    static int labelSector(ByteBuffer first4k) {
        for (int s = 0; s < 4; s++) {
            if (Reads.matches(first4k, s * 512, LABEL) && Reads.matches(first4k, s * 512 + 24, TYPE)) {
                return s;
            }
        }
        return -1;
    }

    static Optional<LvmLabel> read(FileChannel volume) throws IOException {
        ByteBuffer head = Reads.at(volume, 0, 4096);
        int sector = labelSector(head);
        if (sector < 0) {
            return Optional.empty();
        }
        List<Problem> problems = new ArrayList<>();
        int labelAt = sector * 512;
        if (head.limit() < labelAt + 512) {
            problems.add(Problem.error(head.limit(), "the volume ends inside its LVM label's sector"));
            return Optional.of(new LvmLabel("", Optional.empty(), 0, problems));
        }
        long pvAtLong = labelAt + Integer.toUnsignedLong(head.getInt(labelAt + 20));
        int pvAt = (int) Math.min(pvAtLong, Integer.MAX_VALUE);
        if (pvAtLong < labelAt || pvAtLong + 32 + 8 + 16 > labelAt + 512) {
            problems.add(Problem.error(labelAt + 20, "the LVM label puts its PV header outside its sector"));
            return Optional.of(new LvmLabel("", Optional.empty(), 0, problems));
        }
        String raw = Reads.ascii(head, pvAt, 32);
        String uuid = raw.length() == 32 ? String.join("-", raw.substring(0, 6), raw.substring(6, 10),
                raw.substring(10, 14), raw.substring(14, 18), raw.substring(18, 22), raw.substring(22, 26),
                raw.substring(26)) : raw;
        int at = pvAt + 40;
        // data areas, then metadata areas, each list ended by a zero offset
        List<long[]> metadataAreas = new ArrayList<>();
        int list = 0;
        while (list < 2 && at + 16 <= Math.min(labelAt + 512, head.limit())) {
            long off = head.getLong(at);
            long len = head.getLong(at + 8);
            at += 16;
            if (off == 0) {
                list++;
            } else if (list == 1) {
                metadataAreas.add(new long[] {off, len});
            }
        }
        if (metadataAreas.isEmpty()) {
            problems.add(Problem.warning(pvAt, "PV " + uuid + " has no metadata area; its volume group is read from "
                    + "another PV"));
            return Optional.of(new LvmLabel(uuid, Optional.empty(), 0, problems));
        }
        long mda = metadataAreas.get(0)[0];
        long mdaSize = metadataAreas.get(0)[1];
        long size = volume.size();
        if (mda < 0 || mda >= size || mdaSize <= MDA_HEADER_SIZE || mdaSize > size - mda) {
            problems.add(Problem.error(pvAt, "PV " + uuid + "'s metadata area " + mda + "+" + mdaSize
                    + " is not inside the volume"));
            return Optional.of(new LvmLabel(uuid, Optional.empty(), 0, problems));
        }
        ByteBuffer mh = Reads.at(volume, mda, MDA_HEADER_SIZE);
        if (mh.limit() < MDA_HEADER_SIZE || !Reads.matches(mh, 4, MDA_MAGIC)) {
            problems.add(Problem.error(mda + 4, "no LVM2 metadata area header at the offset the label gives"));
            return Optional.of(new LvmLabel(uuid, Optional.empty(), 0, problems));
        }
        long textRel = mh.getLong(40);
        long textLen = mh.getLong(48);
        if (textRel < MDA_HEADER_SIZE || textRel >= mdaSize || textLen <= 0 || textLen > Math.min(mdaSize, MAX_TEXT)) {
            problems.add(Problem.error(mda + 40, "the metadata area's text location " + textRel + "+" + textLen
                    + " is not inside its " + mdaSize + " bytes"));
            return Optional.of(new LvmLabel(uuid, Optional.empty(), 0, problems));
        }
        long first = Math.min(textLen, mdaSize - textRel);
        ByteBuffer a = Reads.at(volume, mda + textRel, (int) first);
        ByteBuffer b = Reads.at(volume, mda + MDA_HEADER_SIZE, (int) (textLen - first)); // wrapped part
        byte[] bytes = new byte[a.remaining() + b.remaining()];
        a.get(bytes, 0, a.remaining());
        b.get(bytes, bytes.length - b.remaining(), b.remaining());
        if (bytes.length < textLen) {
            problems.add(Problem.error(mda + textRel, "the volume ends inside the LVM metadata text"));
        }
        return Optional.of(new LvmLabel(uuid, Optional.of(new String(bytes, StandardCharsets.ISO_8859_1)),
                mda + textRel, problems));
    }
}
