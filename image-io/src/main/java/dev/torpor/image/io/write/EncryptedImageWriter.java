package dev.torpor.image.io.write;

import dev.torpor.image.io.read.BatchedPageSource;
import dev.torpor.image.io.codec.Compressor;
import dev.torpor.image.io.ImageFormatException;
import dev.torpor.image.io.encrypted.KeyMaterial;
import dev.torpor.image.io.read.PageSource;
import dev.torpor.image.io.Progress;
import dev.torpor.image.io.encrypted.TorporHeader;
import dev.torpor.snapshot.api.SnapshotInfo;
import dev.torpor.snapshot.api.KernelByteOrder;
import dev.torpor.snapshot.api.TargetProfile;
import dev.torpor.swap.format.HeaderLayout;
import dev.torpor.swap.format.SwapSignature;
import dev.torpor.swap.format.ImageFlags;

import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.security.SecureRandom;

/**
 * Writes Torpor's encrypted image kind: the snapshot stream (its header page included, since it names kernel
 * addresses) in units of 32 pages, each compressed (optional) then sealed with AES-256-GCM, stored with the same
 * swap-map chain as kernel images under Torpor's own signature. The kernel does not recognise the signature,
 * so it boots normally; {@code torpor resume --key} restores it. The signature page is written last, after
 * fsync, as for kernel images.
 */
final class EncryptedImageWriter {
    private EncryptedImageWriter() {
    }

    /** {@link ImageWriter#write} with {@link ImageWriter.Options#key()} given. */
    static ImageWriter.Result write(PageSource source, TargetProfile target, SwapArea area, SlotAllocator slots,
                                    ImageWriter.Options options) throws IOException {
        KeyMaterial key = options.key().orElseThrow();
        Compressor compressor = options.compressor();
        int iterations = options.kdfIterations();
        int threads = options.threads();
        Progress progress = options.progress();
        int p = target.pageSize();
        if (p != area.pageSize()) {
            throw new IllegalArgumentException("the stream has " + p + "-byte pages, the swap area " + area.pageSize());
        }
        ByteBuffer first = source.next();
        if (first == null || first.remaining() != p) {
            throw new ImageFormatException(0, "the stream is empty or its first page is not a whole page");
        }
        byte[] firstPage = new byte[p];
        first.duplicate().get(firstPage);
        if (!SnapshotInfo.plausible(ByteBuffer.wrap(firstPage), target)) {
            throw new ImageFormatException(0, "the stream's header page is not consistent for " + target);
        }
        long pages = SnapshotInfo.parse(ByteBuffer.wrap(firstPage), target).pages();
        SecureRandom random = new SecureRandom();
        byte[] salt = new byte[16];
        random.nextBytes(salt);
        TorporHeader header;
        SecretKeySpec aes;
        if (key.isPublicKey()) {
            // a fresh key pair per image: only the recipient's secret key opens it, and nothing secret is needed here
            byte[] ephemeral = dev.torpor.image.io.encrypted.X25519.newPrivateKey(random);
            try {
                header = new TorporHeader(p, pages, TorporHeader.unitsFor(pages), compressor, TorporHeader.KDF_X25519,
                        0, salt, random.nextInt(), dev.torpor.image.io.encrypted.X25519.publicKey(ephemeral),
                        key.fingerprint());
                aes = key.imageKey(header, ephemeral);
            } catch (java.security.InvalidKeyException e) {
                throw new IllegalArgumentException("the recipient's public key is not usable: " + e.getMessage(), e);
            } finally {
                java.util.Arrays.fill(ephemeral, (byte) 0);
            }
        } else {
            header = new TorporHeader(p, pages, TorporHeader.unitsFor(pages), compressor,
                    key.isRawKey() ? TorporHeader.KDF_RAW : TorporHeader.KDF_PBKDF2, iterations, salt, random.nextInt());
            aes = key.key(header);
        }
        ByteBuffer headerPage = header.toPage();
        byte[] authenticated = TorporHeader.authenticated(headerPage);

        Meters meters = new Meters(options.registry());
        MapWriter map = new MapWriter(area, slots, 8, meters);
        map.store(headerPage);
        java.util.List<UnitTransformer> stages = new java.util.ArrayList<>();
        if (compressor != Compressor.NONE) {
            stages.add(new Compression(compressor));
        }
        stages.add(new Sealing(aes, header, authenticated));
        UnitPipeline pipeline = new UnitPipeline(stages, p, 4, KernelByteOrder.LITTLE, threads);
        PageSource withFirst = new WithFirst(firstPage, source);
        PhaseClock clock = new PhaseClock();
        pipeline.run(withFirst, pages, null, new UnitPipeline.Sink() {
            @Override
            public void store(ByteBuffer page) throws IOException {
                map.store(page);
            }

            private long done;

            @Override
            public void stored(int streamPages) {
                meters.pages.increment(streamPages);
                done += streamPages;
                progress.update(done, pages, map.bytesOut);
            }
        }, clock);
        if (source.next() != null) {
            throw new ImageFormatException(pages * p, "the stream holds more pages than the " + pages
                    + " its header page announces");
        }
        long finish = System.nanoTime();
        map.finish();
        clock.write = map.writeNanos;
        long synced = System.nanoTime();
        clock.store += synced - finish;
        area.store().force();
        sign(area, map.firstMapPage(), options.platformMode() ? ImageFlags.PLATFORM : 0);
        clock.sync = System.nanoTime() - synced;
        return new ImageWriter.Result(pages, map.stored, map.mapPages, header.units(), pages * p,
                map.bytesOut + p, 0, 0, map.firstMapPage(), clock.phases());
    }

    /** The signature page as the kernel's era-5.17 layout has it, under Torpor's signature (flags: platform mode). */
    private static void sign(SwapArea area, long firstMap, long flags) throws IOException {
        SignaturePage.mark(area, HeaderLayout.V5_17, 8, SwapSignature.TORPOR, firstMap, flags, 0);
    }

    /**
     * The header page read ahead, then the rest of {@code source}, batched where {@code source} is: the writer fills
     * its units from it with one copy and nothing allocated per page.
     */
    private static final class WithFirst implements BatchedPageSource {
        private final ByteBuffer first;
        private final PageSource source;
        private final BatchedPageSource batched;
        private boolean firstGiven;

        WithFirst(byte[] firstPage, PageSource source) {
            this.first = ByteBuffer.wrap(firstPage);
            this.source = source;
            this.batched = source instanceof BatchedPageSource b ? b : null;
        }

        @Override
        public ByteBuffer next() throws IOException {
            if (!firstGiven) {
                firstGiven = true;
                return first;
            }
            return source.next();
        }

        @Override
        public int nextPages(byte[] dst, int offset, int pages) throws IOException {
            if (pages == 0) {
                return 0;
            }
            if (!firstGiven) {
                firstGiven = true;
                first.get(0, dst, offset, first.capacity());
                return 1;
            }
            if (batched != null) {
                return batched.nextPages(dst, offset, pages);
            }
            ByteBuffer page = source.next();
            if (page == null) {
                return 0;
            }
            if (page.remaining() != first.capacity()) {
                throw new ImageFormatException(0, "a stream page has " + page.remaining() + " bytes, not "
                        + first.capacity());
            }
            page.get(page.position(), dst, offset, first.capacity());
            return 1;
        }
    }
}
