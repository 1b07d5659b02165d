// SPDX-License-Identifier: MIT
#include "tracer/outcap.h"
#include "common/recording.h"
#include "common/util.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/kcmp.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Interpose a pipe (or socketpair) made like the real stdout. */
static int interpose(struct outcap *oc, enum outcap_kind kind)
{
	int p[2], fl = fcntl(1, F_GETFL);

	if (kind == OUTCAP_PIPE) {
		int size = fcntl(1, F_GETPIPE_SZ);

		if (pipe2(p, O_CLOEXEC) < 0)
			return -errno;
		/* Same capacity: a writer that fills the pipe blocks where it would have. */
		if (size > 0)
			(void)fcntl(p[1], F_SETPIPE_SZ, size);
	} else {
		int type;
		socklen_t len = sizeof(type);

		if (getsockopt(1, SOL_SOCKET, SO_TYPE, &type, &len) < 0)
			return -errno;
		/* p[0] reads (capprof), p[1] writes (the workload). */
		if (socketpair(AF_UNIX, type | SOCK_CLOEXEC, 0, p) < 0)
			return -errno;
		(void)shutdown(p[0], SHUT_WR);
	}
	/* The workload's end carries the flags its stdout had (O_NONBLOCK). */
	if (fl >= 0 && (fl & O_NONBLOCK))
		(void)fcntl(p[1], F_SETFL, O_NONBLOCK);
	oc->rfd = p[0];
	oc->wfd = p[1];
	oc->kind = kind;
	oc->method = kind == OUTCAP_PIPE ? "pipe" : "socket";
	return 0;
}

/*
 * Whether fd 2 is the very open file fd 1 is (2>&1 into a pipe). Then both
 * go through the interposed pipe: with ours on fd 1 only, stderr overtook
 * stdout on the way to their common reader (seen: `sh -c 'cat F; echo x >
 * /proc/sys/...' 2>&1` printed its error before cat's line) and the
 * workload saw two files where it had one. The hash then covers both
 * streams, as it does when 2>&1 goes to a regular file. Without kcmp, the
 * same pipe or socket on both is taken for one.
 */
static bool stderr_shares(const struct stat *out)
{
	struct stat err;
	pid_t me = getpid();
	long r;

	if (fstat(2, &err) < 0 || err.st_dev != out->st_dev || err.st_ino != out->st_ino)
		return false;
	r = syscall(SYS_kcmp, me, me, KCMP_FILE, 1, 2);
	return r == 0 || (r < 0 && (errno == ENOSYS || errno == EPERM));
}

static bool unix_socket(int fd)
{
	struct sockaddr_storage ss = { 0 };
	socklen_t len = sizeof(ss);

	return getsockname(fd, (struct sockaddr *)&ss, &len) == 0 && ss.ss_family == AF_UNIX;
}

int outcap_prepare(struct outcap *oc, bool enabled)
{
	struct stat st;
	int fl;

	memset(oc, 0, sizeof(*oc));
	oc->rfd = oc->wfd = oc->filefd = -1;
	oc->kind = OUTCAP_NONE;
	SHA256Init(&oc->ctx);
	if (!enabled) {
		oc->method = "disabled";
		return 0;
	}
	if (fstat(1, &st) < 0 || (fl = fcntl(1, F_GETFL)) < 0) {
		oc->method = "closed"; /* a closed stdout stays closed */
		return 0;
	}
	if (isatty(1)) {
		oc->method = "terminal"; /* the terminal stays the workload's */
		return 0;
	}
	if (S_ISREG(st.st_mode)) {
		/* A view of the same file to read back afterwards; the workload's fd is untouched. */
		oc->filefd = open("/proc/self/fd/1", O_RDONLY | O_CLOEXEC);
		if (oc->filefd < 0) {
			oc->method = "unsupported";
			return 0;
		}
		/* With O_APPEND every write goes to the end, wherever the offset is now. */
		oc->start = (fl & O_APPEND) ? st.st_size : lseek(1, 0, SEEK_CUR);
		if (oc->start < 0) {
			close(oc->filefd);
			oc->filefd = -1;
			oc->method = "unsupported";
			return 0;
		}
		oc->kind = OUTCAP_FILE;
		oc->method = "file";
		return 0;
	}
	if (S_ISFIFO(st.st_mode) || (S_ISSOCK(st.st_mode) && unix_socket(1))) {
		oc->with_stderr = stderr_shares(&st);
		return interpose(oc, S_ISFIFO(st.st_mode) ? OUTCAP_PIPE : OUTCAP_SOCKET);
	}
	if (S_ISCHR(st.st_mode)) {
		struct stat null;

		/* Nothing written to /dev/null can be compared; /dev/full must fail the workload's writes. */
		oc->method = stat("/dev/null", &null) == 0 && null.st_rdev == st.st_rdev ? "null" : "device";
		return 0;
	}
	oc->method = "unsupported"; /* a network socket, a directory, ...: left alone */
	return 0;
}

void outcap_stdio(const struct outcap *oc, int fds[3])
{
	bool on = oc->kind == OUTCAP_PIPE || oc->kind == OUTCAP_SOCKET;

	fds[0] = -1;
	fds[1] = on ? oc->wfd : -1;
	fds[2] = on && oc->with_stderr ? oc->wfd : -1;
}

int outcap_child(struct outcap *oc)
{
	int fds[3];

	outcap_stdio(oc, fds);
	for (int i = 1; i < 3; i++)
		if (fds[i] >= 0 && dup2(fds[i], i) < 0)
			return -errno;
	return 0;
}

/* Write all of buf to the real stdout; false when its reader has gone. */
static bool write_all(const char *buf, size_t n)
{
	size_t off = 0;

	while (off < n) {
		ssize_t w = write(1, buf + off, n - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && errno == EAGAIN) {
			/* The real stdout is non-blocking (set by its reader): wait for room. */
			struct pollfd pfd = { .fd = 1, .events = POLLOUT };

			(void)poll(&pfd, 1, -1);
			continue;
		}
		if (w <= 0)
			return false;
		off += (size_t)w;
	}
	return true;
}

static void *copy_thread(void *arg)
{
	struct outcap *oc = arg;
	char buf[65536];

	for (;;) {
		ssize_t n = read(oc->rfd, buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		SHA256Update(&oc->ctx, (const uint8_t *)buf, (size_t)n);
		oc->bytes += (uint64_t)n;
		if (!write_all(buf, (size_t)n)) {
			/* Our reader went away: the workload's next write gets EPIPE, as it would have. */
			oc->write_failed = true;
			close(oc->rfd);
			oc->rfd = -1;
			return NULL;
		}
	}
	return NULL;
}

int outcap_start(struct outcap *oc)
{
	sigset_t all, old;
	int r;

	if (oc->kind != OUTCAP_PIPE && oc->kind != OUTCAP_SOCKET)
		return 0;
	close(oc->wfd);
	oc->wfd = -1;
	/* A closed reader must not kill capprof: the copy thread sees EPIPE instead. */
	signal(SIGPIPE, SIG_IGN);
	/* Signals are the tracer's: they must interrupt its wait4, not land in the copy. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	r = pthread_create(&oc->thread, NULL, copy_thread, oc);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (r) {
		close(oc->rfd);
		oc->rfd = -1;
		oc->kind = OUTCAP_NONE;
		oc->method = "unsupported";
		return -r;
	}
	oc->thread_started = true;
	return 0;
}

/* Hash the bytes the run wrote to the regular file: start to the offset now. */
static bool hash_file(struct outcap *oc)
{
	off_t end = lseek(1, 0, SEEK_CUR), pos = oc->start;
	char buf[65536];

	if (end < 0)
		return false;
	if (end < oc->start) {
		int fl = fcntl(1, F_GETFL);

		/* O_APPEND and nothing written: the offset never moved. Otherwise it was rewound. */
		return fl >= 0 && (fl & O_APPEND);
	}
	while (pos < end) {
		size_t want = (size_t)(end - pos) < sizeof(buf) ? (size_t)(end - pos) : sizeof(buf);
		ssize_t n = pread(oc->filefd, buf, want, pos);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false; /* truncated behind the workload's back */
		SHA256Update(&oc->ctx, (const uint8_t *)buf, (size_t)n);
		oc->bytes += (uint64_t)n;
		pos += n;
	}
	return true;
}

void outcap_finish(struct outcap *oc, struct cp_rec *rec)
{
	char hex[SHA256_DIGEST_STRING_LENGTH];
	bool hashed = false;

	switch (oc->kind) {
	case OUTCAP_PIPE:
	case OUTCAP_SOCKET:
		if (oc->thread_started)
			pthread_join(oc->thread, NULL);
		if (oc->rfd >= 0)
			close(oc->rfd);
		if (oc->wfd >= 0)
			close(oc->wfd); /* never started */
		if (oc->thread_started)
			signal(SIGPIPE, SIG_DFL);
		/* Part of the output was never read: no meaningful hash. */
		hashed = oc->thread_started && !oc->write_failed;
		break;
	case OUTCAP_FILE:
		hashed = hash_file(oc);
		close(oc->filefd);
		break;
	case OUTCAP_NONE:
		break;
	}
	oc->rfd = oc->wfd = oc->filefd = -1;
	free(rec->output_method);
	rec->output_method = cp_xstrdup(oc->method ? oc->method : "unsupported");
	free(rec->output_sha256);
	rec->output_sha256 = NULL;
	rec->output_bytes = 0;
	if (!hashed)
		return;
	SHA256End(&oc->ctx, hex);
	rec->output_sha256 = cp_xstrdup(hex);
	rec->output_bytes = oc->bytes;
	oc->kind = OUTCAP_NONE;
}
