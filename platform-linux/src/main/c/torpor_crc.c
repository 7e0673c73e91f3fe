/*
 * The kernel's crc32_le as hibernation uses it (seed 0 for the first unit, no inversion before or after), eight bytes
 * at a time with eight tables (the kernel's own generic method). Plain loads and table look-ups: no CLMUL, whose
 * instruction an emulating CPU (QEMU's TCG) computes bit by bit. Little-endian hosts only, as torpor_lzo.c.
 * Exposed to Java as dev.torpor.platform.linux.NativeCrc32.crc32Le0, and used by NativeLzo's direct decoder.
 */
#include <jni.h>
#include <string.h>

#include "torpor_crc.h"

#define POLY 0xEDB88320u

static uint32_t table[8][256];

__attribute__((constructor)) static void make_tables(void) {
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++) {
            c = (c & 1) ? (c >> 1) ^ POLY : c >> 1;
        }
        table[0][i] = c;
    }
    for (uint32_t i = 0; i < 256; i++) {
        for (int t = 1; t < 8; t++) {
            table[t][i] = (table[t - 1][i] >> 8) ^ table[0][table[t - 1][i] & 0xff];
        }
    }
}

uint32_t torpor_crc32_le(uint32_t crc, const uint8_t *p, size_t len) {
    while (len != 0 && ((uintptr_t) p & 7) != 0) {
        crc = table[0][(crc ^ *p++) & 0xff] ^ (crc >> 8);
        len--;
    }
    while (len >= 8) {
        uint32_t a;
        uint32_t b;
        memcpy(&a, p, 4);
        memcpy(&b, p + 4, 4);
        a ^= crc;
        crc = table[7][a & 0xff] ^ table[6][(a >> 8) & 0xff] ^ table[5][(a >> 16) & 0xff] ^ table[4][a >> 24]
              ^ table[3][b & 0xff] ^ table[2][(b >> 8) & 0xff] ^ table[1][(b >> 16) & 0xff] ^ table[0][b >> 24];
        p += 8;
        len -= 8;
    }
    while (len-- != 0) {
        crc = table[0][(crc ^ *p++) & 0xff] ^ (crc >> 8);
    }
    return crc;
}

/* Java: NativeCrc32.crc32Le0(buffer, off, len, crc) over a direct buffer, bounds checked in Java. */
JNIEXPORT jint JNICALL Java_dev_torpor_platform_linux_NativeCrc32_crc32Le0(JNIEnv *env, jclass c, jobject buffer,
                                                                         jint off, jint len, jint crc) {
    const uint8_t *base = (*env)->GetDirectBufferAddress(env, buffer);
    if (base == NULL) {
        return crc;
    }
    return (jint) torpor_crc32_le((uint32_t) crc, base + off, (size_t) len);
}
