/* SPDX-License-Identifier: MIT */
/*
 * Running a helper program (docker, podman, journalctl, dmesg): argv is
 * executed directly (looked up in PATH, never through a shell), and an exec
 * that fails is capprof's error (-ENOENT, -EACCES...), told apart from the
 * program's own exit status 127 through a close-on-exec pipe. Every fork and
 * exec of a helper lives here; the tracer's own fork of the traced workload
 * (tracer/) is another matter. sandbox/ is the home because its callers
 * (sandbox/docker.c, verify/, cli/) may all include it and the docker
 * pass-through needs tracer/outcap.h (scripts/layering-known.txt).
 */
#ifndef CP_SPAWN_H
#define CP_SPAWN_H

#include <stdbool.h>
#include <sys/types.h>

struct cp_rec;

/*
 * Run argv and wait; *status is its exit code (128+N on signal N). A
 * terminal's ^C and ^\ reach argv only (capprof ignores them meanwhile);
 * SIGTERM and SIGHUP are forwarded to it. With out, stdout passes through
 * a pipe and its hash goes to out (tracer/outcap.h).
 * -ENOENT/-EACCES when argv[0] cannot be executed.
 */
int sbx_spawn_wait(char *const *argv, int *status, struct cp_rec *out);

/* The same with fds[0..2] as stdin, stdout and stderr (verify --minimize captures both outputs). */
int sbx_spawn_wait_fds(char *const *argv, const int fds[3], int *status);
/* The same, killing argv's process after timeout_s seconds (0: never); *timed_out says so. */
int sbx_spawn_wait_fds_timeout(char *const *argv, const int fds[3], unsigned timeout_s, int *status, bool *timed_out);

/* A started helper: end it with sbx_child_wait. */
struct sbx_child {
	pid_t pid;
	int errfd; /* a failed exec's -errno comes here */
};

/*
 * Start argv with stdin from /dev/null, stdout into a pipe whose read end
 * (close-on-exec) is *out_fd, and capprof's stderr; the caller reads and
 * closes *out_fd, then calls sbx_child_wait. Returns 0 or -errno.
 */
int sbx_spawn_pipe(char *const *argv, struct sbx_child *c, int *out_fd);

/*
 * Wait for c; *status as above. -ENOENT/-EACCES when argv[0] could not be
 * executed (then *status is untouched).
 */
int sbx_child_wait(struct sbx_child *c, int *status);

#endif
