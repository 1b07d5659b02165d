// SPDX-License-Identifier: MIT
/*
 * diff OLD NEW: what NEW needs beyond OLD ("+" lines, a CI gate fails on
 * them) and what it no longer needs ("-" lines). Per architecture, per
 * syscall, per recorded argument value; capabilities when both sides are
 * recordings. An argument value set that is empty or overflowed means
 * "any value".
 */
#include "generator/gen.h"
#include "common/names.h"
#include "common/util.h"

#include <stdlib.h>
#include <string.h>

static int cmp_arch(const void *a, const void *b)
{
	const char *x = cp_arch_name((*(const struct cp_arch *const *)a)->token);
	const char *y = cp_arch_name((*(const struct cp_arch *const *)b)->token);

	return strcmp(x ? x : "", y ? y : "");
}

static bool unrestricted(const struct cp_valset *s)
{
	return s->overflow || !s->n;
}

static const char *arg_name(const char *syscall, int idx)
{
	const struct cp_argspec *spec = rec_argspec(syscall);

	for (int k = 0; spec && k < 4 && spec->args[k].index >= 0; k++)
		if (spec->args[k].index == idx)
			return spec->args[k].name;
	return "arg";
}

/* Lines for what `b` has beyond `a`, prefixed with sign. Returns how many. */
static size_t beyond(struct cp_buf *out, char sign, const struct cp_rec *a, const struct cp_rec *b, bool b_profile)
{
	const struct cp_arch *arches[CP_MAX_ARCH] = { 0 };
	size_t lines = 0;

	for (size_t i = 0; i < b->narch; i++)
		arches[i] = &b->arch[i];
	qsort(arches, b->narch, sizeof(arches[0]), cmp_arch);
	for (size_t i = 0; i < b->narch; i++) {
		const struct cp_arch *ba = arches[i], *aa = rec_arch_find(a, ba->token);
		const char *an = cp_arch_name(ba->token);
		struct cp_named_sys *v;
		size_t n = rec_sorted_syscalls(ba, &v);

		for (size_t k = 0; k < n; k++) {
			const struct cp_sys *bs = ba->sys[v[k].nr];
			const struct cp_sys *as = aa ? rec_sys_get(aa, v[k].nr) : NULL;

			/* a profile's ENOSYS entry (count 0) grants nothing to drop; an inherited one does */
			if (!rec_sys_needed(bs))
				continue;
			if (!as) {
				cp_buf_printf(out, "%c syscall %s %s\n", sign, an, v[k].name);
				lines++;
				continue;
			}
			/* a recording's call is satisfied by an ENOSYS fallback, a profile's allow is not */
			if (!rec_sys_needed(as) && b_profile) {
				cp_buf_printf(out, "%c syscall %s %s (was failed with ENOSYS)\n", sign, an, v[k].name);
				lines++;
				continue;
			}
			for (int x = 0; x < CP_NARGS; x++) {
				const struct cp_valset *av = &as->vals[x], *bv = &bs->vals[x];

				if (unrestricted(av) || (!bv->n && !bv->overflow))
					continue;
				if (bv->overflow) {
					cp_buf_printf(out, "%c argument %s %s %s (arg%d): any value\n", sign, an,
						      v[k].name, arg_name(v[k].name, x), x);
					lines++;
					continue;
				}
				for (uint32_t j = 0; j < bv->n; j++) {
					const char *fam;

					if (rec_valset_has(av, bv->v[j]))
						continue;
					fam = !strcmp(v[k].name, "socket") && x == 0 ? gen_family_name(bv->v[j]) : NULL;
					cp_buf_printf(out, "%c argument %s %s %s (arg%d) = 0x%llx%s%s\n", sign, an,
						      v[k].name, arg_name(v[k].name, x), x,
						      (unsigned long long)bv->v[j], fam ? " " : "", fam ? fam : "");
					lines++;
				}
			}
		}
		free(v);
	}
	return lines;
}

static size_t caps_beyond(struct cp_buf *out, char sign, const struct cp_rec *a, const struct cp_rec *b)
{
	const char *caps[CP_MAX_CAP];
	size_t n = gen_caps(b, caps), lines = 0;

	for (size_t i = 0; i < n; i++) {
		if (a->caps[cp_cap_parse(caps[i])].hits)
			continue;
		cp_buf_printf(out, "%c capability %s\n", sign, caps[i]);
		lines++;
	}
	return lines;
}

char *gen_diff(const struct gen_diff_side *old, const struct gen_diff_side *new_, bool *more)
{
	struct cp_buf out = { 0 };
	size_t added, dropped;

	cp_buf_puts(&out, "");
	added = beyond(&out, '+', old->rec, new_->rec, new_->is_profile);
	if (!old->is_profile && !new_->is_profile)
		added += caps_beyond(&out, '+', old->rec, new_->rec);
	dropped = beyond(&out, '-', new_->rec, old->rec, old->is_profile);
	if (!old->is_profile && !new_->is_profile)
		dropped += caps_beyond(&out, '-', new_->rec, old->rec);
	else
		cp_buf_printf(&out, "# capabilities not compared: %s is a seccomp profile\n",
			      old->is_profile ? "OLD" : "NEW");
	/* Inherited entries count as needed on both sides: a "+" is never lost, a "-" may be. */
	if (new_->rec->baseline)
		cp_buf_printf(&out,
			      "# NEW was recorded against baseline %s: what it inherited was not observed, so "
			      "\"no longer needed\" may miss some\n",
			      new_->rec->baseline);
	cp_buf_printf(&out, "# NEW needs %zu privilege%s OLD did not grant; %zu no longer needed\n", added,
		      added == 1 ? "" : "s", dropped);
	*more = added > 0;
	return out.data;
}
