// SPDX-License-Identifier: MIT
/*
 * record --baseline FILE: the tracer's seccomp filter lets the kernel run
 * what FILE already allows, so only what is new stops (a ptrace stop costs
 * about 25 us here; most of a CI job's calls are the same every run).
 *
 * What passes without a stop, on the native architecture only (other
 * architectures' calls are all traced):
 *  - a syscall FILE allows, with no argument spec: any arguments;
 *  - a syscall with recorded argument values (socket family/type/protocol,
 *    clone and unshare flags, personality, prctl option, ioctl request,
 *    setsockopt level/name, setns type): exactly the combinations of the
 *    values FILE recorded, compared as the recorder masks them; more than
 *    MAX_COMBOS combinations, or clone3 (its flags are in memory), and the
 *    call stays traced;
 *  - with capabilities traced: only calls that cannot need a capability
 *    outside the ones FILE's recording proved (those are effective from the
 *    start, capeng_can_skip), never capget/capset, the set-id family or
 *    audit sends.
 * What is therefore not observed: how often an allowed call ran, who made
 * it first, and whether a baseline capability is still used; the recording
 * marks those syscalls and capabilities "inherited".
 */
#include "tracer/tracee.h"
#include "common/names.h"
#include "common/util.h"

#include <errno.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>

#define MAX_COMBOS 64 /* argument-value combinations allowed per syscall */

struct trace_baseline {
	scmp_filter_ctx ctx;
	const struct cp_rec *base; /* borrowed: outlives the run */
	uint32_t arch; /* the one architecture with allow rules */
	uint64_t caps; /* capabilities granted from the start (capabilities traced only) */
	uint8_t allowed[CP_MAX_NR / 8]; /* syscall numbers with allow rules */
};

static void allowed_set(struct trace_baseline *b, uint32_t nr)
{
	b->allowed[nr / 8] |= (uint8_t)(1u << (nr % 8));
}

static bool allowed_has(const struct trace_baseline *b, uint32_t nr)
{
	return nr < CP_MAX_NR && (b->allowed[nr / 8] & (1u << (nr % 8)));
}

/* One restricted argument: its index, the recorder's mask and the values. */
struct argvals {
	int index;
	uint64_t mask;
	const struct cp_valset *vals;
};

/*
 * Allow rules for every combination of the recorded values of the
 * restricted arguments. Returns 0, 1 when the call must stay traced, or a
 * negative errno from libseccomp.
 */
static int allow_values(scmp_filter_ctx ctx, uint32_t nr, const struct argvals *av, int n)
{
	size_t combos = 1;

	for (int i = 0; i < n; i++) {
		combos *= av[i].vals->n;
		if (combos > MAX_COMBOS)
			return 1;
	}
	for (size_t c = 0; c < combos; c++) {
		struct scmp_arg_cmp cmp[4];
		size_t rest = c;
		int r;

		for (int i = 0; i < n; i++) {
			uint64_t v = av[i].vals->v[rest % av[i].vals->n];

			rest /= av[i].vals->n;
			if (av[i].mask != ~0ull)
				cmp[i] =
					SCMP_CMP((unsigned)av[i].index, SCMP_CMP_MASKED_EQ, av[i].mask, v & av[i].mask);
			else
				cmp[i] = SCMP_CMP((unsigned)av[i].index, SCMP_CMP_EQ, v);
		}
		r = seccomp_rule_add_exact_array(ctx, SCMP_ACT_ALLOW, (int)nr, (unsigned)n, cmp);
		if (r < 0)
			return r;
	}
	return 0;
}

/* Allow one syscall of the baseline as far as its recorded arguments go. */
static int allow_syscall(struct trace_baseline *b, uint32_t nr, const char *name, const struct cp_sys *s)
{
	const struct cp_argspec *spec = rec_argspec(name);
	struct argvals av[4];
	int n = 0;

	for (int k = 0; spec && k < 4 && spec->args[k].index >= 0; k++) {
		const struct cp_valset *vs = &s->vals[spec->args[k].index];

		if (!vs->n || vs->overflow)
			continue; /* any value */
		av[n++] = (struct argvals){ spec->args[k].index, ~spec->args[k].ignore_mask, vs };
	}
	if (n && !strcmp(name, "clone3"))
		return 1;
	if (!n)
		return seccomp_rule_add_exact(b->ctx, SCMP_ACT_ALLOW, (int)nr, 0);
	return allow_values(b->ctx, nr, av, n);
}

int trace_baseline_new(const struct cp_rec *base, bool caps, struct trace_baseline **out)
{
	struct trace_baseline *b = cp_xcalloc(1, sizeof(*b));
	const struct cp_arch *a;
	int r;

	b->base = base;
	b->arch = cp_arch_native();
	b->ctx = seccomp_init(SCMP_ACT_TRACE(0));
	if (!b->ctx) {
		free(b);
		return -ENOMEM;
	}
	/* Calls of other architectures (i386, x32 on x86_64) all stop, as without a baseline. */
	r = seccomp_attr_set(b->ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_TRACE(0));
	if (r == 0)
		r = seccomp_attr_set(b->ctx, SCMP_FLTATR_CTL_NNP, 0);
	if (r < 0)
		goto fail;
	if (caps && base->caps_traced)
		for (int c = 0; c < CP_MAX_CAP; c++)
			if (base->caps[c].hits)
				b->caps |= 1ull << c;
	a = rec_arch_find(base, b->arch);
	for (uint32_t nr = 0; a && nr < a->nsys && nr < CP_MAX_NR; nr++) {
		const char *name = cp_syscall_name(b->arch, nr);

		if (!name || !rec_sys_needed(a->sys[nr]))
			continue;
		if (caps && !capeng_can_skip(name, b->caps))
			continue;
		r = allow_syscall(b, nr, name, a->sys[nr]);
		if (r < 0) {
			/* libseccomp refuses some numbers (pseudo-calls): those stay traced */
			r = 0;
			continue;
		}
		if (r == 0)
			allowed_set(b, nr);
	}
	*out = b;
	return 0;
fail:
	seccomp_release(b->ctx);
	free(b);
	return r;
}

void trace_baseline_free(struct trace_baseline *b)
{
	if (!b)
		return;
	seccomp_release(b->ctx);
	free(b);
}

int trace_baseline_load(const struct trace_baseline *b)
{
	int r = seccomp_load(b->ctx);

	if (r != -EACCES && r != -EPERM)
		return r;
	/* Without CAP_SYS_ADMIN the kernel wants no_new_privs, as trace_load_filter does. */
	r = seccomp_attr_set(b->ctx, SCMP_FLTATR_CTL_NNP, 1);
	return r < 0 ? r : seccomp_load(b->ctx);
}

uint64_t trace_baseline_caps(const struct trace_baseline *b)
{
	return b->caps;
}

/*
 * After the run: what the filter let pass is in the recording too, marked
 * inherited, with the baseline's first caller and argument values (the
 * run may have made those calls unseen). Capabilities granted from the
 * start are copied the same way.
 */
void trace_baseline_inherit(const struct trace_baseline *b, struct cp_rec *rec)
{
	const struct cp_arch *ba = rec_arch_find(b->base, b->arch);
	struct cp_arch *ra = ba ? rec_arch(rec, b->arch) : NULL;

	for (uint32_t nr = 0; ra && nr < ba->nsys; nr++) {
		const struct cp_sys *bs = ba->sys[nr];
		struct cp_sys *s;

		if (!allowed_has(b, nr) || !bs)
			continue;
		s = rec_sys(ra, nr);
		if (!s)
			continue;
		if (!s->count) {
			s->first_pid = bs->first_pid;
			s->first_exe = bs->first_exe ? cp_xstrdup(bs->first_exe) : NULL;
			memcpy(s->first_args, bs->first_args, sizeof(s->first_args));
			s->first_ip = bs->first_ip;
		}
		s->inherited = true;
		for (int k = 0; k < CP_NARGS; k++) {
			for (uint32_t i = 0; i < bs->vals[k].n; i++)
				rec_valset_add(&s->vals[k], bs->vals[k].v[i]);
			s->vals[k].overflow |= bs->vals[k].overflow;
		}
	}
	for (int c = 0; c < CP_MAX_CAP; c++) {
		const struct cp_capuse *bu = &b->base->caps[c];
		struct cp_capuse *u = &rec->caps[c];

		if (!(b->caps & (1ull << c)) || u->hits)
			continue;
		u->hits = bu->hits;
		u->verdict = bu->verdict;
		rec_evidence_copy(&u->ev, &bu->ev);
		u->inherited = true;
	}
}
