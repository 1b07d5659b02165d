/* SPDX-License-Identifier: MIT */
/*
 * The tracer: runs a command under ptrace with a seccomp RET_TRACE filter and
 * fills a recording. It never knows about output formats.
 */
#ifndef CP_TRACER_H
#define CP_TRACER_H

#include "common/trace_proto.h"

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct cp_rec;
struct trace_baseline;

struct trace_opts {
	char *const *argv; /* the command as given; argv[0] is recorded */
	const char *path; /* executable to run (see trace_resolve_command) */
	bool caps; /* run the capability retry engine */
	bool progress; /* live one-line progress on stderr */
	bool hash_output; /* hash stdout into rec->output_sha256 (not when a terminal) */
	/*
	 * Runs in the child after the tracer has attached and before exec:
	 * set user, capabilities, and load a seccomp filter whose every
	 * non-allow action is RET_TRACE. NULL loads trace_load_filter().
	 * Returns 0 or -errno; on error the child exits 125.
	 */
	int (*child_setup)(void *arg);
	void *child_arg;
	/* record --baseline: what the filter lets pass unseen (trace_baseline_new), or NULL */
	const struct trace_baseline *baseline;
};

struct trace_result {
	int status; /* wait status of the first process */
	int exit_code; /* as capprof should exit: status or 128+signal */
	int interrupted_by; /* signal capprof received, 0 if none */
	bool killed_after_grace; /* workload did not end after the signal */
	int exec_errno; /* the workload's exec failed with this errno (exit 126/127), 0 if not */
	uint64_t syscalls; /* syscalls seen */
	uint64_t processes; /* threads and processes traced */
};

/*
 * Resolve cmd like execvp does. Returns 0 and a malloc'd path, -ENOENT when
 * not found (exit 127), -EACCES when not executable (exit 126).
 */
int trace_resolve_command(const char *cmd, char **path);

/* Load the filter that sends every syscall of every architecture to the tracer. */
int trace_load_filter(void);

/*
 * record --baseline (tracer/baseline.c): a filter that allows in the kernel
 * what base allows (with caps: only calls that cannot need a capability
 * beyond base's, which are granted from the start), and traces the rest.
 * base must outlive the baseline. trace_run marks in the recording what
 * was inherited.
 */
int trace_baseline_new(const struct cp_rec *base, bool caps, struct trace_baseline **out);
void trace_baseline_free(struct trace_baseline *b);

/* Run o->argv traced, filling rec. Returns 0 or -errno (capprof's failure). */
int trace_run(const struct trace_opts *o, struct cp_rec *rec, struct trace_result *res);

#endif
