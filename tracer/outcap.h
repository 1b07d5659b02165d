/* SPDX-License-Identifier: MIT */
/*
 * Output hashing: the SHA-256 of what the workload wrote to its stdout, so
 * verify can tell whether a re-run produced the same output. It never
 * changes the kind of file the workload's stdout is (a program that seeks,
 * or a GNU tool that splices when stdout is /dev/null, must see what it
 * would see without capprof):
 *
 *   regular file  hashed afterwards from the bytes between the file offset
 *                 before and after the run ("file"); the fd is untouched
 *   pipe / FIFO   a pipe of the same size and flags is put in between and
 *                 copied to the real one while hashing ("pipe")
 *   AF_UNIX socket  the same with a socketpair of the same type ("socket")
 *                 (when stderr is that same pipe or socket, 2>&1, it is
 *                 put on the interposed one too: one stream, in order)
 *   anything else left as it is and not hashed; the recording says why
 *                 ("terminal", "null", "device", "closed", "unsupported")
 *
 * A write error the workload gets without capprof (ENOSPC on /dev/full,
 * EPIPE when the reader has gone) it gets with capprof too: devices are
 * never interposed, and the copy closes its end when the real reader goes.
 */
#ifndef CP_OUTCAP_H
#define CP_OUTCAP_H

#include <pthread.h>
#include <sha2.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct cp_rec;

enum outcap_kind {
	OUTCAP_NONE, /* not hashed: see why */
	OUTCAP_FILE,
	OUTCAP_PIPE,
	OUTCAP_SOCKET,
};

struct outcap {
	enum outcap_kind kind;
	const char *method; /* recorded as output.method */
	/* OUTCAP_PIPE/SOCKET: the workload writes wfd, capprof reads rfd. */
	int rfd, wfd;
	bool with_stderr; /* stderr is the same pipe (2>&1): the workload's fd 2 is wfd too */
	pthread_t thread;
	bool thread_started;
	bool write_failed;
	/* OUTCAP_FILE: a read-only view of the file and where the run started. */
	int filefd;
	off_t start;
	SHA2_CTX ctx;
	uint64_t bytes;
};

/* Decide how stdout is hashed; set up the interposed pipe if any. Returns 0 or -errno. */
int outcap_prepare(struct outcap *oc, bool enabled);
/* The fds the workload gets as 0, 1, 2 (-1: it keeps its own): the interposed pipe on 1, and on 2 with_stderr. */
void outcap_stdio(const struct outcap *oc, int fds[3]);
/* In the child: put them in place (outcap_stdio). */
int outcap_child(struct outcap *oc);
/* In the parent after fork: start copying. */
int outcap_start(struct outcap *oc);
/* After the workload has ended: drain, stop, store the method and hash in rec. */
void outcap_finish(struct outcap *oc, struct cp_rec *rec);

#endif
