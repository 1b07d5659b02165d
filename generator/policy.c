// SPDX-License-Identifier: MIT
/*
 * From a recording to a seccomp policy: which names are allowed, which get
 * argument rules, and which must fail with ENOSYS rather than EPERM. The
 * policy is format-neutral; docker.c and friends render it.
 */
#include "generator/gen.h"
#include "generator/reach.h"
#include "common/names.h"
#include "common/util.h"

#include <seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

/*
 * Syscalls whose callers probe for them and fall back to an older call only
 * when the kernel says ENOSYS; Docker's default EPERM would turn a working
 * fallback into a failure. Each entry names the caller that falls back.
 * docs/formats.md carries the same list for users.
 */
const struct gen_enosys gen_enosys_list[] = {
	{ "clone3", "glibc >= 2.34 (pthread_create, posix_spawn) falls back to clone on ENOSYS" },
	{ "close_range", "glibc posix_spawn closefrom, CPython, systemd fall back to closing one by one on ENOSYS" },
	{ "copy_file_range", "coreutils cp, Go io.Copy, Rust fs::copy fall back to read/write on ENOSYS" },
	{ "faccessat2", "glibc >= 2.33 faccessat with flags falls back to faccessat + fstatat on ENOSYS" },
	{ "fchmodat2", "glibc >= 2.39 fchmodat(AT_SYMLINK_NOFOLLOW) falls back to an O_PATH emulation on ENOSYS" },
	{ "getrandom", "glibc arc4random, Go crypto/rand, OpenSSL fall back to /dev/urandom on ENOSYS" },
	{ "openat2", "runc, systemd, libpathrs fall back to openat path walking on ENOSYS" },
	{ "pidfd_open", "Go >= 1.23 os/exec, systemd fall back to pid-based wait and kill on ENOSYS" },
	{ "pidfd_send_signal", "Go >= 1.23 os, systemd fall back to kill on ENOSYS" },
	{ "preadv2", "glibc preadv2 with flags 0 falls back to preadv on ENOSYS" },
	{ "pwritev2", "glibc pwritev2 with flags 0 falls back to pwritev on ENOSYS" },
	{ "rseq", "glibc >= 2.35 registers rseq at thread start and runs without it when the kernel lacks it" },
	{ "statx", "glibc statx, Rust std::fs::metadata fall back to fstatat on ENOSYS" },
};
const size_t gen_enosys_count = CP_ARRAY_SIZE(gen_enosys_list);

/* One recorded name with the union of its values over all architectures. */
struct rname {
	const char *name;
	struct cp_valset vals[CP_NARGS];
};

struct names {
	struct rname *v;
	size_t n, cap;
};

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static struct rname *names_get(struct names *ns, const char *name)
{
	for (size_t i = 0; i < ns->n; i++)
		if (!strcmp(ns->v[i].name, name))
			return &ns->v[i];
	if (ns->n == ns->cap) {
		ns->cap = ns->cap ? ns->cap * 2 : 64;
		ns->v = cp_xreallocarray(ns->v, ns->cap, sizeof(*ns->v));
	}
	memset(&ns->v[ns->n], 0, sizeof(ns->v[0]));
	ns->v[ns->n].name = name;
	return &ns->v[ns->n++];
}

static const struct rname *names_find(const struct names *ns, const char *name)
{
	for (size_t i = 0; i < ns->n; i++)
		if (!strcmp(ns->v[i].name, name))
			return &ns->v[i];
	return NULL;
}

static void valset_union(struct cp_valset *d, const struct cp_valset *s)
{
	for (uint32_t k = 0; k < s->n; k++)
		rec_valset_add(d, s->v[k]);
	d->overflow |= s->overflow;
}

static void names_free(struct names *ns)
{
	for (size_t i = 0; i < ns->n; i++)
		for (int a = 0; a < CP_NARGS; a++)
			free(ns->v[i].vals[a].v);
	free(ns->v);
}

static int cmp_rname(const void *a, const void *b)
{
	return strcmp(((const struct rname *)a)->name, ((const struct rname *)b)->name);
}

static void collect(const struct cp_rec *rec, struct names *ns)
{
	for (size_t i = 0; i < rec->narch; i++) {
		const struct cp_arch *a = &rec->arch[i];

		for (uint32_t nr = 0; nr < a->nsys; nr++) {
			const char *name;
			struct rname *r;

			if (!a->sys[nr])
				continue;
			name = cp_syscall_name(a->token, nr);
			if (!name)
				continue;
			r = names_get(ns, name);
			for (int k = 0; k < CP_NARGS; k++)
				valset_union(&r->vals[k], &a->sys[nr]->vals[k]);
		}
	}
	if (ns->n)
		qsort(ns->v, ns->n, sizeof(*ns->v), cmp_rname);
}

uint32_t gen_exe_arch(const struct cp_exe *e)
{
	static const struct {
		const char *machine;
		const char *arch;
	} aliases[] = {
		/* ELF machine spellings (uname, libelf EM_ names) to libseccomp's */
		{ "i386", "x86" },	{ "i486", "x86" },	     { "i586", "x86" },	    { "i686", "x86" },
		{ "386", "x86" },	{ "EM_386", "x86" },	     { "amd64", "x86_64" }, { "EM_X86_64", "x86_64" },
		{ "arm64", "aarch64" }, { "EM_AARCH64", "aarch64" }, { "EM_ARM", "arm" },
	};
	const char *m = e->machine;
	uint32_t t;

	if (!m || !e->elf_class)
		return 0;
	for (size_t i = 0; i < CP_ARRAY_SIZE(aliases); i++)
		if (!strcmp(aliases[i].machine, m))
			m = aliases[i].arch;
	t = cp_arch_from_name(m);
	/* A 32-bit ELF for x86-64 is the x32 ABI. */
	if (t == SCMP_ARCH_X86_64 && e->elf_class == 32)
		t = SCMP_ARCH_X32;
	return t;
}

static int cmp_arch_docker(const void *a, const void *b)
{
	const char *x = cp_arch_docker_name(*(const uint32_t *)a);
	const char *y = cp_arch_docker_name(*(const uint32_t *)b);

	return strcmp(x ? x : "", y ? y : "");
}

static void arch_add(uint32_t *out, size_t *n, uint32_t t)
{
	if (!t || !cp_arch_docker_name(t))
		return;
	for (size_t i = 0; i < *n; i++)
		if (out[i] == t)
			return;
	if (*n < CP_MAX_ARCH)
		out[(*n)++] = t;
}

size_t gen_arches(const struct cp_rec *rec, uint32_t *out)
{
	size_t n = 0;

	for (size_t i = 0; i < rec->narch; i++)
		arch_add(out, &n, rec->arch[i].token);
	for (size_t i = 0; i < rec->nexes; i++)
		arch_add(out, &n, gen_exe_arch(&rec->exes[i]));
	if (!n)
		arch_add(out, &n, cp_arch_native());
	qsort(out, n, sizeof(*out), cmp_arch_docker);
	return n;
}

size_t gen_caps(const struct cp_rec *rec, const char **out)
{
	size_t n = 0;

	for (int c = 0; c < CP_MAX_CAP; c++)
		if (rec->caps[c].hits && cp_cap_name(c))
			out[n++] = cp_cap_name(c);
	qsort(out, n, sizeof(*out), cmp_str);
	return n;
}

bool gen_nnp_ok(const struct cp_rec *rec)
{
	for (size_t i = 0; i < rec->nexes; i++)
		if (rec->exes[i].setuid || rec->exes[i].setgid || rec->exes[i].file_caps)
			return false;
	return true;
}

const char *gen_family_name(uint64_t af)
{
	static const char *const fam[] = {
		[AF_UNIX] = "AF_UNIX",	     [AF_INET] = "AF_INET",	      [AF_INET6] = "AF_INET6",
		[AF_NETLINK] = "AF_NETLINK", [AF_PACKET] = "AF_PACKET",	      [AF_ALG] = "AF_ALG",
		[AF_VSOCK] = "AF_VSOCK",     [AF_BLUETOOTH] = "AF_BLUETOOTH",
	};

	return af < CP_ARRAY_SIZE(fam) ? fam[af] : NULL;
}

/* A growable list of rules under construction. */
struct rules {
	struct gen_rule *v;
	size_t n, cap;
};

static struct gen_rule *rule_new(struct rules *rs, bool allow, int errno_ret, char *comment)
{
	struct gen_rule *r;

	if (rs->n == rs->cap) {
		rs->cap = rs->cap ? rs->cap * 2 : 16;
		rs->v = cp_xreallocarray(rs->v, rs->cap, sizeof(*rs->v));
	}
	r = &rs->v[rs->n++];
	memset(r, 0, sizeof(*r));
	r->allow = allow;
	r->errno_ret = errno_ret;
	r->comment = comment;
	return r;
}

static void rule_name(struct gen_rule *r, const char *name)
{
	r->names = cp_xreallocarray(r->names, r->nnames + 1, sizeof(*r->names));
	r->names[r->nnames++] = cp_xstrdup(name);
}

static void rule_arg(struct gen_rule *r, uint32_t index, uint64_t value, uint64_t two, const char *op)
{
	r->args[r->nargs++] = (struct gen_arg){ index, value, two, op };
}

/* Names of the runtime baseline the options select. */
static bool in_runtime(const struct gen_opts *o, const char *name)
{
	const struct gen_runtime *rt = o->runtime;

	if (!rt)
		return false;
	if (bsearch(&name, rt->with_nnp, rt->n_with, sizeof(char *), cmp_str))
		return true;
	return !o->nnp_only && bsearch(&name, rt->without_nnp, rt->n_without, sizeof(char *), cmp_str);
}

static bool has_arch(const struct gen_policy *p, uint32_t t)
{
	for (size_t i = 0; i < p->narch; i++)
		if (p->arches[i] == t)
			return true;
	return false;
}

/* Does any emitted architecture know this syscall? */
static bool known_name(const struct gen_policy *p, const char *name)
{
	for (size_t i = 0; i < p->narch; i++)
		if (cp_syscall_nr(p->arches[i], name) >= 0)
			return true;
	return false;
}

static bool usable(const struct cp_valset *s)
{
	return s->n > 0 && !s->overflow;
}

/* EQ per recorded value of arg0 (socket family, personality), Docker style. */
static bool eq_rules(struct rules *rs, const struct rname *r, const char *what)
{
	const struct cp_valset *s = &r->vals[0];

	if (!usable(s))
		return false;
	for (uint32_t k = 0; k < s->n; k++) {
		const char *fam = !strcmp(r->name, "socket") ? gen_family_name(s->v[k]) : NULL;
		struct gen_rule *g;

		if (fam)
			g = rule_new(rs, true, 0, cp_xasprintf("%s: %s %s recorded", r->name, what, fam));
		else
			g = rule_new(
				rs, true, 0,
				cp_xasprintf("%s: %s 0x%llx recorded", r->name, what, (unsigned long long)s->v[k]));
		rule_name(g, r->name);
		rule_arg(g, 0, s->v[k], 0, "SCMP_CMP_EQ");
	}
	return true;
}

/*
 * clone/unshare: allow when the namespace bits nobody asked for are clear,
 * as Docker does for clone; the mask is tightened to the recorded use.
 */
static bool mask_rule(struct rules *rs, const char *name, uint32_t index, const struct cp_valset *s, uint64_t nsmask,
		      bool *trivial)
{
	uint64_t used = 0, forbidden;
	struct gen_rule *g;

	*trivial = false;
	if (!usable(s))
		return false;
	for (uint32_t k = 0; k < s->n; k++)
		used |= s->v[k];
	forbidden = nsmask & ~used;
	if (!forbidden) {
		/* every namespace is used: no rule is tighter than none */
		*trivial = true;
		return false;
	}
	g = rule_new(rs, true, 0,
		     cp_xasprintf("%s: namespace flags not recorded (0x%llx) must be clear", name,
				  (unsigned long long)forbidden));
	rule_name(g, name);
	rule_arg(g, index, forbidden, 0, "SCMP_CMP_MASKED_EQ");
	return true;
}

static bool is_enosys_name(const char *name)
{
	for (size_t i = 0; i < gen_enosys_count; i++)
		if (!strcmp(gen_enosys_list[i].name, name))
			return true;
	return false;
}

/*
 * --with-reachable: one allow rule per executable for the syscalls its
 * imports reach and the recording never saw, marked unobserved. Names that
 * fall back on ENOSYS keep their ENOSYS entry (the fallback works), and
 * clone/unshare keep namespaces forbidden: a reachable fork() is no reason
 * to allow new namespaces nobody recorded.
 */
static void add_reachable(struct rules *rs, struct rules *argrules, const struct gen_policy *p,
			  const struct gen_opts *o, const struct names *ns)
{
	struct names added = { 0 };

	for (size_t i = 0; i < o->reach->nexes; i++) {
		const struct reach_exe *e = &o->reach->exes[i];
		struct gen_rule *g = NULL;

		for (size_t k = 0; k < e->nunseen; k++) {
			const char *name = e->unseen[k].name;
			struct gen_rule *a;

			if ((int)e->unseen[k].risk > o->reach_max_risk || names_find(ns, name) ||
			    names_find(&added, name) || in_runtime(o, name) || is_enosys_name(name) ||
			    !known_name(p, name))
				continue;
			names_get(&added, name);
			if (!o->no_args && (!strcmp(name, "clone") || !strcmp(name, "unshare"))) {
				uint64_t mask = name[0] == 'c' ? GEN_CLONE_NS_MASK : GEN_UNSHARE_NS_MASK;

				a = rule_new(argrules, true, 0,
					     cp_xasprintf("not observed: reachable through the imports of %s; "
							  "namespace flags (0x%llx) must be clear",
							  e->path, (unsigned long long)mask));
				a->unobserved = true;
				cp_scrub_controls(a->comment); /* a path: keep YAML and unit comments one line */
				rule_name(a, name);
				rule_arg(a, 0, mask, 0, "SCMP_CMP_MASKED_EQ");
				continue;
			}
			if (!g) {
				g = rule_new(rs, true, 0,
					     cp_xasprintf("not observed: reachable through the imports of %s "
							  "(capprof explain --unexercised)",
							  e->path));
				g->unobserved = true;
				cp_scrub_controls(g->comment);
			}
			rule_name(g, name);
		}
		if (g && g->nnames)
			qsort(g->names, g->nnames, sizeof(char *), cmp_str);
	}
	free(added.v);
}

int gen_policy_build(const struct cp_rec *rec, const struct gen_opts *o, struct gen_policy **out)
{
	struct gen_policy *p = cp_xcalloc(1, sizeof(*p));
	struct names ns = { 0 };
	struct rules rs = { 0 }, argrules = { 0 };
	struct gen_rule *plain, *rt = NULL, *enosys = NULL;
	const struct rname *clone = NULL, *clone3 = NULL;
	bool clone_ruled = false, s390, s390_only = true;

	p->narch = gen_arches(rec, p->arches);
	p->complain = o->complain;
	/*
	 * clone's flags are argument 1 on s390 (CONFIG_CLONE_BACKWARDS2), 0
	 * elsewhere: a rule is written only when every architecture agrees.
	 */
	s390 = has_arch(p, SCMP_ARCH_S390) || has_arch(p, SCMP_ARCH_S390X);
	for (size_t i = 0; i < p->narch; i++)
		s390_only &= p->arches[i] == SCMP_ARCH_S390 || p->arches[i] == SCMP_ARCH_S390X;
	collect(rec, &ns);

	plain = rule_new(&rs, true, 0, cp_xstrdup("recorded: made by the workload"));
	plain->recorded = true;
	if (o->runtime)
		rt = rule_new(&rs, true, 0,
			      cp_xasprintf("runtime %s%s: its calls between filter load and exec (measured: %s)",
					   o->runtime->name, o->nnp_only ? " with no-new-privileges" : "",
					   o->runtime->measured ? o->runtime->measured : "unknown"));

	clone = names_find(&ns, "clone");
	clone3 = names_find(&ns, "clone3");
	if (!o->no_args && (!s390 || s390_only) && (clone || clone3) && !in_runtime(o, "clone")) {
		struct cp_valset u = { 0 };
		bool trivial;

		if (clone)
			valset_union(&u, &clone->vals[0]);
		if (clone3)
			valset_union(&u, &clone3->vals[0]);
		/* clone3's exit signal lives in struct clone_args, not in flags */
		clone_ruled = mask_rule(&argrules, "clone", s390 ? 1 : 0, &u, GEN_CLONE_NS_MASK, &trivial);
		free(u.v);
	}

	for (size_t i = 0; i < ns.n; i++) {
		const struct rname *r = &ns.v[i];
		bool ruled = false, trivial;

		if (in_runtime(o, r->name)) {
			rule_name(plain, r->name);
			continue;
		}
		if (!strcmp(r->name, "clone") && clone_ruled)
			continue;
		if (!strcmp(r->name, "clone3") && clone_ruled) {
			struct gen_rule *g = rule_new(&argrules, false, GEN_ENOSYS,
						      cp_xstrdup("clone3: flags are in memory and cannot be checked; "
								 "ENOSYS makes glibc fall back to clone, which is"));
			rule_name(g, "clone3");
			continue;
		}
		if (!o->no_args) {
			if (!strcmp(r->name, "socket"))
				ruled = eq_rules(&argrules, r, "address family");
			else if (!strcmp(r->name, "personality"))
				ruled = eq_rules(&argrules, r, "persona");
			else if (!strcmp(r->name, "unshare"))
				ruled = mask_rule(&argrules, "unshare", 0, &r->vals[0], GEN_UNSHARE_NS_MASK, &trivial);
		}
		if (!ruled)
			rule_name(plain, r->name);
	}
	/* clone needed only as clone3's fallback */
	if (clone_ruled && !clone) {
		cp_autofree char *c = cp_steal_pointer(&argrules.v[0].comment);

		argrules.v[0].comment = cp_xasprintf("%s (clone3 falls back to it)", c);
	}

	if (o->runtime) {
		const struct gen_runtime *g = o->runtime;

		for (size_t i = 0; i < g->n_with + (o->nnp_only ? 0 : g->n_without); i++) {
			const char *name = i < g->n_with ? g->with_nnp[i] : g->without_nnp[i - g->n_with];

			if (names_find(&ns, name))
				continue;
			/* with_nnp and without_nnp overlap: add once */
			if (rt->nnames && bsearch(&name, rt->names, rt->nnames, sizeof(char *), cmp_str))
				continue;
			rule_name(rt, name);
			qsort(rt->names, rt->nnames, sizeof(char *), cmp_str);
		}
	}

	/*
	 * A capability verify --minimize found tolerated only with some more
	 * syscalls (its other path's), and not granted here (gen_emit's view
	 * clears its hits): allow those instead.
	 */
	for (int c = 0; c < CP_MAX_CAP; c++) {
		const struct cp_capuse *u = &rec->caps[c];
		struct gen_rule *g = NULL;

		if (u->hits || u->verdict != CP_VERDICT_TOLERATED || !u->ntrade)
			continue;
		for (size_t i = 0; i < u->ntrade; i++) {
			const char *name = u->trade[i];

			if (names_find(&ns, name) || in_runtime(o, name) || !known_name(p, name))
				continue;
			if (!g)
				g = rule_new(&argrules, true, 0,
					     cp_xasprintf("CAP_%s not granted (tolerated): the path taken without it",
							  cp_cap_name(c) ? cp_cap_name(c) : "?"));
			rule_name(g, name);
		}
	}

	if (o->with_reachable && o->reach)
		add_reachable(&rs, &argrules, p, o, &ns);

	for (size_t i = 0; i < gen_enosys_count; i++) {
		const char *name = gen_enosys_list[i].name;

		if (names_find(&ns, name) || in_runtime(o, name) || !known_name(p, name))
			continue;
		if (!enosys)
			enosys = rule_new(&argrules, false, GEN_ENOSYS,
					  cp_xstrdup("not recorded; callers fall back only on ENOSYS "
						     "(docs/formats.md)"));
		rule_name(enosys, name);
	}

	if (plain->nnames)
		qsort(plain->names, plain->nnames, sizeof(char *), cmp_str);
	for (size_t i = 0; i < argrules.n; i++) {
		struct gen_rule *g = rule_new(&rs, argrules.v[i].allow, argrules.v[i].errno_ret, NULL);

		*g = argrules.v[i];
		qsort(g->names, g->nnames, sizeof(char *), cmp_str);
	}
	free(argrules.v);
	names_free(&ns);

	/* Drop empty entries: a profile with an empty names list is rejected by some loaders. */
	p->nrules = 0;
	p->rules = rs.v;
	for (size_t i = 0; i < rs.n; i++) {
		if (!rs.v[i].nnames) {
			free(rs.v[i].comment);
			free(rs.v[i].names);
			continue;
		}
		p->rules[p->nrules++] = rs.v[i];
	}
	*out = p;
	return 0;
}

void gen_policy_free(struct gen_policy *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->nrules; i++) {
		for (size_t k = 0; k < p->rules[i].nnames; k++)
			free(p->rules[i].names[k]);
		free(p->rules[i].names);
		free(p->rules[i].comment);
	}
	free(p->rules);
	free(p);
}

size_t gen_policy_remove_allowed(struct gen_policy *p, const char *const *names, size_t n)
{
	size_t k = 0, removed = 0;

	for (size_t i = 0; i < p->nrules; i++) {
		struct gen_rule *r = &p->rules[i];
		size_t m = 0;

		for (size_t j = 0; j < r->nnames; j++) {
			bool drop = false;

			for (size_t d = 0; r->allow && d < n && !drop; d++)
				drop = !strcmp(names[d], r->names[j]);
			if (drop) {
				free(r->names[j]);
				removed++;
			} else {
				r->names[m++] = r->names[j];
			}
		}
		r->nnames = m;
		if (!m) {
			free(r->names);
			free(r->comment);
			continue;
		}
		p->rules[k++] = *r;
	}
	p->nrules = k;
	return removed;
}
