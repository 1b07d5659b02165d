/* SPDX-License-Identifier: MIT */
/*
 * The verify engine: re-run a workload under a trial (a capability set and
 * the profile's syscalls, some left out), compare each outcome with the
 * reference one, and minimise: find the capabilities and syscalls the
 * workload needs for the same outcome. How a trial is run is not the
 * engine's business: struct vfy_ops.run does it (traced on the host or on a
 * fresh overlay in verify/run_traced.c, a fake one in tests/unit/test_verify.c).
 * Library code: returns 0 or -errno with a message, never prints; progress
 * and verdicts go to the caller through vfy_ops.event.
 */
#ifndef CP_VERIFY_H
#define CP_VERIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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
};

/* What one run did. */
struct vfy_outcome {
	int exit_code;
	/*
	 * The run's output hash (rec->output_sha256, NULL when stdout was a
	 * terminal) and its denials (rec->denied); owned, vfy_outcome_clear.
	 */
	struct cp_rec *rec;
};

void vfy_outcome_clear(struct vfy_outcome *o);

enum vfy_event_kind {
	VFY_EV_TRIAL, /* a trial is about to run: what, trial k of n, elapsed */
	VFY_EV_VERDICT, /* a capability or syscall got its verdict (same, why) */
};

struct vfy_event {
	enum vfy_event_kind kind;
	const char *what; /* capability or syscall name */
	bool is_syscall;
	unsigned trial, ntrials; /* 1-based; ntrials is the number planned so far */
	uint64_t elapsed_ns; /* since the minimisation began */
	bool same; /* VFY_EV_VERDICT: the outcome is the reference one without it */
	const char *why; /* VFY_EV_VERDICT: in a few words */
};

struct vfy_ops {
	/* Run the workload once as t says; fill o. 0 or -errno with err. */
	int (*run)(void *ctx, const struct vfy_trial *t, struct vfy_outcome *o, char *err, size_t errlen);
	/* Progress and verdicts; may be NULL. */
	void (*event)(void *ctx, const struct vfy_event *e);
	void *ctx;
};

struct vfy {
	const struct vfy_ops *ops;
	const struct cp_rec *rec; /* the recording: the reference exit status and output hash */
	bool ignore_output; /* do not compare output */
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

/* The recorded outcome: recorded exit status, same output (where compared), no hard denial. */
bool vfy_same_outcome(const struct vfy *v, const struct vfy_outcome *o, const struct vfy_trial *t);

/* Why a run's outcome is not the recorded one, in a few words ("same outcome" when it is). */
void vfy_outcome_reason(const struct vfy *v, const struct vfy_outcome *o, const struct vfy_trial *t, char *buf,
			size_t len);

/* Per capability after vfy_minimize_caps. */
struct vfy_cap_result {
	bool tried;
	bool same; /* the outcome is the reference one without it: tolerated */
	char why[160];
};

/*
 * Drop each capability of caps in turn and run; res[c] says whether the
 * outcome stayed the reference one. Returns 0 or -errno with err.
 */
int vfy_minimize_caps(const struct vfy *v, uint64_t caps, struct vfy_cap_result res[CP_MAX_CAP], char *err,
		      size_t errlen);

/* Set the recording's verdicts from res (capabilities with hits only); returns how many changed. */
size_t vfy_apply_verdicts(struct cp_rec *rec, const struct vfy_cap_result res[CP_MAX_CAP]);

/*
 * Drop each candidate syscall in turn on top of those already found
 * unneeded, and keep it dropped when the outcome is still the reference
 * one. execve is always needed (the filter is loaded before the workload's
 * own exec). The names kept out go to *drop (free drop->v). Returns 0 or
 * -errno with err.
 */
int vfy_minimize_syscalls(const struct vfy *v, uint64_t caps, const struct vfy_names *cand, struct vfy_names *drop,
			  char *err, size_t errlen);

bool vfy_names_has(const struct vfy_names *n, const char *name);

/* ---- the real run (verify/run_traced.c) ---- */

struct enf_profile;
struct enf_user;

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
 * the profile (deny actions reported) without t->drop, with t->caps.
 */
int vfy_traced_run(void *ctx, const struct vfy_trial *t, struct vfy_outcome *o, char *err, size_t errlen);

/*
 * Syscalls the workload made (any architecture) that prof allows with caps:
 * sorted, unique, into *out (free out->v). Returns how many.
 */
size_t vfy_syscall_candidates(const struct cp_rec *rec, const struct enf_profile *prof, uint64_t caps,
			      struct vfy_names *out);

#endif
