/*
 * The resume's writes into /dev/snapshot from C, for issue 10's floor: writes the uncompressed snapshot stream in
 * FILE (torpor read-stream's output, in a RAM file and mapped with its pages present) into /dev/snapshot in writev
 * calls of 64 page-sized iovecs, as torpor resume does, then closes the device without a restore, so nothing in the
 * running system changes. Prints what the calls cost, and what copying the same pages costs in this guest.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#define PAGE 4096
#define BATCH 64

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
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
    return 0;
}
