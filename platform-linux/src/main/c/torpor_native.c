/*
 * The per-page calls of /dev/snapshot as plain JNI functions (dev.torpor.platform.linux.JniPageCalls), and the same
 * calls in C loops, the reference a rehearsal measures them against in the same place and moment. Every function
 * returns the call's result, or -errno; none allocates, and only readvArray0 and writevArray0 touch the JVM's heap (the
 * array they read into or write from, pinned for the one call).
 */
#include <errno.h>
#include <stdint.h>
#include <jni.h>
#include <sys/ioctl.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

/* The most iovecs readvArray0 and writevArray0 pass in one call (the Java side asks for 32 or 64). */
#define IOV_MAX_PAGES 64
/* The most iovecs writevDirect0 passes in one call: the kernel's UIO_MAXIOV, a resume's batch of decoded units. */
#define IOV_MAX_DIRECT 1024

static jlong result(long r) {
    return r < 0 ? -(jlong) errno : (jlong) r;
}

JNIEXPORT jlong JNICALL Java_dev_torpor_platform_linux_JniPageCalls_readv0(JNIEnv *env, jclass c, jint fd,
                                                                           jlong iov, jint count) {
    return result(readv(fd, (const struct iovec *) (intptr_t) iov, count));
}

/*
 * readv into or writev from a Java byte[]: `count` iovecs of `length` bytes from array[offset], so the pages land
 * where the writer compresses them, or go to /dev/snapshot from where the decoder left them, with no copy between.
 * The array is pinned only for the call (a page through /dev/snapshot is a memory copy in the kernel); a written
 * array is released unchanged. The caller checks the bounds.
 */
static jlong array_pages(JNIEnv *env, jint fd, jbyteArray array, jint offset, jint count, jint length, int writing) {
    struct iovec iov[IOV_MAX_PAGES];
    if (count > IOV_MAX_PAGES) {
        count = IOV_MAX_PAGES;
    }
    jbyte *base = (*env)->GetPrimitiveArrayCritical(env, array, NULL);
    if (base == NULL) {
        return -(jlong) ENOMEM;
    }
    for (jint i = 0; i < count; i++) {
        iov[i].iov_base = base + offset + (size_t) i * (size_t) length;
        iov[i].iov_len = (size_t) length;
    }
    ssize_t n = writing ? writev(fd, iov, count) : readv(fd, iov, count);
    int err = errno;
    (*env)->ReleasePrimitiveArrayCritical(env, array, base, writing ? JNI_ABORT : 0);
    return n < 0 ? -(jlong) err : (jlong) n;
}

JNIEXPORT jlong JNICALL Java_dev_torpor_platform_linux_JniPageCalls_readvArray0(JNIEnv *env, jclass c, jint fd,
                                                                                jbyteArray dst, jint offset,
                                                                                jint count, jint length) {
    return array_pages(env, fd, dst, offset, count, length, 0);
}

JNIEXPORT jlong JNICALL Java_dev_torpor_platform_linux_JniPageCalls_writevArray0(JNIEnv *env, jclass c, jint fd,
                                                                                 jbyteArray src, jint offset,
                                                                                 jint count, jint length) {
    return array_pages(env, fd, src, offset, count, length, 1);
}

/*
 * writev from a direct buffer: `count` (at most 1024) iovecs of `length` bytes from its byte `offset`, nothing pinned (the buffer is
 * off the JVM's heap), so a resume hands the pages its decoder left there to /dev/snapshot in one call. The caller
 * checks the bounds.
 */
JNIEXPORT jlong JNICALL Java_dev_torpor_platform_linux_JniPageCalls_writevDirect0(JNIEnv *env, jclass c, jint fd,
                                                                                  jobject src, jint offset,
                                                                                  jint count, jint length) {
    struct iovec iov[IOV_MAX_DIRECT];
    uint8_t *base = (*env)->GetDirectBufferAddress(env, src);
    if (base == NULL) {
        return -(jlong) EINVAL;
    }
    if (count > IOV_MAX_DIRECT) {
        count = IOV_MAX_DIRECT;
    }
    for (jint i = 0; i < count; i++) {
        iov[i].iov_base = base + offset + (size_t) i * (size_t) length;
        iov[i].iov_len = (size_t) length;
    }
    return result(writev(fd, iov, count));
}

JNIEXPORT jlong JNICALL Java_dev_torpor_platform_linux_JniPageCalls_writev0(JNIEnv *env, jclass c, jint fd,
                                                                            jlong iov, jint count) {
    return result(writev(fd, (const struct iovec *) (intptr_t) iov, count));
}

JNIEXPORT jlong JNICALL Java_dev_torpor_platform_linux_JniPageCalls_read0(JNIEnv *env, jclass c, jint fd, jlong buf,
                                                                          jlong count) {
    return result(read(fd, (void *) (intptr_t) buf, (size_t) count));
}

JNIEXPORT jlong JNICALL Java_dev_torpor_platform_linux_JniPageCalls_write0(JNIEnv *env, jclass c, jint fd, jlong buf,
                                                                           jlong count) {
    return result(write(fd, (const void *) (intptr_t) buf, (size_t) count));
}

JNIEXPORT jlong JNICALL Java_dev_torpor_platform_linux_JniPageCalls_ioctl0(JNIEnv *env, jclass c, jint fd,
                                                                           jlong request, jlong arg) {
    return result(ioctl(fd, (unsigned long) request, (void *) (intptr_t) arg));
}

static jlong nanos(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (jlong) t.tv_sec * 1000000000L + t.tv_nsec;
}

/* The C reference: `loops` readv calls of `count` iovecs; nanoseconds taken, or -errno of the first failure. */
JNIEXPORT jlong JNICALL Java_dev_torpor_platform_linux_JniPageCalls_referenceReadv0(JNIEnv *env, jclass c, jint fd,
                                                                                    jlong iov, jint count,
                                                                                    jint loops) {
    jlong start = nanos();
    for (int i = 0; i < loops; i++) {
        if (readv(fd, (const struct iovec *) (intptr_t) iov, count) < 0) {
            return -(jlong) errno;
        }
    }
    return nanos() - start;
}

/* The C reference: `loops` ioctl calls, failing or not (a rehearsal's refused ALLOC_SWAP_PAGE); nanoseconds taken. */
JNIEXPORT jlong JNICALL Java_dev_torpor_platform_linux_JniPageCalls_referenceIoctl0(JNIEnv *env, jclass c, jint fd,
                                                                                    jlong request, jlong arg,
                                                                                    jint loops) {
    jlong start = nanos();
    for (int i = 0; i < loops; i++) {
        ioctl(fd, (unsigned long) request, (void *) (intptr_t) arg);
    }
    return nanos() - start;
}

/*
 * FREEZE, then at once ATOMIC_RESTORE, with no Java code between them: the JVM's other threads are frozen wherever
 * they are, and nothing here needs them. On success the restore does not return (the hibernated system carries on).
 * If FREEZE fails its -errno comes back. If the restore fails, the device is closed: with the image loaded the kernel
 * ignores UNFREEZE, and only the release of the device thaws the processes; then -(1 << 32 | errno) comes back.
 */
JNIEXPORT jlong JNICALL Java_dev_torpor_platform_linux_JniPageCalls_freezeAndRestore0(JNIEnv *env, jclass c, jint fd,
                                                                                      jlong freeze, jlong restore) {
    if (ioctl(fd, (unsigned long) freeze, 0) < 0) {
        return -(jlong) errno;
    }
    ioctl(fd, (unsigned long) restore, 0);
    int e = errno;
    close(fd);
    return -((1L << 32) | (jlong) e);
}
