// SPDX-License-Identifier: MIT
/*
 * Minimisation: which capabilities and syscalls the workload needs for the
 * reference outcome, found by re-running it without them.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/names.h"
#include "common/util.h"
#include "verify/verify.h"

static void emit_event(const struct vfy *v, const struct vfy_event *e)
{
	if (v->ops->event)
		v->ops->event(v->ops->ctx, e);
}

/* Announce trial k of n, run it, and judge it; *same and why are the verdict. */
static int trial(const struct vfy *v, const struct vfy_trial *t, const char *what, bool is_syscall, unsigned k,
		 unsigned n, uint64_t t0, bool *same, char *why, size_t whylen, char *err, size_t errlen)
{
	struct vfy_event e = {
		.kind = VFY_EV_TRIAL,
		.what = what,
		.is_syscall = is_syscall,
		.trial = k,
		.ntrials = n,
		.elapsed_ns = cp_now_ns() - t0,
	};
	struct vfy_outcome o = { 0 };
	int r;

	emit_event(v, &e);
	r = v->ops->run(v->ops->ctx, t, &o, err, errlen);
	if (r < 0) {
		vfy_outcome_clear(&o);
		return r;
	}
	*same = vfy_same_outcome(v, &o, t);
	vfy_outcome_reason(v, &o, t, why, whylen);
	vfy_outcome_clear(&o);
	e.kind = VFY_EV_VERDICT;
	e.same = *same;
	e.why = why;
	e.elapsed_ns = cp_now_ns() - t0;
	emit_event(v, &e);
	return 0;
}

int vfy_minimize_caps(const struct vfy *v, uint64_t caps, struct vfy_cap_result res[CP_MAX_CAP], char *err,
		      size_t errlen)
{
	uint64_t t0 = cp_now_ns();
	unsigned n = (unsigned)__builtin_popcountll(caps), k = 0;
	int r;

	memset(res, 0, sizeof(*res) * CP_MAX_CAP);
	for (int c = 0; c < CP_MAX_CAP; c++) {
		struct vfy_trial t = { .caps = caps & ~(1ull << c) };

		if (!(caps & (1ull << c)))
			continue;
		r = trial(v, &t, cp_cap_name(c) ? cp_cap_name(c) : "?", false, ++k, n, t0, &res[c].same, res[c].why,
			  sizeof(res[c].why), err, errlen);
		if (r < 0)
			return r;
		res[c].tried = true;
	}
	return 0;
}

size_t vfy_apply_verdicts(struct cp_rec *rec, const struct vfy_cap_result res[CP_MAX_CAP])
{
	size_t changed = 0;

	for (int c = 0; c < CP_MAX_CAP; c++) {
		if (!res[c].tried || !rec->caps[c].hits)
			continue;
		rec->caps[c].verdict = res[c].same ? CP_VERDICT_TOLERATED : CP_VERDICT_REQUIRED;
		changed++;
	}
	return changed;
}

int vfy_minimize_syscalls(const struct vfy *v, uint64_t caps, const struct vfy_names *cand, struct vfy_names *drop,
			  char *err, size_t errlen)
{
	uint64_t t0 = cp_now_ns();
	unsigned n = (unsigned)cand->n;
	char why[160];
	int r;

	drop->v = cp_xcalloc(cand->n + 1, sizeof(*drop->v));
	drop->n = 0;
	for (size_t i = 0; i < cand->n; i++) {
		struct vfy_trial t = { .caps = caps };
		bool same;

		/* The filter is loaded before the workload's own exec: that one always runs. */
		if (!strcmp(cand->v[i], "execve")) {
			struct vfy_event e = {
				.kind = VFY_EV_VERDICT,
				.what = cand->v[i],
				.is_syscall = true,
				.trial = (unsigned)i + 1,
				.ntrials = n,
				.elapsed_ns = cp_now_ns() - t0,
				.same = false,
				.why = "the workload is started with it under the filter",
			};

			emit_event(v, &e);
			continue;
		}
		drop->v[drop->n++] = cand->v[i];
		t.drop = *drop;
		r = trial(v, &t, cand->v[i], true, (unsigned)i + 1, n, t0, &same, why, sizeof(why), err, errlen);
		if (r < 0)
			return r;
		if (!same)
			drop->n--;
	}
	return 0;
}
