/* SPDX-License-Identifier: MIT */
/*
 * Output capture: when stdout is not a terminal, the workload writes into a
 * pipe that capprof copies to the real stdout while hashing it (SHA-256), so
 * verify can tell whether a re-run produced the same output.
 */
#ifndef CP_OUTCAP_H
#define CP_OUTCAP_H

#include <pthread.h>
#include <sha2.h>
#include <stdbool.h>
#include <stdint.h>

struct cp_rec;

struct outcap {
	bool active;
	int rfd, wfd; /* pipe: the workload writes wfd, capprof reads rfd */
	pthread_t thread;
	SHA2_CTX ctx;
	uint64_t bytes;
	bool write_failed;
};

/* Set up the pipe unless stdout is a terminal. Returns 0 or -errno. */
int outcap_prepare(struct outcap *oc);
/* In the child: make the pipe its stdout. */
int outcap_child(struct outcap *oc);
/* In the parent after fork: start copying. */
int outcap_start(struct outcap *oc);
/* After the workload has ended: drain, stop, store the hash in rec. */
void outcap_finish(struct outcap *oc, struct cp_rec *rec);

#endif
