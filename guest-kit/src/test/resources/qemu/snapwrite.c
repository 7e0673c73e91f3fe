/*
 * The resume's writes into /dev/snapshot from C, for issue 10's floor: writes the uncompressed snapshot stream in
 * FILE (torpor read-stream's output, in a RAM file and mapped with its pages present) into /dev/snapshot in writev
 * calls of 64 page-sized iovecs, as torpor resume does, then closes the device without a restore, so nothing in the
 * running system changes. Prints what the calls cost, and what copying the same pages costs in this guest.
 *
 * Then the CPU part of a whole resume in C, the smallest program that does what torpor resume does between the disk
 * and the device: the pages after the header page are compressed into the kernel's 32-page LZO units (liblzo2, not
 * timed), the stream file is removed, and one timed pass decodes every unit (lzo1x_decompress_safe), checksums it
 * (zlib's crc32, the kernel's CRC32) and writes its pages into /dev/snapshot, again closed unrestored. Only reading
 * the disk is left out.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>
#include <lzo/lzo1x.h>
#include <zlib.h>

#define PAGE 4096
#define BATCH 64
#define UNIT_PAGES 32

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

/* CRC32 variants for the same bytes, to see which an emulated CPU runs fastest (the kernel's crc32_le, no inversion) */
static uint32_t tables[16][256];

static void make_tables(void) {
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++) {
            c = (c & 1) ? (c >> 1) ^ 0xEDB88320u : c >> 1;
        }
        tables[0][i] = c;
    }
    for (uint32_t i = 0; i < 256; i++) {
        for (int t = 1; t < 16; t++) {
            tables[t][i] = (tables[t - 1][i] >> 8) ^ tables[0][tables[t - 1][i] & 0xff];
        }
    }
}

static uint32_t crc_byte(uint32_t crc, const unsigned char *p, size_t len) {
    while (len--) {
        crc = tables[0][(crc ^ *p++) & 0xff] ^ (crc >> 8);
    }
    return crc;
}

static uint32_t crc_slice8(uint32_t crc, const unsigned char *p, size_t len) {
    while (len >= 8) {
        uint32_t a, b;
        memcpy(&a, p, 4);
        memcpy(&b, p + 4, 4);
        a ^= crc;
        crc = tables[7][a & 0xff] ^ tables[6][(a >> 8) & 0xff] ^ tables[5][(a >> 16) & 0xff] ^ tables[4][a >> 24]
              ^ tables[3][b & 0xff] ^ tables[2][(b >> 8) & 0xff] ^ tables[1][(b >> 16) & 0xff] ^ tables[0][b >> 24];
        p += 8;
        len -= 8;
    }
    return crc_byte(crc, p, len);
}

static uint32_t crc_slice16(uint32_t crc, const unsigned char *p, size_t len) {
    while (len >= 16) {
        uint32_t a, b, c, d;
        memcpy(&a, p, 4);
        memcpy(&b, p + 4, 4);
        memcpy(&c, p + 8, 4);
        memcpy(&d, p + 12, 4);
        a ^= crc;
        crc = tables[15][a & 0xff] ^ tables[14][(a >> 8) & 0xff] ^ tables[13][(a >> 16) & 0xff] ^ tables[12][a >> 24]
              ^ tables[11][b & 0xff] ^ tables[10][(b >> 8) & 0xff] ^ tables[9][(b >> 16) & 0xff] ^ tables[8][b >> 24]
              ^ tables[7][c & 0xff] ^ tables[6][(c >> 8) & 0xff] ^ tables[5][(c >> 16) & 0xff] ^ tables[4][c >> 24]
              ^ tables[3][d & 0xff] ^ tables[2][(d >> 8) & 0xff] ^ tables[1][(d >> 16) & 0xff] ^ tables[0][d >> 24];
        p += 16;
        len -= 16;
    }
    return crc_byte(crc, p, len);
}

static void crc_variants(const unsigned char *p, size_t len) {
    make_tables();
    double a = now();
    uLong z = crc32(0L, p, (uInt) len);
    double b = now();
    uint32_t s8 = crc_slice8(0, p, len);
    double c = now();
    uint32_t s16 = crc_slice16(0, p, len);
    double d = now();
    uint32_t s1 = crc_byte(0, p, len / 4);
    double e = now();
    printf("TORPOR-GUEST snapwrite-crc bytes=%zu zlib=%.3f slice8=%.3f slice16=%.3f byte=%.3f (a quarter of the bytes) "
           "(%08lx %08x %08x %08x)\n", len, b - a, c - b, d - c, e - d, (unsigned long) z, s8, s16, s1);
}

/*
 * Reading the swap area as torpor resume reads its units: O_DIRECT, 512 KiB at a time, front to back, `bytes` of it
 * (the compressed units' worth), so that Java's share of the resume's reading can be told from the kernel's.
 */
static void direct_reads(size_t bytes) {
    int fd = open("/dev/vda", O_RDONLY | O_DIRECT);
    void *buf = NULL;
    if (fd < 0 || posix_memalign(&buf, 4096, 512 * 1024) != 0) {
        printf("TORPOR-GUEST snapwrite-read unavailable\n");
        return;
    }
    struct timespec c0, c1;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c0);
    double a = now();
    size_t done = 0;
    long calls = 0;
    while (done < bytes) {
        ssize_t n = pread(fd, buf, 512 * 1024, (off_t) done);
        if (n <= 0) {
            break;
        }
        done += (size_t) n;
        calls++;
    }
    double all = now() - a;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c1);
    double cpu = (c1.tv_sec - c0.tv_sec) + (c1.tv_nsec - c0.tv_nsec) / 1e9;
    printf("TORPOR-GUEST snapwrite-read bytes=%zu calls=%ld seconds=%.3f cpu=%.3f\n", done, calls, all, cpu);
    close(fd);
    free(buf);
}

/* the CPU part of a resume in C: see the comment at the top */
static int resume_cpu(const char *path, unsigned char *map, off_t size, long pages) {
    if (lzo_init() != LZO_E_OK) {
        printf("TORPOR-GUEST snapwrite lzo_init failed\n");
        return 70;
    }
    long units = (pages - 1 + UNIT_PAGES - 1) / UNIT_PAGES;
    size_t unitBytes = (size_t) UNIT_PAGES * PAGE;
    size_t bound = unitBytes + unitBytes / 16 + 64 + 3;
    unsigned char *packed = malloc((size_t) units * bound);
    size_t *at = malloc(sizeof(size_t) * (units + 1));
    unsigned char *header = malloc(PAGE);
    static unsigned char wrk[LZO1X_1_MEM_COMPRESS];
    if (!packed || !at || !header) {
        printf("TORPOR-GUEST snapwrite out of memory for the compressed units\n");
        return 71;
    }
    memcpy(header, map, PAGE);
    size_t used = 0;
    for (long u = 0; u < units; u++) {
        long first = 1 + u * UNIT_PAGES;
        long n = pages - first < UNIT_PAGES ? pages - first : UNIT_PAGES;
        lzo_uint out = 0;
        lzo1x_1_compress(map + first * PAGE, (lzo_uint) n * PAGE, packed + used, &out, wrk);
        at[u] = used;
        used += out;
    }
    at[units] = used;
    /* the stream's RAM goes back before the device asks for a page per image page */
    munmap(map, size);
    unlink(path);

    int dev = open("/dev/snapshot", O_WRONLY);
    if (dev < 0) {
        perror("/dev/snapshot");
        return 71;
    }
    unsigned char *unit = malloc(unitBytes);
    struct iovec v[UNIT_PAGES];
    double decode = 0, crc = 0, device = 0;
    uLong sum = crc32(0L, Z_NULL, 0);
    double t0 = now();
    double a = now();
    ssize_t w = write(dev, header, PAGE);
    device += now() - a;
    long written = w == PAGE ? 1 : 0;
    for (long u = 0; u < units && written > 0; u++) {
        a = now();
        lzo_uint n = unitBytes;
        int r = lzo1x_decompress_safe(packed + at[u], at[u + 1] - at[u], unit, &n, NULL);
        double b = now();
        decode += b - a;
        if (r != LZO_E_OK || n % PAGE != 0) {
            printf("TORPOR-GUEST snapwrite unit %ld did not decode: %d\n", u, r);
            close(dev);
            return 74;
        }
        sum = crc32(sum, unit, (uInt) n);
        double c = now();
        crc += c - b;
        int k = (int) (n / PAGE);
        for (int i = 0; i < k; i++) {
            v[i].iov_base = unit + (size_t) i * PAGE;
            v[i].iov_len = PAGE;
        }
        for (int done = 0; done < k;) {
            w = writev(dev, v + done, k - done);
            if (w <= 0) {
                printf("TORPOR-GUEST snapwrite (resume) failed at page %ld: %s\n", written,
                       w < 0 ? strerror(errno) : "no progress");
                close(dev);
                return 74;
            }
            done += (int) (w / PAGE);
            written += w / PAGE;
        }
        device += now() - c;
    }
    double all = now() - t0;
    close(dev);
    crc_variants(packed, used);
    direct_reads(used);
    printf("TORPOR-GUEST snapwrite-resume pages=%ld compressed-bytes=%zu seconds=%.3f decode=%.3f crc32=%.3f "
           "device=%.3f mb-per-second=%.1f (crc %08lx)\n", written, used, all, decode, crc, device,
           written * (double) PAGE / 1e6 / all, (unsigned long) sum);
    return written == pages ? 0 : 74;
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: snapwrite STREAM\n");
        return 64;
    }
    int in = open(argv[1], O_RDONLY);
    if (in < 0) {
        perror(argv[1]);
        return 66;
    }
    off_t size = lseek(in, 0, SEEK_END);
    long pages = size / PAGE;
    unsigned char *map = mmap(NULL, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, in, 0);
    if (map == MAP_FAILED) {
        perror("mmap");
        return 71;
    }
    /* what copying every page once costs here: the kernel's own resume copies each page once */
    static unsigned char sink[PAGE];
    unsigned long sum = 0;
    double c0 = now();
    for (long p = 0; p < pages; p++) {
        memcpy(sink, map + p * PAGE, PAGE);
        sum += sink[p & (PAGE - 1)];
    }
    double copy = now() - c0;

    int dev = open("/dev/snapshot", O_WRONLY);
    if (dev < 0) {
        perror("/dev/snapshot");
        return 71;
    }
    struct iovec v[BATCH];
    double slowest = 0;
    long slowestAt = 0, calls = 0;
    double t0 = now();
    for (long p = 0; p < pages;) {
        int n = pages - p < BATCH ? (int) (pages - p) : BATCH;
        for (int i = 0; i < n; i++) {
            v[i].iov_base = map + (p + i) * PAGE;
            v[i].iov_len = PAGE;
        }
        double a = now();
        ssize_t w = writev(dev, v, n);
        double b = now();
        calls++;
        if (w <= 0) {
            printf("TORPOR-GUEST snapwrite failed at page %ld: %s\n", p, w < 0 ? strerror(errno) : "no progress");
            close(dev);
            return 74;
        }
        if (b - a > slowest) {
            slowest = b - a;
            slowestAt = p;
        }
        p += w / PAGE;
    }
    double all = now() - t0;
    close(dev); /* no restore: the kernel frees what the stream allocated */
    printf("TORPOR-GUEST snapwrite pages=%ld calls=%ld seconds=%.3f slowest=%.3f slowest-at=%ld "
           "us-per-page-besides-slowest=%.2f memcpy-us-per-page=%.2f (%lu)\n", pages, calls, all, slowest, slowestAt,
           (all - slowest) * 1e6 / (pages > 1 ? pages - 1 : 1), copy * 1e6 / (pages ? pages : 1), sum & 1);
    return resume_cpu(argv[1], map, size, pages);
}
