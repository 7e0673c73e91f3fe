/*
 * The C reference for `torpor bench write`: the same work in plain C, one thread.
 * Reads an uncompressed snapshot stream (as `torpor read-stream` writes it) into memory, then for
 * SECONDS repeatedly: cuts everything after the header page into units of 32 pages, runs zlib's crc32
 * and liblzo2's LZO1X-1 over each unit, frames it as the kernel does (an 8-byte length, the bytes,
 * padding to whole 4 KiB pages), writes it to OUTPUT and fsyncs at the end. Prints MB/s of
 * uncompressed input.
 *
 * Build and run: benchmarks/c-reference/run.sh (installs liblzo2-dev and zlib1g-dev if missing).
 */
#include <lzo/lzo1x.h>
#include <zlib.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define PAGE 4096
#define UNIT (32 * PAGE)

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: %s STREAM OUTPUT SECONDS\n", argv[0]);
        return 64;
    }
    int fd = open(argv[1], O_RDONLY);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        perror(argv[1]);
        return 66;
    }
    size_t n = 0;
    unsigned char *in = malloc(st.st_size);
    while (n < (size_t) st.st_size) {
        ssize_t r = read(fd, in + n, st.st_size - n);
        if (r <= 0) break;
        n += r;
    }
    close(fd);
    double seconds = atof(argv[3]);
    if (lzo_init() != LZO_E_OK) return 70;
    unsigned char *wrk = malloc(LZO1X_1_MEM_COMPRESS);
    size_t cap = (8 + UNIT + UNIT / 16 + 64 + 3 + PAGE) / PAGE * PAGE;
    unsigned char *out = malloc(cap);
    double start = now();
    long images = 0;
    size_t written = 0;
    unsigned long crc = 0;
    do {
        int o = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (o < 0) { perror(argv[2]); return 73; }
        crc = crc32(0, 0, 0);
        written = 0;
        for (size_t p = PAGE; p < n; p += UNIT) {
            size_t len = n - p < UNIT ? n - p : UNIT;
            lzo_uint clen;
            crc = crc32(crc, in + p, len);
            lzo1x_1_compress(in + p, len, out + 8, &clen, wrk);
            unsigned long long l = clen;
            memcpy(out, &l, 8);
            size_t framed = (8 + clen + PAGE - 1) / PAGE * PAGE;
            memset(out + 8 + clen, 0, framed - 8 - clen);
            if (write(o, out, framed) != (ssize_t) framed) { perror("write"); return 74; }
            written += framed;
        }
        fsync(o);
        close(o);
        images++;
    } while (now() - start < seconds);
    double elapsed = now() - start;
    printf("C reference (liblzo2 LZO1X-1 + zlib crc32 + framing + write + fsync, 1 thread): %.0f MB/s "
           "(%ld images in %.2f s, %.1f MB -> %.1f MB each)\n",
           images * (double) n / 1e6 / elapsed, images, elapsed, n / 1e6, written / 1e6);
    return 0;
}
