// SPDX-License-Identifier: MIT
/*
 * Docker-format seccomp profiles. The semantics follow what Docker (moby's
 * profiles/seccomp) and runc (libcontainer/seccomp) do with a profile, so
 * that `capprof run` enforces what `docker run --security-opt seccomp=...`
 * would; docs/run-verify.md lists them.
 *
 * This file: the model's lifetime and the rule matching that parse, compile
 * and view share (profile_int.h says which file does what).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "common/names.h"
#include "common/util.h"
#include "enforce/profile_int.h"

/*
 * Docker matches includes/excludes.arches against Go's GOARCH; we accept
 * libseccomp's spelling too. Source: Go's list of GOARCH values.
 */
static const struct {
	const char *arch; /* libseccomp name */
	const char *goarch;
} goarch_names[] = {
	{ "x86_64", "amd64" },	    { "x86", "386" },
	{ "aarch64", "arm64" },	    { "arm", "arm" },
	{ "ppc64le", "ppc64le" },   { "ppc64", "ppc64" },
	{ "s390x", "s390x" },	    { "s390", "s390" },
	{ "riscv64", "riscv64" },   { "mips64", "mips64" },
	{ "mipsel64", "mips64le" }, { "mips", "mips" },
	{ "mipsel", "mipsle" },	    { "loongarch64", "loong64" },
};

static void cond_free(struct enf_cond *c)
{
	cp_strv_free_n(c->arches, c->narches);
}

void enf_profile_free(struct enf_profile *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->nrules; i++) {
		struct enf_rule *r = &p->rules[i];

		cp_strv_free_n(r->names, r->nnames);
		free(r->args);
		cond_free(&r->inc);
		cond_free(&r->exc);
	}
	free(p->rules);
	for (size_t i = 0; i < p->nmap; i++)
		free(p->map[i].sub);
	free(p->map);
	free(p->arches);
	free(p->unknown_key);
	free(p);
}

void enf_profile_freep(struct enf_profile **pp)
{
	enf_profile_free(*pp);
}

int enf_kernel_version(unsigned *major, unsigned *minor)
{
	struct utsname u;
	char *end;

	if (uname(&u) < 0)
		return -errno;
	*major = (unsigned)strtoul(u.release, &end, 10);
	*minor = *end == '.' ? (unsigned)strtoul(end + 1, NULL, 10) : 0;
	return 0;
}

size_t enf_arches_for(const struct enf_profile *p, uint32_t native, uint32_t *tokens, size_t max)
{
	size_t n = 0;

#define ADD_ARCH(t)                               \
	do {                                      \
		bool dup = false;                 \
		for (size_t d_ = 0; d_ < n; d_++) \
			dup |= tokens[d_] == (t); \
		if (!dup && (t) && n < max)       \
			tokens[n++] = (t);        \
	} while (0)

	tokens[n++] = native;
	for (size_t i = 0; i < p->narches; i++)
		ADD_ARCH(p->arches[i]);
	/* archMap: only the entry of the machine we run on counts, as in Docker. */
	for (size_t i = 0; i < p->nmap; i++) {
		if (p->map[i].arch != native)
			continue;
		for (size_t s = 0; s < p->map[i].nsub; s++)
			ADD_ARCH(p->map[i].sub[s]);
	}
#undef ADD_ARCH
	return n;
}

size_t enf_profile_arches(const struct enf_profile *p, uint32_t *tokens, size_t max)
{
	return enf_arches_for(p, cp_arch_native(), tokens, max);
}

static bool arch_matches(uint32_t token, char *const *names, size_t n)
{
	const char *sname = cp_arch_name(token), *go = NULL;

	for (size_t i = 0; i < CP_ARRAY_SIZE(goarch_names); i++)
		if (sname && !strcmp(goarch_names[i].arch, sname))
			go = goarch_names[i].goarch;
	for (size_t i = 0; i < n; i++)
		if ((sname && !strcmp(names[i], sname)) || (go && !strcmp(names[i], go)))
			return true;
	return false;
}

static bool kernel_at_least(unsigned maj, unsigned min, unsigned want_maj, unsigned want_min)
{
	return maj > want_maj || (maj == want_maj && min >= want_min);
}

/* Does a rule apply, in Docker's order: arches, caps, minKernel. */
bool enf_rule_applies(const struct enf_rule *r, uint32_t arch, const uint64_t *caps, unsigned kmaj, unsigned kmin)
{
	if (r->exc.narches && arch_matches(arch, r->exc.arches, r->exc.narches))
		return false;
	if (r->inc.narches && !arch_matches(arch, r->inc.arches, r->inc.narches))
		return false;
	if (caps) {
		/* excludes: any held capability drops the rule; includes: all must be held. */
		if (r->exc.has_caps && (*caps & r->exc.caps))
			return false;
		if (r->inc.has_caps && (r->inc.caps_unknown || (*caps & r->inc.caps) != r->inc.caps))
			return false;
		if (r->exc.has_kernel && kernel_at_least(kmaj, kmin, r->exc.kmajor, r->exc.kminor))
			return false;
		if (r->inc.has_kernel && !kernel_at_least(kmaj, kmin, r->inc.kmajor, r->inc.kminor))
			return false;
	}
	return true;
}

bool enf_allows(const struct enf_action *a)
{
	return a->kind == ENF_ACT_ALLOW || a->kind == ENF_ACT_LOG;
}

const char *enf_profile_unknown_key(const struct enf_profile *p)
{
	return p->unknown_key;
}
