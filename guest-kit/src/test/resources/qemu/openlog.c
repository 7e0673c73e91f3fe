/*
 * Preloaded into the guest JVM by Torpor's tests (LD_PRELOAD): reports every file the process opens, every
 * directory it lists and every library it loads as a "TORPOR-OPEN <function> <path>" line on stderr (the guest's
 * console), so that the host can check that nothing is opened between "torpor: freezing" and the power-off.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <dlfcn.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

static void report(const char *function, const char *path) {
    char line[600];
    int n = snprintf(line, sizeof line, "TORPOR-OPEN %s %s\n", function, path ? path : "(null)");
    if (n > 0) {
        ssize_t ignored = write(2, line, n < (int) sizeof line ? (size_t) n : sizeof line - 1);
        (void) ignored;
    }
}

static void *next(const char *name) {
    return dlsym(RTLD_NEXT, name);
}

static mode_t mode_of(int flags, va_list ap) {
    return (flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE ? (mode_t) va_arg(ap, int) : 0;
}

#define OPEN_LIKE(name)                                                         \
    int name(const char *path, int flags, ...) {                                \
        static int (*real)(const char *, int, ...);                             \
        va_list ap;                                                             \
        va_start(ap, flags);                                                    \
        mode_t mode = mode_of(flags, ap);                                       \
        va_end(ap);                                                             \
        report(#name, path);                                                    \
        if (!real) real = (int (*)(const char *, int, ...)) next(#name);        \
        return real(path, flags, mode);                                         \
    }

#define OPENAT_LIKE(name)                                                       \
    int name(int dirfd, const char *path, int flags, ...) {                     \
        static int (*real)(int, const char *, int, ...);                        \
        va_list ap;                                                             \
        va_start(ap, flags);                                                    \
        mode_t mode = mode_of(flags, ap);                                       \
        va_end(ap);                                                             \
        report(#name, path);                                                    \
        if (!real) real = (int (*)(int, const char *, int, ...)) next(#name);   \
        return real(dirfd, path, flags, mode);                                  \
    }

OPEN_LIKE(open)
OPEN_LIKE(open64)
OPENAT_LIKE(openat)
OPENAT_LIKE(openat64)

FILE *fopen(const char *path, const char *how) {
    static FILE *(*real)(const char *, const char *);
    report("fopen", path);
    if (!real) real = (FILE *(*)(const char *, const char *)) next("fopen");
    return real(path, how);
}

FILE *fopen64(const char *path, const char *how) {
    static FILE *(*real)(const char *, const char *);
    report("fopen64", path);
    if (!real) real = (FILE *(*)(const char *, const char *)) next("fopen64");
    return real(path, how);
}

DIR *opendir(const char *path) {
    static DIR *(*real)(const char *);
    report("opendir", path);
    if (!real) real = (DIR *(*)(const char *)) next("opendir");
    return real(path);
}

void *dlopen(const char *path, int flags) {
    static void *(*real)(const char *, int);
    report("dlopen", path);
    if (!real) real = (void *(*)(const char *, int)) next("dlopen");
    return real(path, flags);
}
