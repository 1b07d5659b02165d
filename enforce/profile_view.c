// SPDX-License-Identifier: MIT
/*
 * Questions about a parsed profile without compiling it: the profile as a
 * recording (diff, verify), the vital calls it denies, the arguments it
 * compares, and verify --minimize's removal of a name.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/names.h"
#include "common/recording.h"
#include "common/util.h"
#include "enforce/profile_int.h"

#define ENF_MAX_NR 8192 /* above every syscall number of every arch (MIPS n32: 6000-6999; x32 bit stripped) */

/* Does a rule's action fail the call with ENOSYS (a probe the caller falls back from)? */
static bool is_enosys(const struct enf_action *a)
{
	return a->kind == ENF_ACT_ERRNO && a->ret == ENOSYS;
}

/*
 * Add one allowing rule to the view of one architecture. Per argument, the
 * union over rules: an EQ condition adds its value; any other operator, or
 * no condition on that argument, means any value (overflow). A rule that
 * compares args[0] and another that compares args[1] thus give "any" on
 * both, which over-states what the profile allows but never under-states it.
 */
static void rec_rule(struct cp_arch *a, const struct enf_rule *rule)
{
	for (size_t n = 0; n < rule->nnames; n++) {
		int nr = cp_syscall_nr(a->token, rule->names[n]);
		bool eq[CP_NARGS] = { false }, other[CP_NARGS] = { false };
		struct cp_sys *s;

		if (nr < 0 || nr >= ENF_MAX_NR)
			continue;
		s = rec_sys(a, (uint32_t)nr);
		s->count = 1;
		for (size_t i = 0; i < rule->nargs; i++) {
			const struct enf_arg *g = &rule->args[i];

			if (g->op == SCMP_CMP_EQ) {
				rec_valset_add(&s->vals[g->index], g->value);
				eq[g->index] = true;
			} else {
				other[g->index] = true;
			}
		}
		for (int k = 0; k < CP_NARGS; k++)
			if (other[k] || !eq[k])
				s->vals[k].overflow = true;
	}
}

/* A name the profile fails with ENOSYS: present with count 0 unless allowed. */
static void rec_enosys(struct cp_arch *a, const struct enf_rule *rule)
{
	for (size_t n = 0; n < rule->nnames; n++) {
		int nr = cp_syscall_nr(a->token, rule->names[n]);

		if (nr >= 0 && nr < ENF_MAX_NR)
			rec_sys(a, (uint32_t)nr);
	}
}

/* Does a rule apply to a holder of *caps (NULL: any capabilities), kernel conditions met? */
static bool rec_rule_applies(const struct enf_rule *r, uint32_t arch, const uint64_t *caps)
{
	if (!enf_rule_applies(r, arch, NULL, 0, 0))
		return false;
	if (!caps)
		return true;
	if (r->exc.has_caps && (*caps & r->exc.caps))
		return false;
	return !r->inc.has_caps || (!r->inc.caps_unknown && (*caps & r->inc.caps) == r->inc.caps);
}

int enf_profile_to_rec(const struct enf_profile *p, const uint64_t *caps, struct cp_rec **out)
{
	cp_autorec *rec = rec_new();
	uint32_t arches[CP_MAX_ARCH];
	size_t narch = enf_profile_arches(p, arches, CP_ARRAY_SIZE(arches));

	for (size_t ai = 0; ai < narch; ai++) {
		struct cp_arch *a = rec_arch(rec, arches[ai]);

		if (enf_allows(&p->def)) {
			/* A deny list: everything but what is denied without conditions. */
			for (uint32_t nr = 0; nr < ENF_MAX_NR; nr++)
				if (cp_syscall_name(a->token, nr))
					rec_sys(a, nr)->count = 1;
			for (size_t i = 0; i < p->nrules; i++) {
				const struct enf_rule *rule = &p->rules[i];

				if (enf_allows(&rule->act) || rule->nargs || !rec_rule_applies(rule, a->token, caps))
					continue;
				for (size_t n = 0; n < rule->nnames; n++) {
					int nr = cp_syscall_nr(a->token, rule->names[n]);
					struct cp_sys *s = nr >= 0 ? rec_sys_get(a, (uint32_t)nr) : NULL;

					if (!s)
						continue;
					if (is_enosys(&rule->act)) {
						s->count = 0;
						continue;
					}
					free(s);
					a->sys[nr] = NULL;
				}
			}
			continue;
		}
		for (size_t i = 0; i < p->nrules; i++) {
			const struct enf_rule *rule = &p->rules[i];

			if (!rec_rule_applies(rule, a->token, caps))
				continue;
			if (enf_allows(&rule->act))
				rec_rule(a, rule);
			else if (is_enosys(&rule->act))
				rec_enosys(a, rule);
		}
		if (is_enosys(&p->def)) {
			/* Everything not allowed fails with ENOSYS. */
			for (uint32_t nr = 0; nr < ENF_MAX_NR; nr++)
				if (cp_syscall_name(a->token, nr))
					rec_sys(a, nr);
		}
	}
	rec->complete = true;
	*out = cp_steal_pointer(&rec);
	return 0;
}

/* Does the profile allow name on arch for a holder of caps, under some condition at least? */
static bool may_allow(const struct enf_profile *p, const char *name, uint32_t arch, uint64_t caps, unsigned kmaj,
		      unsigned kmin)
{
	bool named = false;

	for (size_t i = 0; i < p->nrules; i++) {
		const struct enf_rule *r = &p->rules[i];

		if (!enf_rule_applies(r, arch, &caps, kmaj, kmin))
			continue;
		for (size_t n = 0; n < r->nnames; n++) {
			if (strcmp(r->names[n], name) != 0)
				continue;
			if (enf_allows(&r->act))
				return true;
			/* A deny under conditions leaves the other values to the default. */
			named |= r->nargs == 0;
		}
	}
	return !named && enf_allows(&p->def);
}

size_t enf_profile_vital_denied(const struct enf_profile *p, uint64_t caps, struct enf_vital *out, size_t max)
{
	/* What a process cannot live without, on any C library (why each is vital). */
	static const struct {
		const char *name;
		const char *why;
		uint32_t arch; /* 0: every architecture */
		const char *fallback; /* vital only when this one is denied too */
	} vital[] = {
		{ "execve", "the command cannot be started", 0, NULL },
		/* glibc's _exit tries exit_group, then exit. */
		{ "exit_group", "no process can end (with exit denied too): the C library's _exit then crashes", 0,
		  "exit" },
		{ "rt_sigreturn", "no signal handler can return", 0, NULL },
		{ "arch_prctl", "the C library cannot set up thread-local storage", SCMP_ARCH_X86_64, NULL },
		{ "mmap", "the dynamic loader cannot map a library", 0, NULL },
	};
	uint32_t native = cp_arch_native();
	unsigned kmaj = 0, kmin = 0;
	size_t n = 0;

	(void)enf_kernel_version(&kmaj, &kmin);
	for (size_t i = 0; i < CP_ARRAY_SIZE(vital); i++) {
		if (vital[i].arch && vital[i].arch != native)
			continue;
		if (may_allow(p, vital[i].name, native, caps, kmaj, kmin))
			continue;
		if (vital[i].fallback && may_allow(p, vital[i].fallback, native, caps, kmaj, kmin))
			continue;
		if (n < max)
			out[n] = (struct enf_vital){ vital[i].name, vital[i].why };
		n++;
	}
	return n;
}

unsigned enf_profile_arg_mask(const struct enf_profile *p, const char *name)
{
	unsigned mask = 0;

	for (size_t i = 0; i < p->nrules; i++) {
		const struct enf_rule *r = &p->rules[i];

		if (!enf_allows(&r->act))
			continue;
		for (size_t n = 0; n < r->nnames; n++) {
			if (strcmp(r->names[n], name) != 0)
				continue;
			for (size_t a = 0; a < r->nargs; a++)
				mask |= 1u << r->args[a].index;
		}
	}
	return mask;
}

size_t enf_profile_remove_name(struct enf_profile *p, const char *name)
{
	size_t removed = 0;

	for (size_t i = 0; i < p->nrules; i++) {
		struct enf_rule *r = &p->rules[i];
		size_t k = 0;

		if (!enf_allows(&r->act))
			continue;
		for (size_t n = 0; n < r->nnames; n++) {
			if (strcmp(r->names[n], name) != 0) {
				r->names[k++] = r->names[n];
				continue;
			}
			free(r->names[n]);
			removed++;
		}
		r->nnames = k;
	}
	return removed;
}
