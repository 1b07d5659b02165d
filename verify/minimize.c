// SPDX-License-Identifier: MIT
/*
 * Minimisation: which capabilities and syscalls the workload needs for the
 * reference outcome, found by re-running it without them.
 *
 * Group testing (both minimisations): items predicted unneeded are dropped
 * together in one trial, the others one by one. A group whose trial keeps
 * the reference outcome is dropped for good; one that changes it is split
 * in halves, the first half is tried, and when that half alone keeps the
 * outcome the second is known to change it and is split without a trial of
 * its own. Drops accumulate, so every trial runs without everything found
 * unneeded so far and the last trial that kept the outcome ran with exactly
 * the final set. Cost for n items of which r are needed: 1 + (n - p) trials
 * when the p predicted ones are all unneeded and the rest needed; each
 * needed item inside a group costs at most 2·log2(group size) trials more;
 * never more than 2n - 1.
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

/* ---- generic group testing over items 0..n-1 ---- */

struct gt;

/*
 * Try the workload without the items marked in drop (accepted drops plus
 * the group grp[0..glen)); *same and why give the verdict.
 */
typedef int (*gt_try_fn)(struct gt *g, const bool *drop, const size_t *grp, size_t glen, bool *same, char *why,
			 size_t whylen, struct cp_err *err);

struct gt {
	const struct vfy *v;
	size_t n;
	const char *const *names;
	bool is_syscall;
	bool *dropped; /* accepted: not needed */
	bool *decided;
	char (*why)[240]; /* per item: what happened without it */
	unsigned trials, planned;
	uint64_t t0;
	gt_try_fn try;
	void *ctx;
	bool may_trade; /* a failing single item is tried again with its denied syscalls */
};

struct gt_group {
	size_t start, len; /* a range of order[] */
	bool known_fail; /* a trial already showed that dropping it changes the outcome */
	size_t sib_start, sib_len; /* known_fail if this sibling turns out wholly dropped */
	char why[240]; /* the failing trial's reason, for known_fail singles */
};

static void group_what(const struct gt *g, const size_t *grp, size_t glen, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < glen && off + 1 < len; i++) {
		int k = snprintf(buf + off, len - off, "%s%s", i ? " " : "", g->names[grp[i]]);

		if (k < 0 || (size_t)k >= len - off) {
			snprintf(buf + (len > 4 ? len - 4 : 0), len > 4 ? 4 : len, "...");
			break;
		}
		off += (size_t)k;
	}
}

/* Count a trial and announce it (what: the items left out). */
static void gt_trial_event(struct gt *g, struct vfy_event *e, const char *what)
{
	*e = (struct vfy_event){ .kind = VFY_EV_TRIAL, .is_syscall = g->is_syscall, .what = what };
	e->trial = ++g->trials;
	e->ntrials = g->planned < g->trials ? g->trials : g->planned;
	e->elapsed_ns = cp_now_ns() - g->t0;
	emit_event(g->v, e);
}

/*
 * Group testing over items 0..n-1, the nprior predicted unneeded first
 * (see the top of this file); the trial count and time go to st.
 */
static int gt_run(struct gt *g, size_t nprior, struct vfy_stats *st, struct cp_err *err)
{
	size_t *order = cp_xcalloc(g->n + 1, sizeof(*order));
	struct gt_group *stack = cp_xcalloc(2 * g->n + 2, sizeof(*stack));
	size_t sp = 0, nsingle = g->n - nprior;
	bool *drop = cp_xcalloc(g->n + 1, sizeof(bool));
	int r = 0;

	for (size_t i = 0; i < g->n; i++)
		order[i] = i;
	/* Push in reverse: the predicted group first, then the others in order. */
	for (size_t i = g->n; i-- > nprior;)
		stack[sp++] = (struct gt_group){ .start = i, .len = 1 };
	if (nprior)
		stack[sp++] = (struct gt_group){ .start = 0, .len = nprior };
	g->planned = (unsigned)(nsingle + (nprior ? 1 : 0));
	while (sp) {
		struct gt_group cur = stack[--sp];
		const size_t *grp = order + cur.start;
		bool same = false;
		char why[240], what[200];

		if (cur.sib_len) {
			bool all = true;

			for (size_t i = 0; i < cur.sib_len; i++)
				all = all && g->dropped[order[cur.sib_start + i]];
			/* A single one still runs where a trade may save it (its denials are needed). */
			cur.known_fail = all && (cur.len > 1 || !g->may_trade);
		}
		if (!cur.known_fail) {
			struct vfy_event e;

			group_what(g, grp, cur.len, what, sizeof(what));
			gt_trial_event(g, &e, what);
			for (size_t i = 0; i < g->n; i++)
				drop[i] = g->dropped[i];
			for (size_t i = 0; i < cur.len; i++)
				drop[grp[i]] = true;
			r = g->try(g, drop, grp, cur.len, &same, why, sizeof(why), err);
			if (r < 0)
				break;
			e.kind = VFY_EV_VERDICT;
			e.same = same;
			e.why = why;
			e.elapsed_ns = cp_now_ns() - g->t0;
			emit_event(g->v, &e);
		} else {
			snprintf(why, sizeof(why), "%s", cur.why);
		}
		if (same) {
			for (size_t i = 0; i < cur.len; i++) {
				g->dropped[grp[i]] = g->decided[grp[i]] = true;
				/* A single item's trade reason was written by try. */
				if (cur.len > 1 || !g->why[grp[i]][0])
					snprintf(g->why[grp[i]], sizeof(g->why[0]), "%s", why);
			}
			continue;
		}
		if (cur.len == 1) {
			g->decided[grp[0]] = true;
			snprintf(g->why[grp[0]], sizeof(g->why[0]), "%s", why);
			continue;
		}
		/* Split: the first half is tried; the second is known to fail if the first is dropped whole. */
		{
			size_t h = cur.len / 2;
			struct gt_group a = { .start = cur.start, .len = h };
			struct gt_group b = {
				.start = cur.start + h, .len = cur.len - h, .sib_start = cur.start, .sib_len = h
			};

			snprintf(b.why, sizeof(b.why), "%s", why);
			stack[sp++] = b;
			stack[sp++] = a;
			g->planned += 2;
		}
	}
	free(stack);
	free(drop);
	free(order);
	if (st) {
		st->trials = g->trials;
		st->elapsed_ns = cp_now_ns() - g->t0;
	}
	return r;
}

/* ---- capabilities ---- */

/*
 * Capabilities whose failure programs commonly handle: apt's SO_RCVBUFFORCE
 * (NET_ADMIN), kill of a child of another user (KILL), reads it can do
 * without (DAC_READ_SEARCH), su's and login's audit messages (AUDIT_WRITE),
 * priority and limit tweaks (SYS_NICE, SYS_RESOURCE, IPC_LOCK). Only the
 * order of trials depends on this list; every verdict comes from a run.
 */
bool vfy_cap_often_tolerated(int cap)
{
	switch (cap) {
	case 2: /* DAC_READ_SEARCH */
	case 5: /* KILL */
	case 12: /* NET_ADMIN */
	case 14: /* IPC_LOCK */
	case 23: /* SYS_NICE */
	case 24: /* SYS_RESOURCE */
	case 29: /* AUDIT_WRITE */
		return true;
	default:
		return false;
	}
}

bool vfy_trade_refused(const char *name)
{
	static const char *const refused[] = {
		"add_key",
		"bpf",
		"clone3",
		"delete_module",
		"finit_module",
		"fsconfig",
		"fsmount",
		"fsopen",
		"init_module",
		"io_uring_enter",
		"io_uring_register",
		"io_uring_setup",
		"kexec_file_load",
		"kexec_load",
		"keyctl",
		"mount",
		"move_mount",
		"open_by_handle_at",
		"open_tree",
		"perf_event_open",
		"pivot_root",
		"process_vm_readv",
		"process_vm_writev",
		"ptrace",
		"reboot",
		"request_key",
		"setns",
		"swapoff",
		"swapon",
		"umount2",
		"unshare",
		"userfaultfd",
	};

	for (size_t i = 0; i < CP_ARRAY_SIZE(refused); i++)
		if (!strcmp(refused[i], name))
			return true;
	return false;
}

struct caps_ctx {
	uint64_t caps;
	const int *capno; /* item -> CAP_* number */
	struct vfy_cap_result *res;
};

/* Allowed trades so far (names owned by res[].trade). */
static void trades_of(const struct caps_ctx *c, const struct gt *g, const bool *drop, struct vfy_names *out)
{
	out->n = 0;
	for (size_t i = 0; i < g->n; i++) {
		const struct vfy_names *t = &c->res[c->capno[i]].trade;

		if (!drop[i] || !g->dropped[i])
			continue;
		for (size_t k = 0; k < t->n; k++)
			if (!vfy_names_has(out, t->v[k]))
				out->v[out->n++] = t->v[k];
	}
}

static int run_judge(const struct vfy *v, const struct vfy_trial *t, bool *same, char *why, size_t whylen,
		     struct vfy_outcome *o, struct cp_err *err)
{
	int r = v->ops->run(v->ops->ctx, t, o, err);

	if (r < 0)
		return r;
	*same = vfy_judge(v, o, t, why, whylen);
	return 0;
}

/*
 * A single capability whose trial failed with denials: allow the denied
 * syscalls (never those vfy_trade_refused names) and try again, up to three
 * rounds as the other path may need more.
 */
static int try_trade(struct gt *g, struct caps_ctx *c, size_t item, struct vfy_trial *t, struct vfy_outcome *o,
		     bool *same, char *why, size_t whylen, struct cp_err *err)
{
	struct vfy_cap_result *res = &c->res[c->capno[item]];
	const char **names = cp_xcalloc(t->add.n + 64, sizeof(char *));
	struct vfy_names add = { names, 0 };
	char **mine = cp_xcalloc(65, sizeof(char *));
	size_t nmine = 0;
	char first_why[240];
	int r = 0;

	snprintf(first_why, sizeof(first_why), "%s", why);
	for (size_t k = 0; k < t->add.n; k++)
		names[add.n++] = t->add.v[k];
	for (int round = 0; round < 3 && !*same && o->denials_seen; round++) {
		size_t before = nmine;
		const char *bad = NULL;

		for (size_t i = 0; i < o->rec->ndenied && nmine < 64; i++) {
			const char *s = o->rec->denied[i].syscall;

			if (o->rec->denied[i].err == ENOSYS || vfy_names_has(&add, s))
				continue;
			if (vfy_trade_refused(s)) {
				bad = s;
				break;
			}
			mine[nmine++] = cp_xstrdup(s);
			names[add.n++] = mine[nmine - 1];
		}
		if (bad) {
			snprintf(why, whylen, "%s (its other path needs %s, never traded)", first_why, bad);
			break;
		}
		if (nmine == before)
			break;
		t->add = add;
		vfy_outcome_clear(o);
		{
			struct vfy_event e;
			char what[200];

			snprintf(what, sizeof(what), "%s, with %s%s allowed", g->names[item], mine[0],
				 nmine > 1 ? " and more" : "");
			gt_trial_event(g, &e, what);
		}
		r = run_judge(g->v, t, same, why, whylen, o, err);
		if (r < 0)
			break;
	}
	if (r == 0 && *same && nmine) {
		struct cp_buf b = { 0 };

		res->trade.v = cp_xcalloc(nmine + 1, sizeof(char *));
		for (size_t i = 0; i < nmine; i++) {
			res->trade.v[res->trade.n++] = mine[i];
			cp_buf_printf(&b, "%s%s", i ? ", " : "", mine[i]);
		}
		nmine = 0;
		cp_set_err(g->why[item], sizeof(g->why[0]), "needs %s as well; without it: %s", b.data, first_why);
		cp_buf_free(&b);
	} else if (r == 0 && !*same && nmine) {
		char tmp[240];

		snprintf(tmp, sizeof(tmp), "%s", first_why);
		snprintf(why, whylen, "%s; with %s%s allowed too: still differs", tmp, mine[0],
			 nmine > 1 ? " and more" : "");
	}
	cp_strv_free_n(mine, nmine);
	free(names);
	return r;
}

static int caps_try(struct gt *g, const bool *drop, const size_t *grp, size_t glen, bool *same, char *why,
		    size_t whylen, struct cp_err *err)
{
	struct caps_ctx *c = g->ctx;
	struct vfy_trial t = { .caps = c->caps, .capture = true };
	const char *tv[CP_MAX_CAP * 8];
	struct vfy_outcome o = { 0 };
	int r;

	for (size_t i = 0; i < g->n; i++)
		if (drop[i])
			t.caps &= ~(1ull << c->capno[i]);
	t.add.v = tv;
	trades_of(c, g, drop, &t.add);
	r = run_judge(g->v, &t, same, why, whylen, &o, err);
	if (r == 0 && !*same && glen == 1 && g->v->ops->can_add && o.denials_seen && vfy_hard_denials(o.rec, &t, NULL))
		r = try_trade(g, c, grp[0], &t, &o, same, why, whylen, err);
	vfy_outcome_clear(&o);
	return r;
}

void vfy_cap_results_clear(struct vfy_cap_result res[CP_MAX_CAP])
{
	for (int c = 0; c < CP_MAX_CAP; c++) {
		for (size_t i = 0; i < res[c].trade.n; i++)
			free((char *)res[c].trade.v[i]);
		free(res[c].trade.v);
		res[c].trade.v = NULL;
		res[c].trade.n = 0;
	}
}

int vfy_minimize_caps(const struct vfy *v, uint64_t caps, struct vfy_cap_result res[CP_MAX_CAP], struct vfy_stats *st,
		      struct cp_err *err)
{
	int capno[CP_MAX_CAP];
	const char *names[CP_MAX_CAP];
	bool dropped[CP_MAX_CAP] = { false }, decided[CP_MAX_CAP] = { false };
	char why[CP_MAX_CAP][240];
	struct caps_ctx cc = { .caps = caps, .capno = capno, .res = res };
	struct gt g = { .v = v,
			.names = names,
			.dropped = dropped,
			.decided = decided,
			.why = why,
			.t0 = cp_now_ns(),
			.try = caps_try,
			.ctx = &cc,
			.may_trade = v->ops->can_add };
	size_t n = 0, np = 0;
	int r;

	memset(res, 0, sizeof(*res) * CP_MAX_CAP);
	memset(why, 0, sizeof(why));
	for (int pass = 0; pass < 2; pass++) {
		for (int c = 0; c < CP_MAX_CAP; c++) {
			if (!(caps & (1ull << c)) || vfy_cap_often_tolerated(c) != (pass == 0))
				continue;
			capno[n] = c;
			names[n] = cp_cap_name(c) ? cp_cap_name(c) : "?";
			n++;
			np += pass == 0;
		}
	}
	g.n = n;
	r = gt_run(&g, np, st, err);
	if (r < 0)
		return r;
	for (size_t i = 0; i < n; i++) {
		struct vfy_cap_result *x = &res[capno[i]];

		x->tried = true;
		x->same = dropped[i];
		cp_set_err(x->why, sizeof(x->why), "%s", why[i]);
	}
	return 0;
}

size_t vfy_apply_verdicts(struct cp_rec *rec, const struct vfy_cap_result res[CP_MAX_CAP])
{
	size_t changed = 0;

	for (int c = 0; c < CP_MAX_CAP; c++) {
		struct cp_capuse *u = &rec->caps[c];

		if (!res[c].tried || !u->hits)
			continue;
		rec_capuse_clear_verdict(u);
		u->verdict = res[c].same ? CP_VERDICT_TOLERATED : CP_VERDICT_REQUIRED;
		u->without = cp_xstrdup(res[c].why);
		if (res[c].same && res[c].trade.n) {
			u->trade = cp_xcalloc(res[c].trade.n + 1, sizeof(char *));
			for (size_t i = 0; i < res[c].trade.n; i++)
				u->trade[u->ntrade++] = cp_xstrdup(res[c].trade.v[i]);
		}
		changed++;
	}
	return changed;
}

/* ---- syscalls ---- */

/*
 * Syscalls programs probe and do without: the C library's ENOSYS fallbacks
 * and calls whose failure only loses an optimisation. Ordering only.
 */
static bool sys_often_unneeded(const char *name)
{
	static const char *const often[] = {
		"clone3", "faccessat2",	       "getrandom",	  "madvise", "membarrier", "prlimit64",
		"rseq",	  "sched_getaffinity", "set_robust_list", "statx",   "sysinfo",
	};

	for (size_t i = 0; i < CP_ARRAY_SIZE(often); i++)
		if (!strcmp(often[i], name))
			return true;
	return false;
}

struct sys_ctx {
	uint64_t caps;
	const char **drop_v;
};

static int sys_try(struct gt *g, const bool *drop, const size_t *grp, size_t glen, bool *same, char *why, size_t whylen,
		   struct cp_err *err)
{
	struct sys_ctx *c = g->ctx;
	struct vfy_trial t = { .caps = c->caps, .capture = true, .drop = { c->drop_v, 0 } };
	struct vfy_outcome o = { 0 };
	int r;

	(void)grp;
	(void)glen;
	for (size_t i = 0; i < g->n; i++)
		if (drop[i])
			c->drop_v[t.drop.n++] = g->names[i];
	r = run_judge(g->v, &t, same, why, whylen, &o, err);
	vfy_outcome_clear(&o);
	return r;
}

int vfy_minimize_syscalls(const struct vfy *v, uint64_t caps, const struct vfy_names *cand, struct vfy_sys_result *res,
			  struct vfy_names *drop, struct vfy_stats *st, struct cp_err *err)
{
	size_t n = 0, np = 0;
	const char **names = cp_xcalloc(cand->n + 1, sizeof(char *));
	size_t *candidx = cp_xcalloc(cand->n + 1, sizeof(size_t));
	bool *dropped = cp_xcalloc(cand->n + 1, sizeof(bool)), *decided = cp_xcalloc(cand->n + 1, sizeof(bool));
	char(*why)[240] = cp_xcalloc(cand->n + 1, sizeof(*why));
	struct sys_ctx sc = { .caps = caps, .drop_v = cp_xcalloc(cand->n + 1, sizeof(char *)) };
	struct gt g = { .v = v,
			.names = names,
			.is_syscall = true,
			.dropped = dropped,
			.decided = decided,
			.why = why,
			.t0 = cp_now_ns(),
			.try = sys_try,
			.ctx = &sc };
	int r;

	memset(res, 0, sizeof(*res) * cand->n);
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < cand->n; i++) {
			/* The filter is loaded before the workload's own exec: that one always runs. */
			if (!strcmp(cand->v[i], "execve")) {
				snprintf(res[i].why, sizeof(res[i].why),
					 "the workload is started with it under the filter");
				continue;
			}
			if (sys_often_unneeded(cand->v[i]) != (pass == 0))
				continue;
			names[n] = cand->v[i];
			candidx[n] = i;
			n++;
			np += pass == 0;
		}
	}
	g.n = n;
	r = gt_run(&g, np, st, err);
	for (size_t k = 0; k < n; k++) {
		res[candidx[k]].same = dropped[k];
		snprintf(res[candidx[k]].why, sizeof(res[0].why), "%s", why[k]);
	}
	drop->v = cp_xcalloc(n + 1, sizeof(char *));
	drop->n = 0;
	for (size_t i = 0; r == 0 && i < cand->n; i++)
		if (res[i].same)
			drop->v[drop->n++] = cand->v[i];
	free(names);
	free(candidx);
	free(dropped);
	free(decided);
	free(why);
	free(sc.drop_v);
	return r;
}
