/*
 * The codecs alone, in C, on one snapshot stream: Torpor's JNI LZO1X-1 (platform-linux/src/main/c/torpor_lzo.c,
 * compiled in here) against liblzo2's lzo1x_1_compress, Torpor's decoder against liblzo2's lzo1x_decompress_safe on
 * the units liblzo2 compressed, and zlib's crc32 against a plain slice-by-8 CRC32, each over 32-page units as the
 * writer feeds them and the reader gets them. It answers whether a faster native codec is still in reach.
 *
 * Build and run (run.sh does both):
 *   gcc -O2 -I$JAVA_HOME/include -I$JAVA_HOME/include/linux -o codec_bench codec_bench.c -llzo2 -lz
 *   ./codec_bench image.stream [SECONDS]
 */
/* Torpor's static functions are renamed: liblzo2 declares functions of the same names. */
#define lzo1x_1_compress torpor_lzo1x_1_compress
#define lzo1x_decompress torpor_lzo1x_decompress
#include "../../platform-linux/src/main/c/torpor_lzo.c"
#include "../../platform-linux/src/main/c/torpor_crc.c"
#undef lzo1x_1_compress
#undef lzo1x_decompress

#include <lzo/lzo1x.h>
#include <zlib.h>

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define UNIT (32 * 4096)

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static uint32_t slice8[8][256];

static void slice8_init(void) {
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++) {
            c = (c & 1) ? (c >> 1) ^ 0xEDB88320u : c >> 1;
        }
        slice8[0][i] = c;
    }
    for (uint32_t i = 0; i < 256; i++) {
        for (int t = 1; t < 8; t++) {
            slice8[t][i] = (slice8[t - 1][i] >> 8) ^ slice8[0][slice8[t - 1][i] & 0xff];
        }
    }
}

static uint32_t slice8_crc(uint32_t crc, const uint8_t *p, size_t n) {
    crc = ~crc;
    while (n >= 8) {
        uint32_t a = get32(p) ^ crc;
        uint32_t b = get32(p + 4);
        crc = slice8[7][a & 0xff] ^ slice8[6][(a >> 8) & 0xff] ^ slice8[5][(a >> 16) & 0xff] ^ slice8[4][a >> 24]
            ^ slice8[3][b & 0xff] ^ slice8[2][(b >> 8) & 0xff] ^ slice8[1][(b >> 16) & 0xff] ^ slice8[0][b >> 24];
        p += 8;
        n -= 8;
    }
    while (n--) {
        crc = (crc >> 8) ^ slice8[0][(crc ^ *p++) & 0xff];
    }
    return ~crc;
}

enum which { TORPOR_LZO, LIBLZO2, ZLIB_CRC, SLICE8_CRC, TORPOR_DECODE, LIBLZO2_DECODE };

/* The stream's units compressed once by liblzo2, back to back, each with its length: what the decoders read. */
static uint8_t *units;
static size_t *unit_len;
static size_t unit_count;

/* One pass over the stream; returns the bytes produced (compressors) or the CRC (checksums). */
static uint64_t pass(enum which w, const uint8_t *data, size_t len, uint8_t *out, void *wrk) {
    uint64_t produced = 0;
    uint32_t crc = 0;
    if (w == TORPOR_DECODE || w == LIBLZO2_DECODE) {
        const uint8_t *u = units;
        for (size_t i = 0; i < unit_count; i++) {
            if (w == TORPOR_DECODE) {
                long n = torpor_lzo1x_decompress(u, unit_len[i], out, UNIT);
                if (n < 0) {
                    fprintf(stderr, "torpor's decoder refused unit %zu\n", i);
                    exit(70);
                }
                produced += (uint64_t) n;
            } else {
                lzo_uint n = UNIT;
                if (lzo1x_decompress_safe(u, unit_len[i], out, &n, NULL) != LZO_E_OK) {
                    fprintf(stderr, "liblzo2 refused unit %zu\n", i);
                    exit(70);
                }
                produced += n;
            }
            u += unit_len[i];
        }
        return produced;
    }
    for (size_t off = 0; off < len; off += UNIT) {
        size_t n = len - off < UNIT ? len - off : UNIT;
        switch (w) {
        case TORPOR_LZO:
            produced += (uint64_t) torpor_lzo1x_1_compress(data + off, n, out);
            break;
        case LIBLZO2: {
            lzo_uint out_len = 0;
            lzo1x_1_compress(data + off, n, out, &out_len, wrk);
            produced += out_len;
            break;
        }
        case ZLIB_CRC:
            crc = (uint32_t) crc32(crc, data + off, (uInt) n);
            break;
        case SLICE8_CRC:
            crc = slice8_crc(crc, data + off, n);
            break;
        default: /* the decoders: above */
            break;
        }
    }
    return w == ZLIB_CRC || w == SLICE8_CRC ? crc : produced;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s STREAM [SECONDS]\n", argv[0]);
        return 64;
    }
    double seconds = argc > 2 ? atof(argv[2]) : 3;
    FILE *f = fopen(argv[1], "rb");
    if (!f) {
        perror(argv[1]);
        return 66;
    }
    fseek(f, 0, SEEK_END);
    size_t len = (size_t) ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *data = malloc(len);
    if (!data || fread(data, 1, len, f) != len) {
        fprintf(stderr, "%s: cannot read\n", argv[1]);
        return 66;
    }
    fclose(f);
    if (lzo_init() != LZO_E_OK) {
        fprintf(stderr, "lzo_init failed\n");
        return 70;
    }
    slice8_init();
    uint8_t *out = malloc(UNIT + UNIT / 16 + 64 + 3);
    void *wrk = malloc(LZO1X_1_MEM_COMPRESS);
    const char *names[] = {"torpor LZO1X-1 (JNI code)", "liblzo2 lzo1x_1_compress", "zlib crc32", "slice-by-8 crc32",
                           "torpor LZO decoder (JNI code)", "liblzo2 lzo1x_decompress_safe"};
    unit_count = (len + UNIT - 1) / UNIT;
    units = malloc(unit_count * (UNIT + UNIT / 16 + 64 + 3));
    unit_len = malloc(unit_count * sizeof(size_t));
    uint8_t *u = units;
    for (size_t i = 0; i < unit_count; i++) {
        size_t off = i * UNIT;
        lzo_uint n = 0;
        lzo1x_1_compress(data + off, len - off < UNIT ? len - off : UNIT, u, &n, wrk);
        unit_len[i] = n;
        u += n;
    }
    uint64_t results[6];
    for (int w = 0; w < 6; w++) {
        pass((enum which) w, data, len, out, wrk); /* warm */
        int passes = 0;
        double start = now();
        do {
            results[w] = pass((enum which) w, data, len, out, wrk);
            passes++;
        } while (now() - start < seconds);
        double mbs = (double) len * passes / (now() - start) / 1e6;
        if (w >= 4) {
            /* MB/s of decoded output, as the kernel and Torpor report reading */
            printf("%-28s %8.1f MB/s  (%llu bytes out)\n", names[w], mbs, (unsigned long long) results[w]);
        } else if (w < 2) {
            printf("%-28s %8.1f MB/s  (%zu bytes in, %llu out)\n", names[w], mbs, len, (unsigned long long) results[w]);
        } else {
            printf("%-28s %8.1f MB/s  (crc 0x%08llx)\n", names[w], mbs, (unsigned long long) results[w]);
        }
    }
    if (results[4] != len || results[5] != len) {
        fprintf(stderr, "a decoder did not give the stream's length back\n");
        return 70;
    }
    if (results[2] != results[3]) {
        fprintf(stderr, "the two CRC32s differ: the slice-by-8 table is wrong\n");
        return 70;
    }
    return 0;
}
