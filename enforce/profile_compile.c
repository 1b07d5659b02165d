// SPDX-License-Identifier: MIT
/*
 * Compile a parsed profile with libseccomp as runc does: which rules apply
 * on this machine, Docker's action mapping (or verify's RET_TRACE), repeated
 * rules added once. Nothing is loaded here.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/names.h"
#include "common/recording.h"
#include "common/trace_proto.h"
#include "common/util.h"
#include "enforce/profile_int.h"

static uint32_t scmp_action(const struct enf_action *a, bool trace_denials)
{
	if (trace_denials) {
		switch (a->kind) {
		case ENF_ACT_ALLOW:
		case ENF_ACT_LOG:
			break;
		case ENF_ACT_ERRNO:
			return SCMP_ACT_TRACE(CP_TRACE_DENY | (uint16_t)a->ret);
		case ENF_ACT_TRACE:
			/* Without a tracer of its own the workload would see ENOSYS. */
			return SCMP_ACT_TRACE(CP_TRACE_DENY | ENOSYS);
		case ENF_ACT_KILL_THREAD:
		case ENF_ACT_KILL_PROCESS:
		case ENF_ACT_TRAP:
			return SCMP_ACT_TRACE(CP_TRACE_DENY);
		}
	}
	switch (a->kind) {
	case ENF_ACT_ALLOW:
		return SCMP_ACT_ALLOW;
	case ENF_ACT_ERRNO:
		return SCMP_ACT_ERRNO((uint16_t)a->ret);
	case ENF_ACT_KILL_THREAD:
		return SCMP_ACT_KILL_THREAD;
	case ENF_ACT_KILL_PROCESS:
		return SCMP_ACT_KILL_PROCESS;
	case ENF_ACT_TRAP:
		return SCMP_ACT_TRAP;
	case ENF_ACT_TRACE:
		return SCMP_ACT_TRACE((uint16_t)a->ret);
	case ENF_ACT_LOG:
		return SCMP_ACT_LOG;
	}
	return SCMP_ACT_KILL_PROCESS;
}

void enf_filter_releasep(scmp_filter_ctx *c)
{
	if (*c)
		seccomp_release(*c);
}

static int add_rule(scmp_filter_ctx ctx, uint32_t act, int nr, const struct enf_rule *r)
{
	struct scmp_arg_cmp cmp[CP_NARGS];
	unsigned seen = 0;
	bool same_arg = false;
	int ret;

	if (!r->nargs)
		return seccomp_rule_add(ctx, act, nr, 0);
	if (r->nargs > CP_NARGS)
		same_arg = true;
	for (size_t i = 0; i < r->nargs && !same_arg; i++) {
		same_arg |= (seen >> r->args[i].index) & 1;
		seen |= 1u << r->args[i].index;
	}
	for (size_t i = 0; i < r->nargs; i++) {
		cmp[i % CP_NARGS] = (struct scmp_arg_cmp){ .arg = r->args[i].index,
							   .op = r->args[i].op,
							   .datum_a = r->args[i].value,
							   .datum_b = r->args[i].value_two };
		/*
		 * libseccomp refuses two conditions on one argument in a rule.
		 * runc and crun then add each condition as a rule of its own,
		 * which makes them alternatives (OR), not a conjunction.
		 */
		if (same_arg) {
			ret = seccomp_rule_add_array(ctx, act, nr, 1, &cmp[i % CP_NARGS]);
			if (ret < 0)
				return ret;
		}
	}
	if (same_arg)
		return 0;
	return seccomp_rule_add_array(ctx, act, nr, (unsigned)r->nargs, cmp);
}

/*
 * Rules already handed to libseccomp, so that a repeated (action, syscall,
 * conditions) is added once. libseccomp's cost grows faster than linearly
 * with the rules it is given (Docker's default profile repeated 50 times,
 * 1,650 rules, took 33 s), and merged profiles repeat names a lot. An
 * open-addressing hash set keeps the profile's order for the rules it keeps.
 */
struct seen_rules {
	struct seen_rule {
		const struct enf_rule *rule; /* NULL: empty slot */
		uint32_t act;
		int nr;
	} * slot;
	size_t cap;
};

static bool same_conds(const struct enf_rule *a, const struct enf_rule *b)
{
	if (a->nargs != b->nargs)
		return false;
	for (size_t i = 0; i < a->nargs; i++)
		if (a->args[i].index != b->args[i].index || a->args[i].op != b->args[i].op ||
		    a->args[i].value != b->args[i].value || a->args[i].value_two != b->args[i].value_two)
			return false;
	return true;
}

static uint64_t rule_hash(uint32_t act, int nr, const struct enf_rule *r)
{
	uint64_t h = ((uint64_t)act << 32) ^ (uint32_t)nr ^ (r->nargs * 0x9e3779b97f4a7c15ull);

	for (size_t i = 0; i < r->nargs; i++) {
		h ^= r->args[i].value + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
		h ^= r->args[i].value_two + ((uint64_t)r->args[i].index << 8) + r->args[i].op;
		h *= 0xff51afd7ed558ccdull;
	}
	h ^= h >> 33;
	return h * 0xc4ceb9fe1a85ec53ull;
}

static void seen_freep(struct seen_rules *s)
{
	free(s->slot);
}

/* True if this (act, nr, conditions) was added before; remembers it otherwise. */
static bool seen_before(struct seen_rules *s, uint32_t act, int nr, const struct enf_rule *r)
{
	size_t i = rule_hash(act, nr, r) & (s->cap - 1);

	for (; s->slot[i].rule; i = (i + 1) & (s->cap - 1))
		if (s->slot[i].act == act && s->slot[i].nr == nr && same_conds(s->slot[i].rule, r))
			return true;
	s->slot[i] = (struct seen_rule){ r, act, nr };
	return false;
}

int enf_profile_compile(const struct enf_profile *p, const struct enf_compile_opts *o, scmp_filter_ctx *out,
			struct cp_err *err)
{
	enf_autofilter ctx = NULL;
	uint32_t arches[CP_MAX_ARCH * 4], def, native = o->machine ? o->machine : cp_arch_native();
	unsigned kmaj = o->kernel_major, kmin = o->kernel_minor;
	size_t narch = enf_arches_for(p, native, arches, CP_ARRAY_SIZE(arches));
	cp_cleanup(seen_freep) struct seen_rules seen = { 0 };
	int r;

	if (!kmaj && !kmin && (r = enf_kernel_version(&kmaj, &kmin)) < 0)
		return cp_fail(err, r, "cannot read the kernel version: %s", strerror(-r));
	def = scmp_action(&p->def, o->trace_denials);
	ctx = seccomp_init(def);
	if (!ctx)
		return cp_fail(err, -EINVAL, "defaultAction: libseccomp refused the action");
	/* We set no_new_privs ourselves, only when asked to (--no-new-privileges). */
	r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
	if (!r && p->flag_log)
		r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_LOG, 1);
	if (!r && p->flag_spec_allow)
		r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_SSB, 1);
	if (r < 0)
		return cp_fail(err, r, "flags: libseccomp: %s", strerror(-r));
	/* another machine: its architecture replaces ours (rule numbers stay ours; libseccomp translates) */
	if (native != cp_arch_native()) {
		r = seccomp_arch_add(ctx, native);
		if (!r)
			r = seccomp_arch_remove(ctx, SCMP_ARCH_NATIVE);
		if (r < 0)
			return cp_fail(err, r, "machine: libseccomp cannot compile for %s: %s",
				       cp_arch_docker_name(native), strerror(-r));
	}
	for (size_t i = 1; i < narch; i++) {
		r = seccomp_arch_add(ctx, arches[i]);
		if (r < 0 && r != -EEXIST)
			return cp_fail(err, r, "architectures: libseccomp cannot add %s: %s",
				       cp_arch_docker_name(arches[i]), strerror(-r));
	}
	{
		size_t names = 0;

		for (size_t i = 0; i < p->nrules; i++)
			names += p->rules[i].nnames;
		for (seen.cap = 16; seen.cap < 2 * names; seen.cap *= 2)
			;
		seen.slot = cp_xcalloc(seen.cap, sizeof(*seen.slot));
	}
	for (size_t i = 0; i < p->nrules; i++) {
		const struct enf_rule *rule = &p->rules[i];
		uint32_t act;

		/* includes/excludes.arches name the machine, not the filter's arches (Docker). */
		if (!enf_rule_applies(rule, native, &o->caps, kmaj, kmin))
			continue;
		act = scmp_action(&rule->act, o->trace_denials);
		/* libseccomp refuses rules that repeat the default; runc skips them. */
		if (act == def)
			continue;
		for (size_t n = 0; n < rule->nnames; n++) {
			int nr = seccomp_syscall_resolve_name(rule->names[n]);

			/*
			 * A name libseccomp does not know on any architecture is
			 * skipped, as runc does: profiles list syscalls of newer
			 * kernels and other architectures.
			 */
			if (nr == __NR_SCMP_ERROR || seen_before(&seen, act, nr, rule))
				continue;
			r = add_rule(ctx, act, nr, rule);
			if (r < 0)
				return cp_fail(err, r, "syscalls[%zu]: libseccomp refused the rule for \"%s\": %s", i,
					       rule->names[n], strerror(-r));
		}
	}
	*out = cp_steal_pointer(&ctx);
	return 0;
}
