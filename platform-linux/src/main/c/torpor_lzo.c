/*
 * LZO1X-1 compression, the same algorithm and instruction choices as Torpor's Java Lzo1x1Compressor (which follows
 * the kernel's lib/lzo/lzo1x_compress.c, bitstream version 0, 64-bit match lengths): byte for byte the same output,
 * ahead-of-time compiled, so a hibernating JVM whose JIT has stopped still compresses at C speed.
 * Exposed to Java as dev.torpor.platform.linux.NativeLzo.compress0 over two byte arrays.
 */
#include <jni.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "torpor_crc.h"

#define D_BITS 13
#define D_SIZE (1 << D_BITS)
#define M2_MAX_LEN 8
#define M2_MAX_OFFSET 0x0800
#define M3_MAX_LEN 33
#define M3_MAX_OFFSET 0x4000
#define M4_MAX_LEN 9
#define M4_MAX_OFFSET 0xbfff
#define M3_MARKER 32
#define M4_MARKER 16

static inline uint32_t get32(const uint8_t *p) {
    uint32_t v;
    memcpy(&v, p, 4);
    return v; /* little-endian hosts only (x86_64, aarch64): the build targets those */
}

static inline uint64_t get64(const uint8_t *p) {
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

static uint8_t *literal_length(uint8_t *op, size_t t) {
    if (t <= 18) {
        *op++ = (uint8_t) (t - 3);
        return op;
    }
    size_t tt = t - 18;
    *op++ = 0;
    while (tt > 255) {
        tt -= 255;
        *op++ = 0;
    }
    *op++ = (uint8_t) tt;
    return op;
}

static uint8_t *long_length(uint8_t *op, unsigned marker, size_t rest) {
    *op++ = (uint8_t) marker;
    while (rest > 255) {
        rest -= 255;
        *op++ = 0;
    }
    *op++ = (uint8_t) rest;
    return op;
}

/* The kernel's 8-bytes-at-a-time match loop: bytes 0..11 equal; ends at the first mismatch, or at the first step
 * 4 + 8k (k >= 1) that reaches ip_end. */
static size_t long_match(const uint8_t *ip, const uint8_t *m, const uint8_t *ip_end) {
    ptrdiff_t room = ip_end - ip - 4 + 7;
    size_t kcap = room >> 3 > 1 ? (size_t) (room >> 3) : 1;
    size_t cap = 4 + 8 * kcap;
    for (size_t i = 12; i < cap; i += 8) { /* cap - 12 is a multiple of 8 */
        uint64_t v = get64(ip + i) ^ get64(m + i);
        if (v != 0) {
            return i + (size_t) (__builtin_ctzll(v) >> 3);
        }
    }
    return cap;
}

struct state {
    uint8_t *op;
    uint8_t *state; /* where the next short literal count goes, or NULL before the first instruction */
};

/* lzo1x_1_do_compress over one block; returns the literals left pending at its end, or (size_t) -1 if the stream
 * would need a state byte before any instruction (which the algorithm never does). */
static size_t do_compress(const uint8_t *in, size_t in_len, struct state *s, size_t ti, uint16_t *dict) {
    const uint8_t *in_end = in + in_len;
    const uint8_t *ip_end = in + in_len - 20;
    uint8_t *op = s->op;
    uint8_t *st = s->state;
    const uint8_t *ip = in;
    const uint8_t *ii = ip;
    ip += ti < 4 ? 4 - ti : 0;
    ip += 1 + ((ip - ii) >> 5);
    for (;;) {
        const uint8_t *m;
        for (;;) {
            if (ip >= ip_end) {
                s->op = op;
                s->state = st;
                return (size_t) (in_end - (ii - ti));
            }
            uint32_t dv = get32(ip);
            uint32_t h = (dv * 0x1824429du) >> (32 - D_BITS);
            m = in + dict[h];
            dict[h] = (uint16_t) (ip - in);
            if (dv == get32(m)) {
                break;
            }
            ip += 1 + ((ip - ii) >> 5);
        }
        ii -= ti;
        ti = 0;
        size_t t = (size_t) (ip - ii);
        if (t != 0) {
            if (t <= 3) {
                if (st == NULL) {
                    return (size_t) -1;
                }
                *st |= (uint8_t) t;
                memcpy(op, ii, t);
            } else if (t <= 16) {
                *op++ = (uint8_t) (t - 3);
                memcpy(op, ii, t);
            } else {
                op = literal_length(op, t);
                memcpy(op, ii, t);
            }
            op += t;
        }
        size_t m_len = 4;
        uint64_t v = get64(ip + 4) ^ get64(m + 4);
        if (v != 0) {
            m_len += (size_t) (__builtin_ctzll(v) >> 3);
        } else {
            m_len = long_match(ip, m, ip_end);
        }
        size_t m_off = (size_t) (ip - m);
        ip += m_len;
        if (m_len <= M2_MAX_LEN && m_off <= M2_MAX_OFFSET) {
            m_off -= 1;
            op[0] = (uint8_t) (((m_len - 1) << 5) | ((m_off & 7) << 2));
            op[1] = (uint8_t) (m_off >> 3);
            op += 2;
        } else {
            if (m_off <= M3_MAX_OFFSET) {
                m_off -= 1;
                if (m_len <= M3_MAX_LEN) {
                    *op++ = (uint8_t) (M3_MARKER | (m_len - 2));
                } else {
                    op = long_length(op, M3_MARKER, m_len - M3_MAX_LEN);
                }
            } else {
                m_off -= 0x4000;
                unsigned marker = M4_MARKER | ((m_off >> 11) & 8);
                if (m_len <= M4_MAX_LEN) {
                    *op++ = (uint8_t) (marker | (m_len - 2));
                } else {
                    op = long_length(op, marker, m_len - M4_MAX_LEN);
                }
            }
            op[0] = (uint8_t) (m_off << 2);
            op[1] = (uint8_t) (m_off >> 6);
            op += 2;
        }
        st = op - 2;
        ii = ip;
    }
}

/* Compresses in[0, in_len) into out (room for lzo1x_worst_compress(in_len)); returns the length, or -1. */
static long lzo1x_1_compress(const uint8_t *in, size_t in_len, uint8_t *out) {
    uint16_t dict[D_SIZE];
    struct state s = {out, NULL};
    const uint8_t *ip = in;
    size_t l = in_len;
    size_t t = 0;
    while (l > 20) {
        size_t ll = l < M4_MAX_OFFSET + 1 ? l : M4_MAX_OFFSET + 1;
        memset(dict, 0, sizeof dict);
        t = do_compress(ip, ll, &s, t, dict);
        if (t == (size_t) -1) {
            return -1;
        }
        ip += ll;
        l -= ll;
    }
    t += l;
    uint8_t *op = s.op;
    if (t > 0) {
        const uint8_t *ii = in + in_len - t;
        if (op == out && t <= 238) {
            *op++ = (uint8_t) (17 + t);
        } else if (t <= 3) {
            if (s.state == NULL) {
                return -1;
            }
            *s.state |= (uint8_t) t;
        } else {
            op = literal_length(op, t);
        }
        memcpy(op, ii, t);
        op += t;
    }
    *op++ = M4_MARKER | 1;
    *op++ = 0;
    *op++ = 0;
    return (long) (op - out);
}

/* One of the codecs over two Java arrays pinned for the call (no copy); -1 if the JVM could not pin them. */
typedef long (*codec)(const uint8_t *in, size_t in_len, uint8_t *out, size_t out_cap);

static jint on_arrays(JNIEnv *env, codec run, jbyteArray in, jint in_off, jint in_len, jbyteArray out, jint out_off,
                      jint out_cap) {
    uint8_t *src = (*env)->GetPrimitiveArrayCritical(env, in, NULL);
    if (src == NULL) {
        return -1;
    }
    uint8_t *dst = (*env)->GetPrimitiveArrayCritical(env, out, NULL);
    if (dst == NULL) {
        (*env)->ReleasePrimitiveArrayCritical(env, in, src, JNI_ABORT);
        return -1;
    }
    long n = run(src + in_off, (size_t) in_len, dst + out_off, (size_t) out_cap);
    (*env)->ReleasePrimitiveArrayCritical(env, out, dst, 0);
    (*env)->ReleasePrimitiveArrayCritical(env, in, src, JNI_ABORT);
    return (jint) n;
}

static long compress_into(const uint8_t *in, size_t in_len, uint8_t *out, size_t out_cap) {
    (void) out_cap; /* the caller gives room for the worst case */
    return lzo1x_1_compress(in, in_len, out);
}

/* Java: NativeLzo.compress0(in, inOff, inLen, out, outOff) with bounds checked in Java; the compressed length, or -1. */
JNIEXPORT jint JNICALL Java_dev_torpor_platform_linux_NativeLzo_compress0(JNIEnv *env, jclass c, jbyteArray in,
                                                                          jint in_off, jint in_len, jbyteArray out,
                                                                          jint out_off) {
    return on_arrays(env, compress_into, in, in_off, in_len, out, out_off, 0);
}

/*
 * LZO1X decompression of untrusted data (the classic bitstream, as lzo1x_decompress_safe reads it): every length is
 * checked against what is left of the input and the output, and every match distance against what was written.
 * Returns the output length, or -(1 + input offset) where the data is malformed.
 */
#define NEED_IN(n) do { if ((size_t) (ip_end - ip) < (size_t) (n)) goto malformed; } while (0)
#define NEED_OUT(n) do { if ((size_t) (op_end - op) < (size_t) (n)) goto malformed; } while (0)
/* m = op - distance, once the distance is known to stay within what was written (no pointer before out) */
#define MATCH_AT(distance) do { size_t d_ = (distance); if (d_ > (size_t) (op - out)) goto malformed; m = op - d_; } while (0)

/* A run length: t, or, for t == 0, 255 for each zero byte then base + the next byte. */
#define RUN_LENGTH(base) do {                                                        \
        if (t == 0) {                                                                \
            for (;;) {                                                               \
                NEED_IN(1);                                                          \
                if (*ip != 0) break;                                                 \
                ip++;                                                                \
                if (t > (size_t) 1 << 30) goto malformed;                            \
                t += 255;                                                            \
            }                                                                        \
            t += (base) + *ip++;                                                     \
        }                                                                            \
    } while (0)

static long lzo1x_decompress(const uint8_t *in, size_t in_len, uint8_t *out, size_t out_cap) {
    const uint8_t *ip = in;
    const uint8_t *const ip_end = in + in_len;
    uint8_t *op = out;
    uint8_t *const op_end = out + out_cap;
    const uint8_t *m;
    size_t t;
    NEED_IN(1);
    if (*ip > 17) {
        t = *ip++ - 17;
        if (t < 4) {
            goto match_next;
        }
        NEED_IN(t);
        NEED_OUT(t);
        memcpy(op, ip, t);
        op += t;
        ip += t;
        goto first_literal_run;
    }
    for (;;) {
        NEED_IN(1);
        t = *ip++;
        if (t >= 16) {
            goto match;
        }
        RUN_LENGTH(15);
        t += 3;
        NEED_IN(t);
        NEED_OUT(t);
        memcpy(op, ip, t);
        op += t;
        ip += t;
first_literal_run:
        NEED_IN(1);
        t = *ip++;
        if (t >= 16) {
            goto match;
        }
        /* a 3-byte match right after a literal run of 4 or more */
        NEED_IN(1);
        MATCH_AT(1 + M2_MAX_OFFSET + (t >> 2) + ((size_t) *ip++ << 2));
        NEED_OUT(3);
        op[0] = m[0];
        op[1] = m[1];
        op[2] = m[2];
        op += 3;
        goto match_done;
        for (;;) {
match:
            if (t >= 64) {
                NEED_IN(1);
                MATCH_AT(1 + ((t >> 2) & 7) + ((size_t) *ip++ << 3));
                t = (t >> 5) - 1;
            } else if (t >= 32) {
                t &= 31;
                RUN_LENGTH(31);
                NEED_IN(2);
                MATCH_AT(1 + (ip[0] >> 2) + ((size_t) ip[1] << 6));
                ip += 2;
            } else if (t >= 16) {
                size_t far = (t & 8) << 11;
                t &= 7;
                RUN_LENGTH(7);
                NEED_IN(2);
                size_t d = far + (ip[0] >> 2) + ((size_t) ip[1] << 6);
                ip += 2;
                if (d == 0) {
                    /* the end marker: its length must be 1 and nothing may follow */
                    if (t != 1 || ip != ip_end) {
                        goto malformed;
                    }
                    return (long) (op - out);
                }
                MATCH_AT(d + 0x4000);
            } else {
                /* a 2-byte match after a short literal run */
                NEED_IN(1);
                MATCH_AT(1 + (t >> 2) + ((size_t) *ip++ << 2));
                NEED_OUT(2);
                op[0] = m[0];
                op[1] = m[1];
                op += 2;
                goto match_done;
            }
            t += 2;
            NEED_OUT(t);
            if (op - m >= 8) {
                /* 8 bytes at a time: every byte read was written before (a distance of 8 or more) */
                size_t i = 0;
                for (; i + 8 <= t; i += 8) {
                    memcpy(op + i, m + i, 8);
                }
                for (; i < t; i++) {
                    op[i] = m[i];
                }
            } else if (op - m == 1) {
                memset(op, m[0], t); /* a run of one byte (zero pages) */
            } else {
                /* byte by byte: the match overlaps what it produces */
                for (size_t i = 0; i < t; i++) {
                    op[i] = m[i];
                }
            }
            op += t;
match_done:
            t = ip[-2] & 3;
            if (t == 0) {
                break;
            }
match_next:
            NEED_IN(t + 1);
            NEED_OUT(t);
            memcpy(op, ip, t);
            op += t;
            ip += t;
            t = *ip++;
        }
    }
malformed:
    return -(1 + (long) (ip - in));
}

/* Java: NativeLzo.decompress0(in, inOff, inLen, out, outOff, outCap), bounds checked in Java. */
JNIEXPORT jint JNICALL Java_dev_torpor_platform_linux_NativeLzo_decompress0(JNIEnv *env, jclass c, jbyteArray in,
                                                                            jint in_off, jint in_len, jbyteArray out,
                                                                            jint out_off, jint out_cap) {
    return on_arrays(env, lzo1x_decompress, in, in_off, in_len, out, out_off, out_cap);
}

/*
 * Java: NativeLzo.decompressWithCrc0(in, inOff, inLen, out, outOff, outCap, crc) between direct buffers, bounds checked
 * in Java: decodes one unit and carries the kernel's CRC32 over what it decoded while the output is still in the cache,
 * so that a resume's per-unit work is one call. Returns (length << 32) | new crc, or -(1 + input offset) where the data
 * is malformed (the CRC then means nothing).
 */
JNIEXPORT jlong JNICALL Java_dev_torpor_platform_linux_NativeLzo_decompressWithCrc0(JNIEnv *env, jclass c, jobject in,
                                                                                  jint in_off, jint in_len,
                                                                                  jobject out, jint out_off,
                                                                                  jint out_cap, jint crc) {
    const uint8_t *src = (*env)->GetDirectBufferAddress(env, in);
    uint8_t *dst = (*env)->GetDirectBufferAddress(env, out);
    if (src == NULL || dst == NULL) {
        return -1;
    }
    long n = lzo1x_decompress(src + in_off, (size_t) in_len, dst + out_off, (size_t) out_cap);
    if (n < 0) {
        return n;
    }
    uint32_t sum = torpor_crc32_le((uint32_t) crc, dst + out_off, (size_t) n);
    return ((jlong) n << 32) | (jlong) sum;
}

/*
 * Java: NativeLzo.decodeUnits0(in, offsets, lengths, count, out, stride, crc): a resume's batch of units in one call,
 * unit k from in[offsets[k], + lengths[k]) into out[k * stride, + stride), the CRC carried over each output in turn;
 * stops at the first unit that does not decode. lengths[k] becomes the output length, or -(1 + input offset) for the
 * unit that failed. Returns (units decoded << 32) | crc. Bounds are checked in Java.
 */
JNIEXPORT jlong JNICALL Java_dev_torpor_platform_linux_NativeLzo_decodeUnits0(JNIEnv *env, jclass c, jobject in,
                                                                            jintArray offsets, jintArray lengths,
                                                                            jint count, jobject out, jint stride,
                                                                            jint crc) {
    const uint8_t *src = (*env)->GetDirectBufferAddress(env, in);
    uint8_t *dst = (*env)->GetDirectBufferAddress(env, out);
    if (src == NULL || dst == NULL || count < 0 || count > 1024) {
        return (jlong) (uint32_t) crc;
    }
    jint off[1024];
    jint len[1024];
    (*env)->GetIntArrayRegion(env, offsets, 0, count, off);
    (*env)->GetIntArrayRegion(env, lengths, 0, count, len);
    uint32_t sum = (uint32_t) crc;
    jint k = 0;
    for (; k < count; k++) {
        uint8_t *o = dst + (size_t) k * (size_t) stride;
        long n = lzo1x_decompress(src + off[k], (size_t) len[k], o, (size_t) stride);
        if (n < 0) {
            len[k] = (jint) n;
            break;
        }
        sum = torpor_crc32_le(sum, o, (size_t) n);
        len[k] = (jint) n;
    }
    (*env)->SetIntArrayRegion(env, lengths, 0, k < count ? k + 1 : count, len);
    return ((jlong) k << 32) | (jlong) sum;
}

static uint64_t load_word(const uint8_t *p, int word, int big) {
    uint64_t v = 0;
    if (big) {
        for (int i = 0; i < word; i++) {
            v = (v << 8) | p[i];
        }
    } else {
        for (int i = word - 1; i >= 0; i--) {
            v = (v << 8) | p[i];
        }
    }
    return v;
}

/*
 * Java: NativeLzo.collectUnits0: walks a resume's next units in the O_DIRECT window (pages first .. first + pages - 1
 * of the area at its byte 0) along the swap-map entries slots[from, to), as StreamCursor does one unit at a time: each
 * unit's length field (word bytes, big-endian or not) from its first page, 1 .. max_cmp, its pages consecutive slots
 * within the window, and for LZO the end-of-stream marker at its stated length. Collected units go to offsets[at..]
 * (where their data starts in the window) and lengths[at..], up to max_units in all. result = {units in all, entries
 * used, why it stopped, detail}: 0 enough units; 1 the entries ran out (detail: the pages the unit needs, 0 if its
 * first entry is missing); 2 the unit's first page is outside the window; 3 its pages are not consecutive; 4 its last
 * page is outside the window; 5 its length is out of range; 6 no end marker. Nothing is read outside the window.
 */
JNIEXPORT void JNICALL Java_dev_torpor_platform_linux_NativeLzo_collectUnits0(JNIEnv *env, jclass c, jobject window,
                                                                            jlong wfirst, jint wpages, jint page,
                                                                            jlongArray slots, jint from, jint to,
                                                                            jint word, jboolean big, jlong max_cmp,
                                                                            jboolean lzo, jint at, jint max_units,
                                                                            jintArray offsets, jintArray lengths,
                                                                            jintArray result) {
    const uint8_t *w = (*env)->GetDirectBufferAddress(env, window);
    jint out[4] = {at, 0, 2, 0};
    jlong s[4096];
    jint off[1024];
    jint len[1024];
    int n = to - from;
    if (w == NULL || n < 0 || n > 4096 || at < 0 || max_units > 1024 || (word != 4 && word != 8) || page <= 0) {
        (*env)->SetIntArrayRegion(env, result, 0, 4, out);
        return;
    }
    (*env)->GetLongArrayRegion(env, slots, from, n, s);
    int count = at;
    int used = 0;
    int status = 0;
    int detail = 0;
    while (count < max_units) {
        if (used >= n) {
            status = 1;
            break;
        }
        jlong first = s[used];
        if (first < wfirst || first >= wfirst + wpages) {
            status = 2;
            break;
        }
        size_t base = (size_t) (first - wfirst) * (size_t) page;
        uint64_t cmp = load_word(w + base, word, big);
        if (cmp == 0 || cmp > (uint64_t) max_cmp) {
            status = 5;
            break;
        }
        int pages = (int) ((cmp + (uint64_t) word + (uint64_t) page - 1) / (uint64_t) page);
        if (used + pages > n) {
            status = 1;
            detail = pages;
            break;
        }
        int together = 1;
        for (int i = 1; i < pages; i++) {
            if (s[used + i] != first + i) {
                together = 0;
                break;
            }
        }
        if (!together) {
            status = 3;
            break;
        }
        if (first + pages > wfirst + wpages) {
            status = 4;
            break;
        }
        size_t end = base + (size_t) word + (size_t) cmp;
        if (lzo && (cmp < 3 || w[end - 3] != 0x11 || w[end - 2] != 0 || w[end - 1] != 0)) {
            status = 6;
            break;
        }
        off[count - at] = (jint) (base + (size_t) word);
        len[count - at] = (jint) cmp;
        count++;
        used += pages;
    }
    if (count > at) {
        (*env)->SetIntArrayRegion(env, offsets, at, count - at, off);
        (*env)->SetIntArrayRegion(env, lengths, at, count - at, len);
    }
    out[0] = count;
    out[1] = used;
    out[2] = status;
    out[3] = detail;
    (*env)->SetIntArrayRegion(env, result, 0, 4, out);
}
