/* SPDX-License-Identifier: MIT */
/*
 * Small helpers shared by every module: allocation that aborts on failure,
 * scope-bound cleanup, and the one safe way capprof writes a file.
 */
#ifndef CP_UTIL_H
#define CP_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdnoreturn.h>
#include <sys/types.h>

#define CP_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define CP_PRINTF(f, a) __attribute__((format(printf, f, a)))

#define cp_cleanup(fn) __attribute__((cleanup(fn)))
#define cp_autofree cp_cleanup(cp_freep)
#define cp_autoclose cp_cleanup(cp_closep)
#define cp_autofclose cp_cleanup(cp_fclosep)

void cp_freep(void *pp);
void cp_closep(int *fdp);
void cp_fclosep(FILE **fp);

/* Hand ownership on: evaluates to *pp, with *pp's type, and leaves NULL behind. */
#define cp_steal_pointer(pp)                          \
	({                                            \
		__typeof__(*(pp)) cp_stolen_ = *(pp); \
		*(pp) = NULL;                         \
		cp_stolen_;                           \
	})

noreturn void cp_oom(void);
void *cp_xmalloc(size_t n);
void *cp_xcalloc(size_t n, size_t size);
void *cp_xrealloc(void *p, size_t n);
void *cp_xreallocarray(void *p, size_t n, size_t size);
char *cp_xstrdup(const char *s);
char *cp_xasprintf(const char *fmt, ...) CP_PRINTF(1, 2);

/*
 * Write buf to path atomically: a temporary file in the same directory,
 * fsync, rename over path, fsync the directory. Refuses to replace a
 * symlink or anything but a regular file. A replaced file keeps its
 * permission bits and (where we may) its owner; a new one gets mode less
 * the umask (pass 0666 for "as the user's umask says"). Returns 0 or -errno.
 */
int cp_write_atomic(const char *path, const void *buf, size_t len, mode_t mode);

/*
 * Read a whole input of at most max bytes, NUL-terminated: a regular file,
 * a pipe or FIFO (read to its end however slow the writer; a FIFO without a
 * writer yet is waited for), or stdin when path is "-" (also a terminal).
 * -EISDIR for a directory, -EINVAL for any other kind of file, -EFBIG when
 * larger than max. Returns 0 or -errno.
 */
int cp_read_file(const char *path, size_t max, char **out, size_t *len);
/* The reason for cp_read_file's error r, as the end of "PATH: ..." */
const char *cp_read_strerror(int r);

/* Growable byte buffer for building output text. */
struct cp_buf {
	char *data;
	size_t len, cap;
};

void cp_buf_add(struct cp_buf *b, const char *s, size_t n);
void cp_buf_puts(struct cp_buf *b, const char *s);
void cp_buf_printf(struct cp_buf *b, const char *fmt, ...) CP_PRINTF(2, 3);
void cp_buf_free(struct cp_buf *b);

/* A growable vector of owned strings, always NULL-terminated (an argv once v is set). */
struct cp_strv {
	char **v;
	size_t n;
};

void cp_strv_add(struct cp_strv *s, const char *str);
void cp_strv_addf(struct cp_strv *s, const char *fmt, ...) CP_PRINTF(2, 3);
/* Free the strings and the vector; s is empty afterwards. */
void cp_strv_clear(struct cp_strv *s);
/* Free n strings of v and v itself (a char ** kept with its count; v NULL ok when n is 0). */
void cp_strv_free_n(char **v, size_t n);
#define cp_autostrv cp_cleanup(cp_strv_clear) struct cp_strv

/* Format a one-line error into err (nothing when err is NULL or errlen 0). */
void cp_set_err(char *err, size_t errlen, const char *fmt, ...) CP_PRINTF(3, 4);

/*
 * Replace control characters with '?': error messages quote names from input
 * files, and must stay one line without terminal escapes.
 */
void cp_scrub_controls(char *s);

/* Monotonic clock in nanoseconds. */
uint64_t cp_now_ns(void);

/* Parse an unsigned decimal or 0x-hex number; 0 or -EINVAL/-ERANGE. */
int cp_parse_u64(const char *s, uint64_t *out);

#endif
