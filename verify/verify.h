/* SPDX-License-Identifier: MIT */
/*
 * The verify engine: re-run a workload under a trial (a capability set and
 * the profile's syscalls, some left out or added), compare each outcome with
 * the reference one, and minimise: find the capabilities and syscalls the
 * workload needs for the same outcome. How a trial is run is not the
 * engine's business: struct vfy_ops.run does it (traced on the host or on a
 * fresh overlay in verify/run_traced.c, in a fresh container in
 * verify/run_docker.c, a fake one in tests/unit/test_verify.c).
 * Library code: returns 0 or -errno with a message, never prints; progress
 * and verdicts go to the caller through vfy_ops.event.
 *
 * The outcome is the exit status, stdout, stderr and the denials seen
 * (docs/run-verify.md, "Minimisation"). Minimisation first runs the
 * workload twice with everything granted: lines of stdout or stderr that
 * differ between those two runs are noise and are masked in every
 * comparison; a stream whose line count differs between them cannot be
 * compared at all, and the report says so.
 */
#ifndef CP_VERIFY_H
#define CP_VERIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/err.h"
#include "common/recording.h"

/* A list of syscall names (borrowed strings). */
struct vfy_names {
	const char **v;
	size_t n;
};

/* What one run is given. */
struct vfy_trial {
	uint64_t caps; /* capabilities granted (bit = CAP_* number) */
	struct vfy_names drop; /* names the profile's allow rules leave out */
	struct vfy_names add; /* names allowed on top of the profile (a trade) */
	bool capture; /* capture stdout and stderr into the outcome */
};

/* What one run did. */
struct vfy_outcome {
	int exit_code;
	/*
	 * The run's output hash (rec->output_sha256, NULL when not known) and
	 * its denials (rec->denied); owned, vfy_outcome_clear.
	 */
	struct cp_rec *rec;
	bool denials_seen; /* false where no denial can be seen (a container) */
	bool captured; /* out and err hold the run's stdout and stderr */
	char *out, *err;
	size_t nout, nerr;
};

void vfy_outcome_clear(struct vfy_outcome *o);

/* Capture cap per stream: above it, a stream is compared by size and hash only. */
#define VFY_MAX_CAPTURE (16u << 20)

enum vfy_event_kind {
	VFY_EV_TRIAL, /* a trial is about to run: what, trial k of n, elapsed */
	VFY_EV_VERDICT, /* a capability or syscall got its verdict (same, why) */
};

struct vfy_event {
	enum vfy_event_kind kind;
	const char *what; /* capability, group of capabilities, or syscall name(s) */
	bool is_syscall;
	unsigned trial, ntrials; /* 1-based; ntrials: the trials planned so far (more may follow a split) */
	uint64_t elapsed_ns; /* since the minimisation began */
	bool same; /* VFY_EV_VERDICT: the outcome is the reference one without it */
	const char *why; /* VFY_EV_VERDICT: in a few words */
};

struct vfy_ops {
	/* Run the workload once as t says; fill o. 0 or -errno with err. */
	int (*run)(void *ctx, const struct vfy_trial *t, struct vfy_outcome *o, struct cp_err *err);
	/* Progress and verdicts; may be NULL. */
	void (*event)(void *ctx, const struct vfy_event *e);
	void *ctx;
	bool can_add; /* run honours vfy_trial.add and shows denials: syscall trades can be tried */
};

/* One captured stream of the reference run, with the lines that are noise. */
struct vfy_stream_ref {
	const char *name; /* "stdout", "stderr" */
	bool compare; /* false: not comparable, why in why */
	char *text;
	size_t len;
	size_t nlines;
	bool *masked; /* per line: differed between the two baseline runs */
	size_t nmasked;
	char why[160];
};

/* The reference outcome: the first of two runs with everything granted. */
struct vfy_ref {
	int exit_code;
	bool captured;
	bool denials_seen;
	struct vfy_stream_ref out, err;
};

void vfy_ref_clear(struct vfy_ref *r);

struct vfy {
	const struct vfy_ops *ops;
	const struct cp_rec *rec; /* the recording: its exit status and output hash */
	bool ignore_output; /* do not compare output */
	const struct vfy_ref *ref; /* set: compare with this instead of the recording */
};

/*
 * Denials that fail a run: not an ENOSYS (the C library probes and falls
 * back), and not of a name the trial left out on purpose (whether the
 * workload copes with that shows in its exit status and output). The first
 * such name in *first when first is not NULL.
 */
size_t vfy_hard_denials(const struct cp_rec *run, const struct vfy_trial *t, const char **first);

/* How a run's output compares with the recording's: 1 same, 0 differs, -1 not compared (why in *why). */
int vfy_output_same(const struct vfy *v, const struct cp_rec *run, const char **why);

/*
 * The reference outcome (v->ref, else the recording's): same exit status,
 * same output where compared, no hard denial. why (may be NULL) gets the
 * first difference in a few words, or "outcome unchanged".
 */
bool vfy_judge(const struct vfy *v, const struct vfy_outcome *o, const struct vfy_trial *t, char *why, size_t whylen);

/* Compatibility names for the plain verify run. */
bool vfy_same_outcome(const struct vfy *v, const struct vfy_outcome *o, const struct vfy_trial *t);
void vfy_outcome_reason(const struct vfy *v, const struct vfy_outcome *o, const struct vfy_trial *t, char *buf,
			size_t len);

/*
 * Establish the reference: two runs of full (captured; first, when not
 * NULL, is a captured run already made); the first is the reference, the
 * lines that differ in the second are masked. The exit
 * status must be the same in both (else -EAGAIN with err). ref->*.why say
 * what could not be compared.
 */
int vfy_baseline(const struct vfy *v, const struct vfy_trial *full, const struct vfy_outcome *first,
		 struct vfy_ref *ref, struct cp_err *err);

/* Per capability after vfy_minimize_caps. */
struct vfy_cap_result {
	bool tried;
	bool same; /* the outcome is the reference one without it: tolerated */
	char why[240]; /* what happened without it */
	struct vfy_names trade; /* tolerated only with these syscalls allowed (strings owned) */
};

void vfy_cap_results_clear(struct vfy_cap_result res[CP_MAX_CAP]);

struct vfy_stats {
	unsigned trials; /* runs made by the minimisation, baselines not counted */
	uint64_t elapsed_ns;
};

/*
 * Find the capabilities of caps the workload needs for the reference
 * outcome (v->ref; set it with vfy_baseline first). Group testing: the
 * capabilities predicted tolerated (vfy_cap_often_tolerated) are dropped
 * together in one trial, the others one by one; a group whose trial changes
 * the outcome is split in halves, and only those halves that change it are
 * split again. Drops accumulate: each trial runs without everything found
 * tolerated so far, so the last passing trial ran with exactly the required
 * set. A single capability whose trial fails only on denials is tried again
 * with the denied syscalls allowed (ops->can_add), and is tolerated with
 * that trade when the outcome is then the reference one. Returns 0 or
 * -errno with err.
 */
int vfy_minimize_caps(const struct vfy *v, uint64_t caps, struct vfy_cap_result res[CP_MAX_CAP], struct vfy_stats *st,
		      struct cp_err *err);

/* Capabilities whose failure programs commonly handle (ordering of trials only). */
bool vfy_cap_often_tolerated(int cap);

/* Syscalls never allowed as a trade for a capability: each widens the kernel's attack surface. */
bool vfy_trade_refused(const char *name);

/*
 * Set the recording's verdicts, evidence of what happened without each
 * capability, and trades from res (capabilities with hits only); returns
 * how many changed.
 */
size_t vfy_apply_verdicts(struct cp_rec *rec, const struct vfy_cap_result res[CP_MAX_CAP]);

/*
 * Find the candidate syscalls the workload does not need: groups first (as
 * for capabilities, halves of the candidate list), then splits of the
 * groups that change the outcome. execve is always needed (the filter is
 * loaded before the workload's own exec). res[i] (one per candidate) says
 * whether cand->v[i] is needed and why; the names kept out go to *drop
 * (free drop->v). Returns 0 or -errno with err.
 */
struct vfy_sys_result {
	bool same; /* not needed */
	char why[240];
};

int vfy_minimize_syscalls(const struct vfy *v, uint64_t caps, const struct vfy_names *cand, struct vfy_sys_result *res,
			  struct vfy_names *drop, struct vfy_stats *st, struct cp_err *err);

bool vfy_names_has(const struct vfy_names *n, const char *name);

/* ---- the real runs (verify/run_traced.c, verify/run_docker.c) ---- */

struct enf_profile;
struct enf_user;
struct gen_runtime;
struct dkr_opts;
struct cp_strv;

/* vfy_ops.ctx of vfy_traced_run. */
struct vfy_traced {
	const char *text; /* the profile's JSON: each run parses it afresh */
	size_t len;
	char *const *argv;
	const char *path; /* resolved argv[0] */
	const struct enf_user *user; /* NULL: stay who we are */
	bool nnp;
	bool sandbox; /* each run on a fresh overlay of the host */
};

/*
 * vfy_ops.run: the workload traced on the host (or a fresh overlay), under
 * the profile (deny actions reported) without t->drop and with t->add, with
 * t->caps. With t->capture, stdin is /dev/null and stdout and stderr go to
 * memory files (regular files, as a redirect to a file would give).
 */
int vfy_traced_run(void *ctx, const struct vfy_trial *t, struct vfy_outcome *o, struct cp_err *err);

/* vfy_ops.ctx of vfy_docker_run. */
struct vfy_docker {
	const struct cp_rec *rec;
	const char *image;
	char *const *docker_args;
	size_t ndocker_args;
	char *const *argv;
	const char *profile_text; /* a given profile, or NULL: derived from rec as emit --docker */
	const struct gen_runtime *runtime; /* deriving: the runtime's own calls, or NULL */
	char *dir; /* private directory for the trial profiles (made on first use) */
	uint64_t slowest_ns; /* the slowest run so far: a trial may take 5 times that (at least 120 s) */
	unsigned ntrials; /* runs made, for the container names */
};

/*
 * vfy_ops.run: a fresh container of the recorded image per trial, `docker
 * run` with the flags `emit --docker-run` makes for t->caps and the profile
 * without t->drop. A container shows no denials (o->denials_seen false).
 * A trial that runs longer than 5 times the slowest run so far (at least
 * 120 s) is stopped (docker kill) and ends with exit 124 and a line on
 * stderr saying so: a workload without a syscall may hang instead of fail.
 */
int vfy_docker_run(void *ctx, const struct vfy_trial *t, struct vfy_outcome *o, struct cp_err *err);
/* Remove the trial profiles' directory. */
void vfy_docker_cleanup(struct vfy_docker *d);

/*
 * verify --docker, once: the flags `capprof emit --docker-run` makes for rec
 * (with profile_path as the profile, or a profile generated from rec, as
 * `emit --docker --runtime R` would, into a private temporary file; R is
 * runtime, else the one a --docker-arg --runtime names, else runc), appended
 * to flags as words, and the workload run under them with dkr_verify_run.
 * Returns 0 or -errno with err.
 */
int vfy_docker_verify(const struct cp_rec *rec, const struct dkr_opts *o, const char *profile_path, const char *runtime,
		      struct cp_rec *run, struct cp_strv *flags, int *exit_code, struct cp_err *err);

/*
 * Syscalls the workload made (any architecture) that prof allows with caps:
 * sorted, unique, into *out (free out->v). Returns how many.
 */
size_t vfy_syscall_candidates(const struct cp_rec *rec, const struct enf_profile *prof, uint64_t caps,
			      struct vfy_names *out);

/* Read a memory file's contents (up to VFY_MAX_CAPTURE); 0 or -errno. */
int vfy_read_capture(int fd, char **text, size_t *len);

#endif
