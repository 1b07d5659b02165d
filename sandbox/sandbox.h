/* SPDX-License-Identifier: MIT */
/*
 * Where a workload runs when it must not change the host: a throw-away
 * overlay of the host's filesystems (--sandbox), or a Docker container
 * (--docker IMAGE). Library code: returns 0 or -errno with a message in err
 * (common/err.h), never prints. docs/sandbox-and-docker.md describes both.
 */
#ifndef CP_SANDBOX_H
#define CP_SANDBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct cp_err;
struct cp_rec;

/* ---- --sandbox: private mount namespace on overlays of the host ---- */

struct sbx;

/*
 * Prepare one sandboxed run (parent side): checks that the machine can do it
 * (root, overlayfs), makes the private work directory ($TMPDIR or /var/tmp,
 * "capprof-sandbox.XXXXXX"), or uses keep_dir (created if missing, must be
 * empty) whose upper layers survive sbx_end. One sbx per run: every run
 * starts from a fresh overlay of the host.
 */
int sbx_begin(const char *keep_dir, struct sbx **out, struct cp_err *err);

/*
 * In the traced child, before the filter is loaded: enter a new mount
 * namespace, build the overlays, pivot_root into them, restore the working
 * directory. On failure the reason goes to the parent through a pipe and
 * sbx_end reports it. Returns 0 or -errno.
 */
int sbx_enter(struct sbx *s);

/*
 * After the run (parent side): collect the child's error, if any (returned
 * as -errno with err), then remove the work directory, or with keep_dir
 * everything but the upper layers and the "mounts" list. NULL is fine.
 */
int sbx_end(struct sbx *s, struct cp_err *err);

/* Where the upper layers are (keep_dir or the temporary directory). */
const char *sbx_dir(const struct sbx *s);

/* ---- --docker IMAGE: the workload in a container ---- */

struct dkr_opts {
	const char *image;
	const char *engine; /* the client to run: "docker" (NULL) or "podman" (record/verify --podman) */
	char *const *docker_args; /* --docker-arg values, in order */
	size_t ndocker_args;
	char *const *argv; /* the workload */
	bool use_fds; /* dkr_verify_run: the container's stdin, stdout, stderr are fds[] */
	int fds[3];
	unsigned timeout_s; /* with use_fds: docker run is ended after this long (0: never) */
	bool *timed_out; /* out (may be NULL): it was */
};

/*
 * The files capprof needs to run in any image: its executable and every
 * shared object it has mapped (the loader included), each with the name the
 * loader looks for (DT_SONAME). Read from /proc/self/maps and libelf.
 */
struct dkr_file {
	char *host; /* path on the host */
	char *name; /* file name under /.capprof/lib (or "capprof") */
};

int dkr_self_files(struct dkr_file **out, size_t *n, size_t *loader, struct cp_err *err);
void dkr_files_free(struct dkr_file *f, size_t n);

/*
 * record --docker: run "capprof record" inside a container of o->image and
 * load its recording. record_opts are extra options for the inner record
 * (e.g. "--no-caps", "--quiet"). *exit_code is docker's exit status (the
 * workload's, or 125/126/127 as docker and capprof use them). *rec is NULL
 * when the container left no recording. Returns 0 or -errno with err.
 */
int dkr_record(const struct dkr_opts *o, char *const *record_opts, size_t nrecord_opts, struct cp_rec **rec,
	       int *exit_code, struct cp_err *err);

/*
 * verify --docker: `docker run --rm` with run_args (the flags of `emit
 * --docker-run` as words, gen_docker_run_args), the docker args, the image
 * and the workload. *exit_code as above; run (if not NULL) gets the output
 * hash when stdout is not a terminal. Returns 0 or -errno with err.
 */
int dkr_verify_run(const struct dkr_opts *o, char *const *run_args, size_t nrun_args, struct cp_rec *run,
		   int *exit_code, struct cp_err *err);

#endif
