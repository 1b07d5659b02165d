// SPDX-License-Identifier: MIT
#include "common/util.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

void cp_freep(void *pp)
{
	free(*(void **)pp);
}

void cp_closep(int *fdp)
{
	if (*fdp >= 0)
		close(*fdp);
}

void cp_fclosep(FILE **fp)
{
	if (*fp)
		fclose(*fp);
}

noreturn void cp_oom(void)
{
	static const char msg[] = "capprof: out of memory\n";

	if (write(2, msg, sizeof(msg) - 1) < 0)
		_exit(125);
	abort();
}

void *cp_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		cp_oom();
	return p;
}

void *cp_xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		cp_oom();
	return p;
}

void *cp_xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		cp_oom();
	return p;
}

void *cp_xreallocarray(void *p, size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size)
		cp_oom();
	return cp_xrealloc(p, n * size);
}

char *cp_xstrdup(const char *s)
{
	char *r = strdup(s ? s : "");

	if (!r)
		cp_oom();
	return r;
}

char *cp_xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *r;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&r, fmt, ap);
	va_end(ap);
	if (n < 0)
		cp_oom();
	return r;
}

static int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int cp_write_atomic(const char *path, const void *buf, size_t len, mode_t mode)
{
	cp_autofree char *dcopy = cp_xstrdup(path);
	cp_autofree char *bcopy = cp_xstrdup(path);
	cp_autoclose int dfd = -1;
	cp_autoclose int fd = -1;
	const char *dir = dirname(dcopy);
	const char *base = basename(bcopy);
	char tmp[64];
	struct stat st;
	bool replacing = false;
	int r;

	if (!*path || !strcmp(base, "/") || !strcmp(base, ".") || !strcmp(base, ".."))
		return -EISDIR;
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return -errno;
	if (fstatat(dfd, base, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		if (S_ISLNK(st.st_mode))
			return -ELOOP;
		if (S_ISDIR(st.st_mode))
			return -EISDIR;
		if (!S_ISREG(st.st_mode))
			return -EINVAL;
		replacing = true;
	} else if (errno != ENOENT) {
		return -errno;
	}
	for (unsigned i = 0;; i++) {
		snprintf(tmp, sizeof(tmp), ".capprof.%d.%u.tmp", (int)getpid(), i);
		fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
		if (fd >= 0)
			break;
		if (errno != EEXIST || i > 100)
			return -errno;
	}
	/*
	 * The file we replace keeps its owner (where we may give it away) and
	 * its permission bits, never set-id bits we did not write; a new file
	 * gets mode less the umask, from openat.
	 */
	if (replacing) {
		(void)fchown(fd, st.st_uid, st.st_gid);
		(void)fchmod(fd, st.st_mode & 0777);
	}
	r = write_all(fd, buf, len);
	if (!r && fsync(fd) < 0)
		r = -errno;
	if (!r && close(fd) < 0)
		r = -errno;
	fd = -1;
	if (!r && renameat(dfd, tmp, dfd, base) < 0)
		r = -errno;
	if (r) {
		unlinkat(dfd, tmp, 0);
		return r;
	}
	fsync(dfd);
	return 0;
}

/*
 * Wait until a pipe or FIFO has data or its writers are gone. Opened with
 * O_NONBLOCK (so that opening a FIFO never hangs), a read would fail with
 * EAGAIN while the writer is slow, and return 0 (end of file) before a
 * FIFO's first writer has opened it; poll() waits through both.
 */
static int wait_readable(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	while (poll(&p, 1, -1) < 0)
		if (errno != EINTR)
			return -errno;
	return 0;
}

int cp_read_file(const char *path, size_t max, char **out, size_t *len)
{
	bool is_stdin = !strcmp(path, "-");
	/* A duplicate of stdin, so that closing it leaves fd 0 to the workload and the shell. */
	cp_autoclose int fd =
		is_stdin ? fcntl(0, F_DUPFD_CLOEXEC, 3) : open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	cp_autofree char *buf = NULL;
	size_t n = 0, cap = 0;
	struct stat st;
	bool stream;

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0)
		return -errno;
	if (S_ISDIR(st.st_mode))
		return -EISDIR;
	/* A terminal only as stdin ("-"): a device path is never an input file. */
	if (!S_ISREG(st.st_mode) && !S_ISFIFO(st.st_mode) && !(is_stdin && S_ISCHR(st.st_mode)))
		return -EINVAL;
	if (S_ISREG(st.st_mode) && (uint64_t)st.st_size > max)
		return -EFBIG;
	stream = !S_ISREG(st.st_mode);
	for (;;) {
		ssize_t r;

		if (n + 4096 + 1 > cap) {
			cap = cap ? cap * 2 : 8192;
			buf = cp_xrealloc(buf, cap);
		}
		if (stream && (r = wait_readable(fd)) < 0)
			return (int)r;
		r = read(fd, buf + n, cap - n - 1);
		if (r < 0) {
			if (errno == EINTR || (stream && (errno == EAGAIN || errno == EWOULDBLOCK)))
				continue;
			return -errno;
		}
		if (r == 0)
			break;
		n += (size_t)r;
		if (n > max)
			return -EFBIG;
	}
	if (!buf)
		buf = cp_xmalloc(1);
	buf[n] = '\0';
	*out = cp_steal_pointer(&buf);
	if (len)
		*len = n;
	return 0;
}

const char *cp_read_strerror(int r)
{
	switch (r) {
	case -EINVAL:
		return "not a regular file, pipe or FIFO";
	default:
		return strerror(-r);
	}
}

void cp_buf_add(struct cp_buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->data = cp_xrealloc(b->data, b->cap);
	}
	memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void cp_buf_puts(struct cp_buf *b, const char *s)
{
	cp_buf_add(b, s, strlen(s));
}

void cp_buf_printf(struct cp_buf *b, const char *fmt, ...)
{
	cp_autofree char *s = NULL;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		cp_oom();
	cp_buf_add(b, s, (size_t)n);
}

void cp_buf_free(struct cp_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

static void strv_push(struct cp_strv *s, char *owned)
{
	s->v = cp_xreallocarray(s->v, s->n + 2, sizeof(char *));
	s->v[s->n++] = owned;
	s->v[s->n] = NULL;
}

void cp_strv_add(struct cp_strv *s, const char *str)
{
	strv_push(s, cp_xstrdup(str));
}

void cp_strv_addf(struct cp_strv *s, const char *fmt, ...)
{
	va_list ap;
	char *str;

	va_start(ap, fmt);
	if (vasprintf(&str, fmt, ap) < 0)
		cp_oom();
	va_end(ap);
	strv_push(s, str);
}

void cp_strv_free_n(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void cp_strv_clear(struct cp_strv *s)
{
	cp_strv_free_n(s->v, s->n);
	s->v = NULL;
	s->n = 0;
}

void cp_set_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

void cp_scrub_controls(char *s)
{
	for (; s && *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = '?';
}

uint64_t cp_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

int cp_parse_u64(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;

	/* strtoull skips any blank and negates a '-': only a digit may start. */
	if (!s || !isdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno == ERANGE)
		return -ERANGE;
	if (errno || *end)
		return -EINVAL;
	*out = v;
	return 0;
}
