// SPDX-License-Identifier: MIT
/*
 * Reachable but never exercised: read each recorded executable's dynamic
 * imports and those of the shared libraries it needs (DT_NEEDED, resolved
 * as the loader would: DT_RPATH/DT_RUNPATH with $ORIGIN, /etc/ld.so.conf
 * and its includes, the default directories), map the C library functions
 * among them to syscalls with reach_table.c, and subtract what the
 * recording saw. The C library's own exports are not counted: only what
 * the program and its other libraries import from it.
 *
 * This reads the files as they are now, at emit/explain time (the
 * recording keeps their paths): a file replaced or removed since, or a
 * recording made inside a container, is reported per executable rather
 * than guessed at. docs/coverage.md.
 */
#include "generator/reach.h"
#include "common/names.h"
#include "common/elf.h"
#include "common/util.h"
#include "generator/gen.h"

#include <cjson/cJSON.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <gelf.h>
#include <glob.h>
#include <libelf.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define REACH_MAX_LIBS 512 /* per executable; a real program needs far fewer */

/* ---- the table, sorted once for lookup ---- */

static const struct reach_fn **sorted_table;

static int cmp_fn(const void *a, const void *b)
{
	return strcmp((*(const struct reach_fn *const *)a)->fn, (*(const struct reach_fn *const *)b)->fn);
}

const struct reach_fn *reach_lookup(const char *fn)
{
	struct reach_fn key = { .fn = fn };
	const struct reach_fn *kp = &key, **hit;

	if (!sorted_table) {
		sorted_table = cp_xcalloc(reach_table_len, sizeof(*sorted_table));
		for (size_t i = 0; i < reach_table_len; i++)
			sorted_table[i] = &reach_table[i];
		qsort(sorted_table, reach_table_len, sizeof(*sorted_table), cmp_fn);
	}
	hit = bsearch(&kp, sorted_table, reach_table_len, sizeof(*sorted_table), cmp_fn);
	return hit ? *hit : NULL;
}

/*
 * Risk of a syscall the run never made, for sorting what to look at first.
 * High: changes privilege, namespaces, mounts, the kernel, or reaches into
 * other processes (capabilities(7), namespaces(7), Docker's default profile
 * gates nearly all of these behind a capability). Medium: starts programs,
 * talks to the network, changes the file system or other processes'
 * scheduling. Everything else is low: it reads state, waits, or manages the
 * caller's own memory and descriptors.
 */
static const char *const risk_high[] = {
	"acct",
	"add_key",
	"adjtimex",
	"bpf",
	"capset",
	"chroot",
	"clock_adjtime",
	"clock_settime",
	"delete_module",
	"finit_module",
	"fsconfig",
	"fsmount",
	"fsopen",
	"fspick",
	"init_module",
	"ioperm",
	"iopl",
	"kexec_file_load",
	"kexec_load",
	"keyctl",
	"lookup_dcookie",
	"mount",
	"mount_setattr",
	"move_mount",
	"name_to_handle_at",
	"open_by_handle_at",
	"open_tree",
	"perf_event_open",
	"personality",
	"pidfd_getfd",
	"pivot_root",
	"process_vm_readv",
	"process_vm_writev",
	"ptrace",
	"quotactl",
	"reboot",
	"request_key",
	"setdomainname",
	"setfsgid",
	"setfsuid",
	"setgid",
	"setgroups",
	"sethostname",
	"setns",
	"setregid",
	"setresgid",
	"setresuid",
	"setreuid",
	"settimeofday",
	"setuid",
	"swapoff",
	"swapon",
	"syslog",
	"umount",
	"umount2",
	"unshare",
	"userfaultfd",
	"vhangup",
};

static const char *const risk_medium[] = {
	"accept",
	"accept4",
	"bind",
	"chmod",
	"chown",
	"clone",
	"clone3",
	"connect",
	"creat",
	"execve",
	"execveat",
	"fallocate",
	"fanotify_init",
	"fanotify_mark",
	"fchmod",
	"fchmodat",
	"fchmodat2",
	"fchown",
	"fchownat",
	"fork",
	"fremovexattr",
	"fsetxattr",
	"ftruncate",
	"ioctl",
	"kill",
	"lchown",
	"link",
	"linkat",
	"listen",
	"lremovexattr",
	"lsetxattr",
	"memfd_create",
	"mkdir",
	"mkdirat",
	"mknod",
	"mknodat",
	"mlock",
	"mlock2",
	"mlockall",
	"mprotect",
	"mq_open",
	"msgget",
	"pidfd_open",
	"pidfd_send_signal",
	"pkey_mprotect",
	"prctl",
	"prlimit64",
	"process_madvise",
	"process_mrelease",
	"recvfrom",
	"recvmmsg",
	"recvmsg",
	"removexattr",
	"rename",
	"renameat",
	"renameat2",
	"rmdir",
	"rt_sigqueueinfo",
	"rt_tgsigqueueinfo",
	"sched_setaffinity",
	"sched_setattr",
	"sched_setparam",
	"sched_setscheduler",
	"semget",
	"sendmmsg",
	"sendmsg",
	"sendto",
	"setpgid",
	"setpriority",
	"setrlimit",
	"setsid",
	"setsockopt",
	"setxattr",
	"shmget",
	"socket",
	"socketpair",
	"symlink",
	"symlinkat",
	"tgkill",
	"tkill",
	"truncate",
	"unlink",
	"unlinkat",
	"utime",
	"utimensat",
	"utimes",
	"futimesat",
	"vfork",
};

static bool in_list(const char *const *v, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i], s))
			return true;
	return false;
}

enum reach_risk reach_risk(const char *syscall)
{
	if (in_list(risk_high, CP_ARRAY_SIZE(risk_high), syscall))
		return REACH_HIGH;
	if (in_list(risk_medium, CP_ARRAY_SIZE(risk_medium), syscall))
		return REACH_MEDIUM;
	return REACH_LOW;
}

const char *reach_risk_name(enum reach_risk r)
{
	return r == REACH_HIGH ? "high" : r == REACH_MEDIUM ? "medium" : "low";
}

/* ---- reading ELF files ---- */

/* What one ELF file says about itself. */
struct elf_facts {
	int elf_class;
	int machine;
	bool dynamic; /* has a PT_DYNAMIC segment */
	char *soname;
	char **needed, **imports; /* DT_NEEDED; undefined dynamic symbols */
	size_t nneeded, nimports;
	char *rpath, *runpath;
};

static void facts_clear(struct elf_facts *f)
{
	for (size_t i = 0; i < f->nneeded; i++)
		free(f->needed[i]);
	for (size_t i = 0; i < f->nimports; i++)
		free(f->imports[i]);
	free(f->needed);
	free(f->imports);
	free(f->soname);
	free(f->rpath);
	free(f->runpath);
	memset(f, 0, sizeof(*f));
}

static void push(char ***v, size_t *n, const char *s)
{
	*v = cp_xreallocarray(*v, *n + 1, sizeof(**v));
	(*v)[(*n)++] = cp_xstrdup(s);
}

/* DT_NEEDED, DT_SONAME, DT_RPATH, DT_RUNPATH. */
static bool dynamic_entry(Elf *elf, Elf_Data *d, const GElf_Shdr *sh, size_t i, struct elf_facts *f)
{
	GElf_Dyn dyn;
	const char *s;

	if (!gelf_getdyn(d, (int)i, &dyn))
		return false;
	if (dyn.d_tag == DT_NULL)
		return false;
	if (dyn.d_tag != DT_NEEDED && dyn.d_tag != DT_SONAME && dyn.d_tag != DT_RPATH && dyn.d_tag != DT_RUNPATH)
		return true;
	s = elf_strptr(elf, sh->sh_link, dyn.d_un.d_val);
	if (!s)
		return true;
	if (dyn.d_tag == DT_NEEDED)
		push(&f->needed, &f->nneeded, s);
	else if (dyn.d_tag == DT_SONAME && !f->soname)
		f->soname = cp_xstrdup(s);
	else if (dyn.d_tag == DT_RPATH && !f->rpath)
		f->rpath = cp_xstrdup(s);
	else if (dyn.d_tag == DT_RUNPATH && !f->runpath)
		f->runpath = cp_xstrdup(s);
	return true;
}

/* An imported function. */
static bool dynsym_entry(Elf *elf, Elf_Data *d, const GElf_Shdr *sh, size_t i, struct elf_facts *f)
{
	GElf_Sym sym;
	const char *s;
	int type, bind;

	if (!gelf_getsym(d, (int)i, &sym))
		return false;
	type = GELF_ST_TYPE(sym.st_info);
	bind = GELF_ST_BIND(sym.st_info);
	/* An import is an undefined global or weak function (or untyped) symbol. */
	if (sym.st_shndx != SHN_UNDEF || (bind != STB_GLOBAL && bind != STB_WEAK) ||
	    (type != STT_FUNC && type != STT_NOTYPE && type != STT_GNU_IFUNC))
		return true;
	s = elf_strptr(elf, sh->sh_link, sym.st_name);
	if (s && *s)
		push(&f->imports, &f->nimports, s);
	return true;
}

/* The one walk over a SHT_DYNAMIC or SHT_DYNSYM section; an entry function returns false at its end. */
static void read_section(Elf *elf, Elf_Scn *scn, const GElf_Shdr *sh, struct elf_facts *f)
{
	Elf_Data *d = elf_getdata(scn, NULL);
	size_t n = sh->sh_entsize ? sh->sh_size / sh->sh_entsize : 0;
	bool dynamic = sh->sh_type == SHT_DYNAMIC;

	/* dynsym entry 0 is the null symbol */
	for (size_t i = dynamic ? 0 : 1; d && i < n; i++)
		if (!(dynamic ? dynamic_entry(elf, d, sh, i, f) : dynsym_entry(elf, d, sh, i, f)))
			break;
}

static int elf_read(const char *path, struct elf_facts *f)
{
	cp_autoclose int fd = -1;
	cp_autoelf *elf = NULL;
	GElf_Ehdr eh;
	Elf_Scn *scn = NULL;
	size_t nph = 0;
	int r;

	memset(f, 0, sizeof(*f));
	r = cp_elf_open(path, &fd, &elf);
	if (r < 0)
		return r;
	if (!gelf_getehdr(elf, &eh))
		return -ENOEXEC;
	f->elf_class = eh.e_ident[EI_CLASS] == ELFCLASS64 ? 64 : 32;
	f->machine = eh.e_machine;
	if (elf_getphdrnum(elf, &nph) == 0)
		for (size_t i = 0; i < nph; i++) {
			GElf_Phdr ph;

			if (gelf_getphdr(elf, (int)i, &ph) && ph.p_type == PT_DYNAMIC)
				f->dynamic = true;
		}
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;

		if (!gelf_getshdr(scn, &sh))
			continue;
		if (sh.sh_type == SHT_DYNAMIC || sh.sh_type == SHT_DYNSYM)
			read_section(elf, scn, &sh, f);
	}
	return 0;
}

/* ---- finding libraries as the loader would ---- */

/* The C library and the loader: their exports are not imports of the program. */
static bool is_libc(const char *name)
{
	const char *b = strrchr(name, '/');

	b = b ? b + 1 : name;
	return !fnmatch("libc.so*", b, 0) || !fnmatch("ld-linux*.so*", b, 0) || !fnmatch("ld64.so*", b, 0) ||
	       !fnmatch("ld-musl-*.so*", b, 0) || !fnmatch("libc.musl-*.so*", b, 0);
}

struct searchpath {
	char **dirs;
	size_t n;
	bool loaded;
};

static void sp_add(struct searchpath *sp, const char *dir)
{
	if (!*dir)
		return;
	for (size_t i = 0; i < sp->n; i++)
		if (!strcmp(sp->dirs[i], dir))
			return;
	push(&sp->dirs, &sp->n, dir);
}

static void conf_read(struct searchpath *sp, const char *path, int depth)
{
	cp_autofree char *text = NULL;
	char *save = NULL;

	if (depth > 4 || cp_read_file(path, 1u << 20, &text, NULL) < 0)
		return;
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *hash = strchr(line, '#'), *end;

		if (hash)
			*hash = '\0';
		while (*line == ' ' || *line == '\t')
			line++;
		end = line + strlen(line);
		while (end > line && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
			*--end = '\0';
		if (!strncmp(line, "include", 7) && (line[7] == ' ' || line[7] == '\t')) {
			glob_t g;
			char *pat = line + 8;

			while (*pat == ' ' || *pat == '\t')
				pat++;
			if (glob(pat, 0, NULL, &g) == 0) {
				for (size_t i = 0; i < g.gl_pathc; i++)
					conf_read(sp, g.gl_pathv[i], depth + 1);
				globfree(&g);
			}
		} else if (line[0] == '/') {
			sp_add(sp, line);
		}
	}
}

/* /etc/ld.so.conf (what ld.so.cache is built from), then the default directories. */
static const struct searchpath *system_path(void)
{
	static struct searchpath sp;
	static const char *const defaults[] = {
		"/lib/x86_64-linux-gnu",
		"/usr/lib/x86_64-linux-gnu",
		"/lib/aarch64-linux-gnu",
		"/usr/lib/aarch64-linux-gnu",
		"/lib64",
		"/usr/lib64",
		"/lib",
		"/usr/lib",
	};

	if (!sp.loaded) {
		sp.loaded = true;
		conf_read(&sp, "/etc/ld.so.conf", 0);
		for (size_t i = 0; i < CP_ARRAY_SIZE(defaults); i++)
			sp_add(&sp, defaults[i]);
	}
	return &sp;
}

/* Expand $ORIGIN in one DT_RPATH/DT_RUNPATH entry. */
static char *expand_origin(const char *dir, const char *origin)
{
	struct cp_buf b = { 0 };

	cp_buf_puts(&b, "");
	for (const char *p = dir; *p;) {
		if (!strncmp(p, "$ORIGIN", 7)) {
			cp_buf_puts(&b, origin);
			p += 7;
		} else if (!strncmp(p, "${ORIGIN}", 9)) {
			cp_buf_puts(&b, origin);
			p += 9;
		} else {
			cp_buf_add(&b, p, 1);
			p++;
		}
	}
	return b.data;
}

/* The file a DT_NEEDED name resolves to for an object of this class and machine. */
static char *find_lib(const char *name, const char *rp, const char *from_path, int elf_class, int machine)
{
	const struct searchpath *sys = system_path();
	cp_autofree char *origin = cp_xstrdup(from_path);
	char *slash = strrchr(origin, '/');
	struct searchpath sp = { 0 };
	char *found = NULL;

	if (strchr(name, '/'))
		return access(name, R_OK) == 0 ? cp_xstrdup(name) : NULL;
	if (slash)
		*slash = '\0';
	if (rp) {
		cp_autofree char *copy = cp_xstrdup(rp);
		char *save = NULL;

		for (char *d = strtok_r(copy, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
			cp_autofree char *e = expand_origin(d, origin);

			sp_add(&sp, e);
		}
	}
	for (size_t i = 0; i < sys->n; i++)
		sp_add(&sp, sys->dirs[i]);
	for (size_t i = 0; i < sp.n && !found; i++) {
		cp_autofree char *p = cp_xasprintf("%s/%s", sp.dirs[i], name);
		struct elf_facts f;

		/* The loader skips a file of the wrong class or machine (a 32-bit lib in /lib). */
		if (access(p, R_OK) != 0 || elf_read(p, &f) < 0)
			continue;
		if (f.elf_class == elf_class && f.machine == machine)
			found = cp_steal_pointer(&p);
		facts_clear(&f);
	}
	cp_strv_free_n(sp.dirs, sp.n);
	return found;
}

/* ---- one executable ---- */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int cmp_call_name(const void *a, const void *b)
{
	return strcmp(((const struct reach_call *)a)->name, ((const struct reach_call *)b)->name);
}

static int cmp_call_risk(const void *a, const void *b)
{
	const struct reach_call *x = a, *y = b;

	if (x->risk != y->risk)
		return x->risk > y->risk ? -1 : 1;
	return strcmp(x->name, y->name);
}

static bool has_str(char *const *v, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i], s))
			return true;
	return false;
}

void reach_exe_clear(struct reach_exe *e)
{
	free(e->path);
	cp_strv_free_n(e->libs, e->nlibs);
	cp_strv_free_n(e->unresolved, e->nunresolved);
	free(e->reach);
	free(e->unseen);
	memset(e, 0, sizeof(*e));
}

/*
 * The name a table entry means on arch: "a|b|c" is the first the
 * architecture has; NULL when it has none. The result points into the
 * table's static strings or a small interned copy.
 */
static const char *pick_name(const char *spec, uint32_t arch)
{
	/* the names an alternative resolved to; the table holds far fewer than this */
	static char interned[256][32];
	static size_t ninterned;
	const char *p = spec;

	if (!strchr(spec, '|'))
		return cp_syscall_nr(arch, spec) >= 0 ? spec : NULL;
	while (*p) {
		size_t n = strcspn(p, "|");
		char name[32];

		if (n < sizeof(name)) {
			memcpy(name, p, n);
			name[n] = '\0';
			if (cp_syscall_nr(arch, name) >= 0) {
				for (size_t i = 0; i < ninterned; i++)
					if (!strcmp(interned[i], name))
						return interned[i];
				if (ninterned == CP_ARRAY_SIZE(interned))
					return NULL;
				memcpy(interned[ninterned], name, n + 1);
				return interned[ninterned++];
			}
		}
		p += n + (p[n] == '|');
	}
	return NULL;
}

/* A library to read: its DT_NEEDED name and where to look (the needing object's rpath). */
struct needed {
	char *name, *rp, *from;
};

static void need(struct needed **q, size_t *n, const char *name, const struct elf_facts *f, const char *from)
{
	const char *rp = f->runpath ? f->runpath : f->rpath;

	for (size_t i = 0; i < *n; i++)
		if (!strcmp((*q)[i].name, name))
			return;
	*q = cp_xreallocarray(*q, *n + 1, sizeof(**q));
	(*q)[(*n)++] = (struct needed){ cp_xstrdup(name), rp ? cp_xstrdup(rp) : NULL, cp_xstrdup(from) };
}

int reach_exe_read(const char *path, uint32_t arch, struct reach_exe *out)
{
	struct elf_facts exe;
	char **imports = NULL;
	struct needed *queue = NULL;
	size_t nimports = 0, nqueue = 0;
	int r;

	memset(out, 0, sizeof(*out));
	out->path = cp_xstrdup(path);
	out->arch = arch ? arch : cp_arch_native();
	r = elf_read(path, &exe);
	if (r < 0) {
		out->err = r;
		return r;
	}
	out->is_static = !exe.dynamic || (!exe.nneeded && !exe.nimports);
	for (size_t i = 0; i < exe.nimports; i++)
		push(&imports, &nimports, exe.imports[i]);

	/* Breadth first over DT_NEEDED; the C library is not read. */
	for (size_t i = 0; i < exe.nneeded; i++)
		need(&queue, &nqueue, exe.needed[i], &exe, path);
	for (size_t q = 0; q < nqueue && out->nlibs < REACH_MAX_LIBS; q++) {
		const char *name = queue[q].name;
		struct elf_facts lib;
		char *p;

		if (is_libc(name))
			continue;
		p = find_lib(name, queue[q].rp, queue[q].from, exe.elf_class, exe.machine);
		if (!p) {
			if (!has_str(out->unresolved, out->nunresolved, name))
				push(&out->unresolved, &out->nunresolved, name);
			continue;
		}
		if (has_str(out->libs, out->nlibs, p) || elf_read(p, &lib) < 0) {
			free(p);
			continue;
		}
		out->libs = cp_xreallocarray(out->libs, out->nlibs + 1, sizeof(char *));
		out->libs[out->nlibs++] = p;
		for (size_t k = 0; k < lib.nimports; k++)
			push(&imports, &nimports, lib.imports[k]);
		for (size_t k = 0; k < lib.nneeded; k++)
			need(&queue, &nqueue, lib.needed[k], &lib, p);
		facts_clear(&lib);
	}

	if (nimports)
		qsort(imports, nimports, sizeof(char *), cmp_str);
	for (size_t i = 0; i < nimports; i++) {
		const struct reach_fn *fn;

		if (i && !strcmp(imports[i], imports[i - 1]))
			continue;
		if (!strcmp(imports[i], "syscall"))
			out->raw_syscall = true;
		if (!strcmp(imports[i], "dlopen") || !strcmp(imports[i], "dlmopen"))
			out->dlopen = true;
		fn = reach_lookup(imports[i]);
		if (!fn)
			continue;
		out->nimports++;
		for (const char *const *s = fn->sys; *s; s++) {
			const char *name = pick_name(*s, out->arch);
			struct reach_call *c = NULL;

			if (!name)
				continue;
			for (size_t k = 0; k < out->nreach && !c; k++)
				if (!strcmp(out->reach[k].name, name))
					c = &out->reach[k];
			if (!c) {
				out->reach = cp_xreallocarray(out->reach, out->nreach + 1, sizeof(*out->reach));
				c = &out->reach[out->nreach++];
				*c = (struct reach_call){ .name = name, .risk = reach_risk(name), .via = fn->fn };
			}
			c->nvia++;
		}
	}
	if (out->nreach)
		qsort(out->reach, out->nreach, sizeof(*out->reach), cmp_call_name);

	cp_strv_free_n(imports, nimports);
	for (size_t i = 0; i < nqueue; i++) {
		free(queue[i].name);
		free(queue[i].rp);
		free(queue[i].from);
	}
	free(queue);
	facts_clear(&exe);
	return 0;
}

/* ---- a whole recording ---- */

static bool recorded(const struct cp_rec *rec, const char *name)
{
	for (size_t i = 0; i < rec->narch; i++) {
		int nr = cp_syscall_nr(rec->arch[i].token, name);

		if (nr >= 0 && rec_sys_get(&rec->arch[i], (uint32_t)nr))
			return true;
	}
	return false;
}

int reach_compute(const struct cp_rec *rec, struct reach_report **out)
{
	struct reach_report *r = cp_xcalloc(1, sizeof(*r));

	r->exes = cp_xcalloc(rec->nexes + 1, sizeof(*r->exes));
	for (size_t i = 0; i < rec->nexes; i++) {
		struct reach_exe *e = &r->exes[r->nexes++];

		reach_exe_read(rec->exes[i].path, gen_exe_arch(&rec->exes[i]), e);
		for (size_t k = 0; k < e->nreach; k++) {
			if (recorded(rec, e->reach[k].name))
				continue;
			e->unseen = cp_xreallocarray(e->unseen, e->nunseen + 1, sizeof(*e->unseen));
			e->unseen[e->nunseen++] = e->reach[k];
			if (!in_list(r->unseen, r->nunseen, e->reach[k].name)) {
				r->unseen = cp_xreallocarray(r->unseen, r->nunseen + 1, sizeof(*r->unseen));
				r->unseen[r->nunseen++] = e->reach[k].name;
			}
		}
		if (e->nunseen)
			qsort(e->unseen, e->nunseen, sizeof(*e->unseen), cmp_call_risk);
	}
	if (r->nunseen)
		qsort(r->unseen, r->nunseen, sizeof(*r->unseen), cmp_str);
	*out = r;
	return 0;
}

void reach_report_free(struct reach_report *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->nexes; i++)
		reach_exe_clear(&r->exes[i]);
	free(r->exes);
	free(r->unseen);
	free(r);
}

/* ---- renderings ---- */

/* What cannot be seen into, as one line each. */
static void blind_spots(struct cp_buf *b, const struct reach_exe *e, const char *indent)
{
	if (e->err)
		cp_buf_printf(b,
			      "%scannot read it now (%s): its imports are unknown; check it where the recording "
			      "was made\n",
			      indent, strerror(-e->err));
	else if (e->is_static)
		cp_buf_printf(b, "%sstatically linked (no imports): what it can call cannot be seen\n", indent);
	if (e->raw_syscall)
		cp_buf_printf(b, "%simports syscall(): direct system calls cannot be seen into\n", indent);
	if (e->dlopen)
		cp_buf_printf(b, "%simports dlopen(): libraries loaded at run time are not included\n", indent);
	for (size_t i = 0; i < e->nunresolved; i++)
		cp_buf_printf(b, "%slibrary %s not found here: its imports are not included\n", indent,
			      e->unresolved[i]);
}

char *reach_text(const struct reach_report *r)
{
	struct cp_buf b = { 0 };

	cp_buf_puts(&b, "");
	for (size_t i = 0; i < r->nexes; i++) {
		const struct reach_exe *e = &r->exes[i];

		cp_buf_printf(&b, "%s (%s)", e->path, cp_arch_name(e->arch) ? cp_arch_name(e->arch) : "?");
		if (!e->err)
			cp_buf_printf(&b,
				      ": %zu known imports, %zu libraries read; %zu of %zu reachable syscalls "
				      "never recorded\n",
				      e->nimports, e->nlibs, e->nunseen, e->nreach);
		else
			cp_buf_puts(&b, "\n");
		blind_spots(&b, e, "  note: ");
		if (e->nunseen)
			cp_buf_printf(&b, "  %-7s %-22s %s\n", "RISK", "SYSCALL", "REACHED THROUGH");
		for (size_t k = 0; k < e->nunseen; k++) {
			const struct reach_call *c = &e->unseen[k];

			cp_buf_printf(&b, "  %-7s %-22s %s()", reach_risk_name(c->risk), c->name, c->via);
			if (c->nvia > 1)
				cp_buf_printf(&b, " and %zu more", c->nvia - 1);
			cp_buf_puts(&b, "\n");
		}
	}
	cp_buf_printf(&b, "%zu syscall%s reachable through imports but never recorded%s\n", r->nunseen,
		      r->nunseen == 1 ? "" : "s",
		      r->nunseen ? " (emit --with-reachable adds them; capprof learn finds what production uses)" : "");
	return b.data;
}

static cJSON *str_array(char *const *v, size_t n)
{
	cJSON *a = cJSON_CreateArray();

	for (size_t i = 0; i < n; i++)
		cJSON_AddItemToArray(a, cJSON_CreateString(v[i]));
	return a;
}

char *reach_json(const struct reach_report *r)
{
	cJSON *root = cJSON_CreateObject(), *exes = cJSON_AddArrayToObject(root, "executables");
	cJSON *all = cJSON_AddArrayToObject(root, "unexercised");
	char *t, *res;

	for (size_t i = 0; i < r->nexes; i++) {
		const struct reach_exe *e = &r->exes[i];
		cJSON *o = cJSON_CreateObject(), *list;

		cJSON_AddStringToObject(o, "path", e->path);
		cJSON_AddStringToObject(o, "arch", cp_arch_name(e->arch) ? cp_arch_name(e->arch) : "");
		if (e->err)
			cJSON_AddStringToObject(o, "error", strerror(-e->err));
		else
			cJSON_AddNullToObject(o, "error");
		cJSON_AddBoolToObject(o, "static", e->is_static);
		cJSON_AddBoolToObject(o, "rawSyscall", e->raw_syscall);
		cJSON_AddBoolToObject(o, "dlopen", e->dlopen);
		cJSON_AddItemToObject(o, "libraries", str_array(e->libs, e->nlibs));
		cJSON_AddItemToObject(o, "unresolved", str_array(e->unresolved, e->nunresolved));
		cJSON_AddNumberToObject(o, "knownImports", (double)e->nimports);
		cJSON_AddNumberToObject(o, "reachable", (double)e->nreach);
		list = cJSON_AddArrayToObject(o, "unexercised");
		for (size_t k = 0; k < e->nunseen; k++) {
			cJSON *c = cJSON_CreateObject();

			cJSON_AddStringToObject(c, "name", e->unseen[k].name);
			cJSON_AddStringToObject(c, "risk", reach_risk_name(e->unseen[k].risk));
			cJSON_AddStringToObject(c, "via", e->unseen[k].via);
			cJSON_AddNumberToObject(c, "imports", (double)e->unseen[k].nvia);
			cJSON_AddItemToArray(list, c);
		}
		cJSON_AddItemToArray(exes, o);
	}
	for (size_t i = 0; i < r->nunseen; i++)
		cJSON_AddItemToArray(all, cJSON_CreateString(r->unseen[i]));
	t = cJSON_Print(root);
	cJSON_Delete(root);
	if (!t)
		cp_oom();
	res = cp_xasprintf("%s\n", t);
	cJSON_free(t);
	return res;
}

void reach_summary(struct cp_buf *b, const struct reach_report *r)
{
	size_t unread = 0;

	for (size_t i = 0; i < r->nexes; i++)
		unread += r->exes[i].err != 0;
	cp_buf_printf(b, "\nNot exercised: %zu syscall%s reachable through imports were never recorded", r->nunseen,
		      r->nunseen == 1 ? "" : "s");
	if (unread)
		cp_buf_printf(b, " (%zu of %zu executables cannot be read here)", unread, r->nexes);
	cp_buf_puts(b, "\n");
	for (size_t i = 0; i < r->nexes; i++) {
		const struct reach_exe *e = &r->exes[i];
		size_t shown = 0;

		cp_buf_printf(b, "  %s:", e->path);
		if (!e->err)
			cp_buf_printf(b, " %zu of %zu reachable never recorded", e->nunseen, e->nreach);
		cp_buf_puts(b, "\n");
		blind_spots(b, e, "    note: ");
		for (int risk = REACH_HIGH; risk >= REACH_LOW; risk--) {
			size_t n = 0;

			for (size_t k = 0; k < e->nunseen; k++)
				n += e->unseen[k].risk == (enum reach_risk)risk;
			if (!n)
				continue;
			cp_buf_printf(b, "    %s (%zu):", reach_risk_name((enum reach_risk)risk), n);
			shown = 0;
			for (size_t k = 0; k < e->nunseen; k++) {
				if (e->unseen[k].risk != (enum reach_risk)risk)
					continue;
				if (shown++ == 12) {
					cp_buf_printf(b, " ... (%zu more)", n - 12);
					break;
				}
				cp_buf_printf(b, " %s", e->unseen[k].name);
			}
			cp_buf_puts(b, "\n");
		}
	}
	if (r->nunseen)
		cp_buf_puts(b, "  (capprof explain --unexercised lists them with the imports that reach them)\n");
}
