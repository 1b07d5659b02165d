// SPDX-License-Identifier: MIT
/*
 * emit --arch: turn a recording made on one machine (x86_64, usually) into
 * profiles for the architectures it will be deployed to. Mapping is by
 * meaning, not by name: arm64, riscv64 and loongarch64 use the kernel's
 * asm-generic syscall table, which has no open, stat, fork, pipe, poll...;
 * their C library calls openat, newfstatat, clone, pipe2, ppoll instead.
 * A call the target knows keeps its name (and its argument values); one it
 * lacks becomes what the target's glibc calls in its place (tables below,
 * each entry with its source); an x86-only call is dropped with a note.
 * docs/formats.md ("Other architectures") describes it for users.
 */
#include "generator/gen.h"
#include "common/names.h"
#include "common/util.h"

#include <errno.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>

/*
 * Docker's archMap (moby profiles/seccomp/default.json, the same in
 * shared/reference/docker-default-seccomp.json): each main architecture
 * with the sub-architectures a filter on that machine also covers. goarch
 * is Go's name for the machine: Docker and Podman (containers/common)
 * match includes.arches against runtime.GOARCH. compat32 is where i386
 * calls of a recording go. The n32 entries have no Go port of their own;
 * they share their n64 sibling's rules.
 */
static const struct {
	const char *arch, *goarch, *sub[2], *compat32;
} families[] = {
	{ "x86_64", "amd64", { "x86", "x32" }, "x86" },
	{ "aarch64", "arm64", { "arm" }, "arm" },
	{ "mips64", "mips64", { "mips", "mips64n32" }, "mips" },
	{ "mips64n32", "mips64", { "mips", "mips64" }, "mips" },
	{ "mipsel64", "mips64le", { "mipsel", "mipsel64n32" }, "mipsel" },
	{ "mipsel64n32", "mips64le", { "mipsel", "mipsel64" }, "mipsel" },
	{ "s390x", "s390x", { "s390" }, "s390" },
	{ "riscv64", "riscv64", { NULL }, NULL },
	{ "loongarch64", "loong64", { NULL }, NULL },
};

/* Other spellings users type: Go/Debian names and Docker's. */
static const struct {
	const char *alias, *arch;
} arch_aliases[] = {
	{ "amd64", "x86_64" },	    { "x86-64", "x86_64" },	  { "arm64", "aarch64" },
	{ "mips64le", "mipsel64" }, { "loong64", "loongarch64" },
};

/*
 * Calls the target may lack, and what its C library calls instead. to[]
 * are alternatives, the first the target knows wins; also is a second call
 * the replacement makes. Sources: glibc sysdeps/unix/sysv/linux/NAME.c, the
 * generic implementations used when __NR_<name> is not defined, and the
 * kernel's include/uapi/asm-generic/unistd.h (which calls exist, by the
 * __ARCH_WANT_* switches arm64, riscv and loongarch set). clone_flags:
 * the flags glibc passes to clone for fork/vfork, carried as a recorded
 * value of clone's argument 0 (the flags are argument 0 on x86_64 and on
 * arm64 alike; CONFIG_CLONE_BACKWARDS swaps only tls and child_tid).
 */
static const struct archmap_entry {
	const char *from;
	const char *to[3];
	const char *also;
	uint64_t clone_flags;
	const char *source;
} archmap[] = {
	{ "access", { "faccessat" }, NULL, 0, "glibc access.c: faccessat(AT_FDCWD, path, mode, 0)" },
	{ "alarm", { "setitimer" }, NULL, 0, "glibc alarm.c: setitimer(ITIMER_REAL)" },
	{ "chmod", { "fchmodat" }, NULL, 0, "glibc chmod.c: fchmodat(AT_FDCWD, path, mode, 0)" },
	{ "chown", { "fchownat" }, NULL, 0, "glibc chown.c: fchownat(AT_FDCWD, path, uid, gid, 0)" },
	{ "creat", { "openat" }, NULL, 0, "glibc creat64.c: open(O_CREAT|O_WRONLY|O_TRUNC), that is openat" },
	{ "dup2", { "dup3" }, "fcntl", 0, "glibc dup2.c: dup3(fd, fd2, 0), fcntl(F_GETFL) when fd == fd2" },
	{ "epoll_create", { "epoll_create1" }, NULL, 0, "glibc epoll_create.c: epoll_create1(0)" },
	{ "epoll_wait", { "epoll_pwait" }, NULL, 0, "glibc epoll_wait.c: epoll_pwait(..., NULL)" },
	{ "eventfd", { "eventfd2" }, NULL, 0, "glibc eventfd.c: eventfd2(count, flags)" },
	/* asm-generic: fstat only with __ARCH_WANT_NEW_STAT (not loongarch64) */
	{ "fstat", { "newfstatat", "statx" }, NULL, 0, "glibc fstat64.c: fstatat64(fd, \"\", AT_EMPTY_PATH)" },
	{ "fork",
	  { "clone" },
	  NULL,
	  0x01200011,
	  "glibc arch-fork.h: clone(CLONE_CHILD_SETTID|CLONE_CHILD_CLEARTID|SIGCHLD)" },
	{ "futimesat", { "utimensat" }, NULL, 0, "glibc futimesat.c: utimensat" },
	{ "getdents", { "getdents64" }, NULL, 0, "glibc getdents.c: getdents64 where __NR_getdents is absent" },
	{ "getpgrp", { "getpgid" }, NULL, 0, "glibc getpgrp.c: getpgid(0)" },
	{ "inotify_init", { "inotify_init1" }, NULL, 0, "glibc inotify_init.c: inotify_init1(0)" },
	{ "lchown",
	  { "fchownat" },
	  NULL,
	  0,
	  "glibc lchown.c: fchownat(AT_FDCWD, path, uid, gid, AT_SYMLINK_NOFOLLOW)" },
	{ "link", { "linkat" }, NULL, 0, "glibc link.c: linkat(AT_FDCWD, ..., AT_FDCWD, ..., 0)" },
	{ "lstat",
	  { "newfstatat", "statx" },
	  NULL,
	  0,
	  "glibc lstat64.c: fstatat64(AT_FDCWD, path, AT_SYMLINK_NOFOLLOW)" },
	{ "mkdir", { "mkdirat" }, NULL, 0, "glibc mkdir.c: mkdirat(AT_FDCWD, path, mode)" },
	{ "mknod", { "mknodat" }, NULL, 0, "glibc mknod.c: mknodat(AT_FDCWD, path, mode, dev)" },
	{ "open", { "openat" }, NULL, 0, "glibc open64.c: openat(AT_FDCWD, path, flags, mode)" },
	{ "pause", { "rt_sigsuspend" }, "rt_sigprocmask", 0, "glibc pause.c: sigprocmask then sigsuspend" },
	{ "pipe", { "pipe2" }, NULL, 0, "glibc pipe.c: pipe2(fds, 0)" },
	{ "poll", { "ppoll" }, NULL, 0, "glibc poll.c: ppoll with a timespec" },
	{ "readlink", { "readlinkat" }, NULL, 0, "glibc readlink.c: readlinkat(AT_FDCWD, ...)" },
	/* asm-generic: renameat only with __ARCH_WANT_RENAMEAT (arm64 yes, riscv64 no) */
	{ "rename", { "renameat", "renameat2" }, NULL, 0, "glibc rename.c: renameat, else renameat2(..., 0)" },
	{ "renameat", { "renameat2" }, NULL, 0, "glibc renameat.c: renameat2(..., 0) where renameat is absent" },
	{ "rmdir", { "unlinkat" }, NULL, 0, "glibc rmdir.c: unlinkat(AT_FDCWD, path, AT_REMOVEDIR)" },
	{ "select", { "pselect6" }, NULL, 0, "glibc select.c: pselect6 where __NR_select is absent" },
	{ "signalfd", { "signalfd4" }, NULL, 0, "glibc signalfd.c: signalfd4(fd, mask, 8, flags)" },
	{ "stat", { "newfstatat", "statx" }, NULL, 0, "glibc stat64.c: fstatat64(AT_FDCWD, path, 0)" },
	{ "symlink", { "symlinkat" }, NULL, 0, "glibc symlink.c: symlinkat(from, AT_FDCWD, to)" },
	{ "time", { "clock_gettime" }, NULL, 0, "glibc time.c: clock_gettime(CLOCK_REALTIME) (vDSO first)" },
	{ "unlink", { "unlinkat" }, NULL, 0, "glibc unlink.c: unlinkat(AT_FDCWD, path, 0)" },
	{ "utime", { "utimensat" }, NULL, 0, "glibc utime.c: utimensat(AT_FDCWD, ...)" },
	{ "utimes", { "utimensat" }, NULL, 0, "glibc utimes.c: utimensat(AT_FDCWD, ...)" },
	{ "vfork", { "clone" }, NULL, 0x00004111, "glibc vfork.c (generic): clone(CLONE_VM|CLONE_VFORK|SIGCHLD)" },
};

/*
 * Calls the target lacks and nothing replaces: dropped, with the reason in
 * the profile's comment and on stderr. Source: arch/x86/entry/syscalls/
 * syscall_64.tbl against asm-generic/unistd.h.
 */
static const struct {
	const char *name, *why;
} dropped[] = {
	{ "_sysctl", "removed in Linux 5.5; always ENOSYS" },
	{ "afs_syscall", "never implemented (ENOSYS)" },
	{ "arch_prctl", "x86 only: sets the FS/GS base; arm64 and riscv keep the thread pointer in a register" },
	{ "create_module", "removed in Linux 2.6; always ENOSYS" },
	{ "epoll_ctl_old", "x86-64 only, never implemented (ENOSYS)" },
	{ "epoll_wait_old", "x86-64 only, never implemented (ENOSYS)" },
	{ "get_kernel_syms", "removed in Linux 2.6; always ENOSYS" },
	{ "get_thread_area", "x86 TLS descriptors; no counterpart in asm-generic" },
	{ "getpmsg", "never implemented (ENOSYS)" },
	{ "ioperm", "x86 only: I/O port permissions" },
	{ "kexec_file_load", "not wired up on every architecture (none on mips); kexec_load is the older call" },
	{ "memfd_secret", "not wired up on every architecture (none on mips, ppc)" },
	{ "iopl", "x86 only: I/O privilege level" },
	{ "modify_ldt", "x86 only: local descriptor table" },
	{ "putpmsg", "never implemented (ENOSYS)" },
	{ "query_module", "removed in Linux 2.6; always ENOSYS" },
	{ "security", "never implemented (ENOSYS)" },
	{ "set_thread_area", "x86 TLS descriptors; no counterpart in asm-generic" },
	{ "sysfs", "obsolete; not in asm-generic and no C library calls it" },
	{ "tuxcall", "never implemented (ENOSYS)" },
	{ "uselib", "obsolete a.out loader; not in asm-generic" },
	{ "ustat", "obsolete; glibc >= 2.28 no longer provides it" },
	{ "vserver", "never implemented (ENOSYS)" },
};

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static uint32_t tok(const char *name)
{
	return name ? cp_arch_from_name(name) : 0;
}

/* The families libseccomp knows, built once from the table. */
static const struct gen_family *family_table(size_t *n)
{
	static struct gen_family fams[CP_ARRAY_SIZE(families)];
	static size_t nfams;

	if (!nfams) {
		for (size_t i = 0; i < CP_ARRAY_SIZE(families); i++) {
			struct gen_family *f = &fams[nfams];

			f->arch = tok(families[i].arch);
			/* libseccomp 2.5 has no loongarch64 */
			if (!f->arch)
				continue;
			f->goarch = families[i].goarch;
			f->compat32 = tok(families[i].compat32);
			for (size_t k = 0; k < CP_ARRAY_SIZE(families[i].sub); k++)
				if (tok(families[i].sub[k]))
					f->sub[f->nsub++] = tok(families[i].sub[k]);
			nfams++;
		}
	}
	*n = nfams;
	return fams;
}

const struct gen_family *gen_arch_family(uint32_t arch)
{
	size_t n;
	const struct gen_family *f = family_table(&n);

	for (size_t i = 0; i < n; i++)
		if (f[i].arch == arch)
			return &f[i];
	return NULL;
}

static void target_add(uint32_t *out, size_t max, size_t *n, uint32_t t)
{
	for (size_t i = 0; i < *n; i++)
		if (out[i] == t)
			return;
	if (*n < max)
		out[(*n)++] = t;
}

/* Position in the family table: output follows Docker's order, not the user's. */
static size_t family_pos(uint32_t arch)
{
	size_t n;
	const struct gen_family *f = family_table(&n);

	for (size_t i = 0; i < n; i++)
		if (f[i].arch == arch)
			return i;
	return n;
}

static int cmp_family_pos(const void *a, const void *b)
{
	size_t x = family_pos(*(const uint32_t *)a), y = family_pos(*(const uint32_t *)b);

	return x < y ? -1 : x > y;
}

int gen_arch_targets_parse(const char *list, uint32_t *out, size_t max, size_t *n, struct cp_err *err)
{
	cp_autofree char *copy = cp_xstrdup(list);
	char *save = NULL;
	size_t nf;
	const struct gen_family *fams = family_table(&nf);

	*n = 0;
	for (char *w = strtok_r(copy, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
		const char *name = w;
		uint32_t t;

		if (!strcmp(w, "all")) {
			for (size_t i = 0; i < nf; i++)
				target_add(out, max, n, fams[i].arch);
			continue;
		}
		for (size_t i = 0; i < CP_ARRAY_SIZE(arch_aliases); i++)
			if (!strcmp(arch_aliases[i].alias, w))
				name = arch_aliases[i].arch;
		t = cp_arch_from_name(name);
		if (!t)
			t = cp_arch_from_docker_name(name);
		if (!t || !gen_arch_family(t)) {
			return cp_fail(err, -EINVAL,
				       "\"%.64s\" is not a target architecture (x86_64, aarch64, mips64, mipsel64, "
				       "s390x, riscv64, their 32-bit halves come along; or all)",
				       w);
		}
		target_add(out, max, n, t);
	}
	if (!*n)
		return cp_fail(err, -EINVAL, "empty architecture list");
	qsort(out, *n, sizeof(*out), cmp_family_pos);
	return 0;
}

bool gen_arch_knows(uint32_t arch, const char *name)
{
	int nr = seccomp_syscall_resolve_name_arch(arch, name);

	/*
	 * Negative numbers are libseccomp's pseudo-syscalls: -101..-120 and
	 * -201..-224 are the socket and SysV IPC calls it filters through
	 * socketcall/ipc on s390x and friends (real calls there); -10000
	 * and below name a call the architecture does not have.
	 */
	return nr >= 0 || (nr <= -101 && nr >= -299);
}

static const struct archmap_entry *map_find(const char *name)
{
	for (size_t i = 0; i < CP_ARRAY_SIZE(archmap); i++)
		if (!strcmp(archmap[i].from, name))
			return &archmap[i];
	return NULL;
}

size_t gen_arch_map_name(const char *name, uint32_t target, const char **out, const char **why)
{
	const struct archmap_entry *e;
	size_t n = 0;

	*why = NULL;
	if (gen_arch_knows(target, name)) {
		out[0] = name;
		return 1;
	}
	e = map_find(name);
	for (size_t i = 0; e && i < CP_ARRAY_SIZE(e->to) && e->to[i] && !n; i++)
		if (gen_arch_knows(target, e->to[i]))
			out[n++] = e->to[i];
	if (n && e->also && gen_arch_knows(target, e->also))
		out[n++] = e->also;
	if (n)
		return n;
	for (size_t i = 0; i < CP_ARRAY_SIZE(dropped); i++)
		if (!strcmp(dropped[i].name, name))
			*why = dropped[i].why;
	if (!*why)
		*why = "the target has no such call and no replacement is known";
	return 0;
}

/* A sorted, unique list of strings. */
static void strv_add(char ***v, size_t *n, char *s)
{
	for (size_t i = 0; i < *n; i++) {
		if (!strcmp((*v)[i], s)) {
			free(s);
			return;
		}
	}
	*v = cp_xreallocarray(*v, *n + 1, sizeof(**v));
	(*v)[(*n)++] = s;
	qsort(*v, *n, sizeof(**v), cmp_str);
}

void gen_archmap_result_clear(struct gen_archmap_result *r)
{
	cp_strv_free_n(r->mapped, r->nmapped);
	cp_strv_free_n(r->dropped, r->ndropped);
	cp_strv_free_n(r->added, r->nadded);
	memset(r, 0, sizeof(*r));
}

static bool strv_has(char *const *v, size_t n, const char *s)
{
	return n && bsearch(&s, v, n, sizeof(*v), cmp_str);
}

/* Where calls of a recorded architecture go on family f: 0 when nowhere. */
static uint32_t map_arch(uint32_t from, const struct gen_family *f)
{
	size_t n;
	const struct gen_family *fams = family_table(&n);

	if (from == f->arch || from == f->compat32)
		return from;
	for (size_t i = 0; i < n; i++)
		if (fams[i].compat32 == from)
			return f->compat32;
	/* 64-bit ABIs, x32 included (it uses the x86_64 names) */
	return f->arch;
}

struct cp_rec *gen_arch_map_rec(const struct cp_rec *rec, const struct gen_family *f, struct gen_archmap_result *res)
{
	struct cp_rec *out = rec_new();
	char **kept = NULL, **added = NULL;
	size_t nkept = 0, nadded = 0;

	out->uid = rec->uid;
	out->gid = rec->gid;
	for (size_t i = 0; i < rec->narch; i++) {
		const struct cp_arch *a = &rec->arch[i];
		uint32_t to = map_arch(a->token, f);

		for (uint32_t nr = 0; nr < a->nsys; nr++) {
			const struct cp_sys *s = a->sys[nr];
			const char *name = s ? cp_syscall_name(a->token, nr) : NULL;
			const char *outn[4], *why = NULL;
			size_t n;

			if (!name)
				continue;
			if (!to) {
				strv_add(&res->dropped, &res->ndropped,
					 cp_xasprintf("%s (%s call; %s has no 32-bit ABI)", name,
						      cp_arch_name(a->token), cp_arch_name(f->arch)));
				continue;
			}
			n = gen_arch_map_name(name, to, outn, &why);
			if (!n)
				strv_add(&res->dropped, &res->ndropped, cp_xasprintf("%s (%s)", name, why));
			for (size_t k = 0; k < n; k++) {
				const struct archmap_entry *e = map_find(name);
				int tnr = cp_syscall_nr(to, outn[k]);
				struct cp_sys *d;

				if (tnr < 0)
					continue;
				d = rec_sys(rec_arch(out, to), (uint32_t)tnr);
				d->count += s->count;
				if (outn[k] == name) {
					/* the same call: its arguments mean the same, at the same index */
					for (int v = 0; v < CP_NARGS; v++) {
						for (uint32_t j = 0; j < s->vals[v].n; j++)
							rec_valset_add(&d->vals[v], s->vals[v].v[j]);
						d->vals[v].overflow |= s->vals[v].overflow;
					}
					strv_add(&kept, &nkept, cp_xstrdup(name));
					continue;
				}
				/* a replacement: arguments move (open's path is openat's second), none carried */
				if (e && e->clone_flags && !strcmp(outn[k], "clone"))
					rec_valset_add(&d->vals[0], e->clone_flags);
				strv_add(&res->mapped, &res->nmapped, cp_xasprintf("%s -> %s", name, outn[k]));
				strv_add(&added, &nadded, cp_xstrdup(outn[k]));
			}
		}
	}
	for (size_t i = 0; i < nadded; i++) {
		if (strv_has(kept, nkept, added[i]))
			free(added[i]);
		else
			strv_add(&res->added, &res->nadded, added[i]);
	}
	free(added);
	cp_strv_free_n(kept, nkept);
	return out;
}

/* The runtime's measured calls, mapped the same way (they were measured on x86_64). */
static struct gen_runtime *map_runtime(const struct gen_runtime *rt, uint32_t target)
{
	struct gen_runtime *m = cp_xcalloc(1, sizeof(*m));
	char ***lists[2] = { &m->with_nnp, &m->without_nnp };
	size_t *counts[2] = { &m->n_with, &m->n_without };

	m->name = cp_xstrdup(rt->name);
	m->measured = rt->measured ? cp_xstrdup(rt->measured) : NULL;
	for (int l = 0; l < 2; l++) {
		char *const *src = l ? rt->without_nnp : rt->with_nnp;
		size_t nsrc = l ? rt->n_without : rt->n_with;

		for (size_t i = 0; i < nsrc; i++) {
			const char *outn[4], *why;
			size_t n = gen_arch_map_name(src[i], target, outn, &why);

			for (size_t k = 0; k < n; k++)
				strv_add(lists[l], counts[l], cp_xstrdup(outn[k]));
		}
	}
	return m;
}

/* Rules of several targets that mean the same: same action, arguments and comment. */
static bool same_rule(const struct gen_rule *a, const struct gen_rule *b)
{
	if (a->allow != b->allow || a->errno_ret != b->errno_ret || a->nargs != b->nargs ||
	    a->recorded != b->recorded || a->unobserved != b->unobserved || !a->comment != !b->comment ||
	    (a->comment && strcmp(a->comment, b->comment)))
		return false;
	for (size_t i = 0; i < a->nargs; i++)
		if (a->args[i].index != b->args[i].index || a->args[i].value != b->args[i].value ||
		    a->args[i].value_two != b->args[i].value_two || strcmp(a->args[i].op, b->args[i].op))
			return false;
	return true;
}

struct merge_name {
	char *name;
	unsigned mask; /* bit t: target t has it */
};

struct merge_group {
	struct gen_rule proto; /* names unused */
	struct merge_name *names;
	size_t nnames;
};

static void group_add(struct merge_group *g, const char *name, unsigned bit)
{
	for (size_t i = 0; i < g->nnames; i++) {
		if (!strcmp(g->names[i].name, name)) {
			g->names[i].mask |= bit;
			return;
		}
	}
	g->names = cp_xreallocarray(g->names, g->nnames + 1, sizeof(*g->names));
	g->names[g->nnames++] = (struct merge_name){ cp_xstrdup(name), bit };
}

/* Move the names a replacement brought in out of the "recorded" rule into a rule that says so. */
static void split_mapped(struct gen_policy *p, const struct gen_archmap_result *res, uint32_t target)
{
	struct gen_rule *rec, *m;
	struct cp_buf c = { 0 };
	size_t at = p->nrules;

	for (size_t i = 0; i < p->nrules; i++)
		if (p->rules[i].recorded)
			at = i;
	if (at == p->nrules || !res->nadded)
		return;
	/* right after the recorded rule */
	p->rules = cp_xreallocarray(p->rules, p->nrules + 1, sizeof(*p->rules));
	memmove(&p->rules[at + 2], &p->rules[at + 1], (p->nrules - at - 1) * sizeof(*p->rules));
	p->nrules++;
	rec = &p->rules[at];
	m = &p->rules[at + 1];
	memset(m, 0, sizeof(*m));
	m->allow = true;
	for (size_t i = 0; i < rec->nnames;) {
		if (strv_has(res->added, res->nadded, rec->names[i])) {
			m->names = cp_xreallocarray(m->names, m->nnames + 1, sizeof(*m->names));
			m->names[m->nnames++] = rec->names[i];
			memmove(&rec->names[i], &rec->names[i + 1], (rec->nnames - i - 1) * sizeof(*rec->names));
			rec->nnames--;
			continue;
		}
		i++;
	}
	cp_buf_printf(&c, "recorded, mapped to %s by meaning (generator/archmap.c):", cp_arch_name(target));
	for (size_t i = 0; i < res->nmapped; i++)
		cp_buf_printf(&c, "%s %s", i ? "," : "", res->mapped[i]);
	for (size_t i = 0; i < res->ndropped; i++) {
		/* the name only: the reason is in the table and on stderr */
		const char *sp = strchr(res->dropped[i], ' ');

		cp_buf_printf(&c, "%s%.*s", i ? ", " : "; dropped: ", sp ? (int)(sp - res->dropped[i]) : 64,
			      res->dropped[i]);
	}
	m->comment = c.data;
}

/*
 * Calls the kernel's vDSO answers without a syscall where it can: a
 * recording never sees them, but a machine whose clock source the vDSO
 * cannot read (several arm64 timers with errata, some hypervisors,
 * qemu-user) makes them as real syscalls. Sources: arch/x86/entry/vdso/
 * vclock_gettime.c, arch/arm64/kernel/vdso/vdso.lds.S, arch/riscv/kernel/
 * vdso/vdso.lds.S, arch/s390/kernel/vdso64/vdso64.lds.S.
 */
static const char *const vdso_calls[] = { "clock_getres", "clock_gettime", "getcpu", "gettimeofday", "time" };

static bool policy_allows(const struct gen_policy *p, const char *name)
{
	for (size_t i = 0; i < p->nrules; i++)
		for (size_t k = 0; p->rules[i].allow && k < p->rules[i].nnames; k++)
			if (!strcmp(p->rules[i].names[k], name))
				return true;
	return false;
}

static void add_vdso(struct gen_policy *p, uint32_t target)
{
	struct gen_rule *r = NULL;

	for (size_t i = 0; i < CP_ARRAY_SIZE(vdso_calls); i++) {
		if (!gen_arch_knows(target, vdso_calls[i]) || policy_allows(p, vdso_calls[i]))
			continue;
		if (!r) {
			p->rules = cp_xreallocarray(p->rules, p->nrules + 1, sizeof(*p->rules));
			r = &p->rules[p->nrules++];
			memset(r, 0, sizeof(*r));
			r->allow = true;
			r->comment = cp_xstrdup("vDSO calls, never seen as syscalls while recording: a machine whose "
						"clock source the vDSO cannot read makes them as syscalls");
		}
		r->names = cp_xreallocarray(r->names, r->nnames + 1, sizeof(*r->names));
		r->names[r->nnames++] = cp_xstrdup(vdso_calls[i]);
	}
}

static int cmp_mask(const void *a, const void *b)
{
	unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;

	return x < y ? -1 : x > y;
}

static int cmp_arch_docker(const void *a, const void *b)
{
	return strcmp(cp_arch_docker_name(*(const uint32_t *)a), cp_arch_docker_name(*(const uint32_t *)b));
}

static void policy_arch_add(struct gen_policy *p, uint32_t t)
{
	for (size_t i = 0; i < p->narch; i++)
		if (p->arches[i] == t)
			return;
	if (t && cp_arch_docker_name(t) && p->narch < GEN_MAX_ARCH)
		p->arches[p->narch++] = t;
}

int gen_policy_build_arches(const struct cp_rec *rec, const struct gen_opts *o, struct gen_policy **out)
{
	struct gen_policy *p = cp_xcalloc(1, sizeof(*p));
	const struct gen_family *tf[GEN_MAX_FAMILY];
	struct merge_group *groups = NULL;
	size_t ngroups = 0, nt = 0;
	struct cp_buf notes = { 0 };
	char **dnotes = NULL;
	size_t ndnotes = 0;

	p->complain = o->complain;
	/* One policy per Go machine name: n32 families share their n64 sibling's rules. */
	for (size_t i = 0; i < o->ntargets && p->nfam < GEN_MAX_FAMILY; i++) {
		const struct gen_family *f = gen_arch_family(o->targets[i]);
		bool shared = false;

		if (!f)
			continue;
		p->fams[p->nfam++] = *f;
		policy_arch_add(p, f->arch);
		for (size_t k = 0; k < f->nsub; k++)
			policy_arch_add(p, f->sub[k]);
		for (size_t k = 0; k < nt; k++)
			shared |= !strcmp(tf[k]->goarch, f->goarch);
		if (!shared)
			tf[nt++] = f;
	}
	qsort(p->arches, p->narch, sizeof(*p->arches), cmp_arch_docker);

	for (size_t t = 0; t < nt; t++) {
		struct gen_archmap_result res = { 0 };
		struct cp_rec *mrec = gen_arch_map_rec(rec, tf[t], &res);
		struct gen_runtime *mrt = o->runtime ? map_runtime(o->runtime, tf[t]->arch) : NULL;
		struct gen_opts so = *o;
		struct gen_policy *pt = NULL;

		so.runtime = mrt;
		so.targets = NULL;
		so.ntargets = 0;
		gen_policy_build(mrec, &so, &pt);
		split_mapped(pt, &res, tf[t]->arch);
		add_vdso(pt, tf[t]->arch);
		for (size_t i = 0; i < res.ndropped; i++)
			strv_add(&dnotes, &ndnotes,
				 cp_xasprintf("%s: dropped %s", cp_arch_name(tf[t]->arch), res.dropped[i]));
		for (size_t i = 0; i < pt->nrules; i++) {
			struct merge_group *g = NULL;

			for (size_t k = 0; k < ngroups && !g; k++)
				if (same_rule(&groups[k].proto, &pt->rules[i]))
					g = &groups[k];
			if (!g) {
				groups = cp_xreallocarray(groups, ngroups + 1, sizeof(*groups));
				g = &groups[ngroups++];
				memset(g, 0, sizeof(*g));
				g->proto = pt->rules[i];
				g->proto.names = NULL;
				g->proto.nnames = 0;
				g->proto.comment = pt->rules[i].comment ? cp_xstrdup(pt->rules[i].comment) : NULL;
			}
			for (size_t k = 0; k < pt->rules[i].nnames; k++)
				group_add(g, pt->rules[i].names[k], 1u << t);
		}
		gen_policy_free(pt);
		gen_runtime_free(mrt);
		rec_free(mrec);
		gen_archmap_result_clear(&res);
	}

	/* Each group becomes one rule per set of machines, the one for all of them first. */
	for (size_t gi = 0; gi < ngroups; gi++) {
		struct merge_group *g = &groups[gi];
		unsigned masks[64] = { 0 }, full = (1u << nt) - 1;
		size_t nm = 0;

		for (size_t k = 0; k < g->nnames; k++) {
			bool seen = false;

			for (size_t m = 0; m < nm; m++)
				seen |= masks[m] == g->names[k].mask;
			if (!seen && nm < CP_ARRAY_SIZE(masks))
				masks[nm++] = g->names[k].mask;
		}
		qsort(masks, nm, sizeof(*masks), cmp_mask);
		for (size_t m = 0; m < nm; m++) {
			/* the full mask sorts last; emit it first */
			unsigned mask = masks[(m + (masks[nm - 1] == full ? nm - 1 : 0)) % nm];
			struct gen_rule *r;

			p->rules = cp_xreallocarray(p->rules, p->nrules + 1, sizeof(*p->rules));
			r = &p->rules[p->nrules++];
			*r = g->proto;
			r->names = NULL;
			r->nnames = 0;
			r->comment = g->proto.comment ? cp_xstrdup(g->proto.comment) : NULL;
			for (size_t k = 0; k < g->nnames; k++) {
				if (g->names[k].mask != mask)
					continue;
				r->names = cp_xreallocarray(r->names, r->nnames + 1, sizeof(*r->names));
				r->names[r->nnames++] = cp_xstrdup(g->names[k].name);
			}
			if (r->nnames > 1)
				qsort(r->names, r->nnames, sizeof(*r->names), cmp_str);
			if (mask != full)
				for (size_t t = 0; t < nt; t++)
					if (mask & (1u << t))
						r->only[r->nonly++] = tf[t]->goarch;
		}
		for (size_t k = 0; k < g->nnames; k++)
			free(g->names[k].name);
		free(g->names);
		free(g->proto.comment);
	}
	free(groups);
	for (size_t i = 0; i < ndnotes; i++)
		cp_buf_printf(&notes, "%s\n", dnotes[i]);
	cp_strv_free_n(dnotes, ndnotes);
	if (o->notes)
		*o->notes = notes.data;
	else
		cp_buf_free(&notes);
	*out = p;
	return 0;
}
