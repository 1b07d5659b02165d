// SPDX-License-Identifier: MIT
#include "tracer/outcap.h"
#include "common/recording.h"
#include "common/util.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int outcap_prepare(struct outcap *oc)
{
	int p[2];

	memset(oc, 0, sizeof(*oc));
	oc->rfd = oc->wfd = -1;
	if (isatty(1) || fcntl(1, F_GETFD) < 0)
		return 0; /* the terminal stays the workload's; a closed stdout stays closed */
	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	oc->rfd = p[0];
	oc->wfd = p[1];
	oc->active = true;
	SHA256Init(&oc->ctx);
	return 0;
}

int outcap_child(struct outcap *oc)
{
	if (!oc->active)
		return 0;
	if (dup2(oc->wfd, 1) < 0)
		return -errno;
	return 0;
}

static void *copy_thread(void *arg)
{
	struct outcap *oc = arg;
	char buf[65536];

	for (;;) {
		ssize_t n = read(oc->rfd, buf, sizeof(buf)), off = 0;

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		SHA256Update(&oc->ctx, (const uint8_t *)buf, (size_t)n);
		oc->bytes += (uint64_t)n;
		while (off < n) {
			ssize_t w = write(1, buf + off, (size_t)(n - off));

			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0) {
				/* Our reader went away: let the workload see EPIPE as it would have. */
				oc->write_failed = true;
				close(oc->rfd);
				oc->rfd = -1;
				return NULL;
			}
			off += w;
		}
	}
	return NULL;
}

int outcap_start(struct outcap *oc)
{
	int r;

	if (!oc->active)
		return 0;
	close(oc->wfd);
	oc->wfd = -1;
	/* A closed reader must not kill capprof: the copy thread sees EPIPE instead. */
	signal(SIGPIPE, SIG_IGN);
	r = pthread_create(&oc->thread, NULL, copy_thread, oc);
	if (r) {
		oc->active = false;
		return -r;
	}
	return 0;
}

void outcap_finish(struct outcap *oc, struct cp_rec *rec)
{
	char hex[SHA256_DIGEST_STRING_LENGTH];

	if (!oc->active)
		return;
	pthread_join(oc->thread, NULL);
	if (oc->rfd >= 0)
		close(oc->rfd);
	signal(SIGPIPE, SIG_DFL);
	oc->active = false;
	if (oc->write_failed)
		return; /* part of the output was never read: no meaningful hash */
	SHA256End(&oc->ctx, hex);
	free(rec->output_sha256);
	rec->output_sha256 = cp_xstrdup(hex);
	rec->output_bytes = oc->bytes;
}
