// SPDX-License-Identifier: MIT
/*
 * The capability retry engine (README.md, "How it works").
 *
 * A root workload runs with its permitted set intact and its effective set
 * lowered to the capabilities proven needed so far. When a syscall from the
 * candidate table fails with EPERM or EACCES, the engine raises one candidate
 * with an injected capset(2), rewinds the tracee onto the syscall
 * instruction to run it again, and keeps the first candidate that makes it
 * succeed. If none does, the original failure is put back.
 *
 * Everything is a state machine driven by the tracee's own stops, so other
 * tracees keep running while one is retried (a retried call may wait on
 * them). Signals that arrive meanwhile are held and re-sent at the end.
 *
 * Only calls the architecture code can rewrite are retried (arch.h; on
 * x86_64 the 2-byte `syscall` instruction); i386 (int 0x80/sysenter) and
 * x32 calls are recorded only.
 */
#include "tracer/arch.h"
#include "tracer/captable.h"
#include "tracer/tracee.h"
#include "common/names.h"
#include "common/util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/capability.h>
#include <seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

enum phase {
	PH_RAISE, /* capset(eff | candidate) in flight */
	PH_RETRY, /* the failed syscall re-executing */
	PH_LOWER, /* capset(eff) in flight after a candidate did not help */
	PH_SETCAPS, /* capset replacing the program's own capset, at its entry */
	PH_ADJUST, /* capset after exec or a uid change */
	PH_PRERAISE, /* capset replacing a call at its entry, which then runs again (audit) */
	PH_RERUN, /* that call running with the capability raised */
	PH_INTRA_LOWER, /* capset lowering SYS_PTRACE again after an intra-workload ptrace check */
};

struct capeng_tc {
	enum phase phase;
	struct arch_regs saved; /* registers at the stop the engine started from */
	const int8_t *cands;
	int ci;
	int orig_err;
	int64_t final_ret; /* PH_SETCAPS: what the program's capset returns */
	uint64_t text_addr; /* PH_ADJUST after exec: where a syscall insn was poked */
	long text_word;
	bool text_poked;
	uint64_t sigs; /* signals held while busy */
	bool intra; /* retrying a ptrace-mode check between two workload processes */
	struct arch_regs result; /* PH_INTRA_LOWER: the retried call's outcome */
};

/* Real sets of a thread, from /proc/TID/status. */
struct realcaps {
	uint64_t inh, prm, eff;
	uint32_t euid;
};

/* The hex number after "\nKEY:" in a /proc status text, or false. */
static bool status_field(const char *text, const char *key, int base, int skip, unsigned long long *v)
{
	const char *p = strstr(text, key);
	char *end;

	if (!p)
		return false;
	p += strlen(key);
	for (int i = 0; i < skip; i++) { /* "Uid:" lists real, effective, saved, fs */
		strtoull(p, &end, 10);
		if (end == p)
			return false;
		p = end;
	}
	*v = strtoull(p, &end, base);
	return end != p;
}

/*
 * Once per exec and per set-id call: one open, one read, one close (stdio
 * would add an fstat and a read per buffer), and no per-line sscanf.
 */
static int read_realcaps(pid_t tid, struct realcaps *rc)
{
	char path[64], buf[4096];
	unsigned long long inh, prm, eff, euid;
	cp_autoclose int fd = -1;
	size_t len = 0;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)tid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -ESRCH;
	/* The kernel writes the whole text at the first read when it fits: a short read is the end. */
	while (len < sizeof(buf) - 1) {
		size_t want = sizeof(buf) - 1 - len;
		ssize_t n = read(fd, buf + len, want);

		if (n < 0)
			return -ESRCH;
		len += (size_t)n;
		if ((size_t)n < want)
			break;
	}
	buf[len] = '\0';
	if (!status_field(buf, "\nUid:", 10, 1, &euid) || !status_field(buf, "\nCapInh:", 16, 0, &inh) ||
	    !status_field(buf, "\nCapPrm:", 16, 0, &prm) || !status_field(buf, "\nCapEff:", 16, 0, &eff))
		return -EIO;
	rc->inh = inh;
	rc->prm = prm;
	rc->eff = eff;
	rc->euid = (uint32_t)euid;
	return 0;
}

static bool is_setid_call(const char *name)
{
	static const char *const names[] = { "setuid", "setreuid", "setresuid", "setfsuid",
					     "setgid", "setregid", "setresgid", "setfsgid" };

	for (size_t i = 0; name && i < CP_ARRAY_SIZE(names); i++)
		if (!strcmp(name, names[i]))
			return true;
	return false;
}

void capeng_init(struct tracer *t)
{
	int last = cp_cap_last();

	t->all_caps = last >= 63 ? ~0ull : (1ull << (last + 1)) - 1;
	t->proven_caps = 0;
}

void capeng_inherit(struct tracee *child, const struct tracee *parent)
{
	child->caps_managed = parent->caps_managed;
	child->virt_eff = parent->virt_eff;
	child->virt_prm = parent->virt_prm;
	child->virt_inh = parent->virt_inh;
	child->euid = parent->euid;
}

void capeng_forget(struct tracee *tc)
{
	free(tc->ce);
	tc->ce = NULL;
}

bool capeng_wants_exit(const struct tracer *t, const struct tracee *tc)
{
	(void)t;
	if (!tc->caps_managed || !arch_can_rewrite(tc->arch))
		return false;
	/* Every call of the table, the set-id family included (is_setid_call) */
	return captable_for(tc->arch, tc->nr) != NULL;
}

/*
 * record --baseline: may the engine do without seeing this syscall, when
 * the capabilities in granted are effective from the start? Not for the
 * calls whose effect it mirrors (capget/capset, the set-id family, audit
 * sends), nor for a call that can fail for want of a capability outside
 * granted: only its stop can find that capability.
 */
bool capeng_can_skip(const char *name, uint64_t granted)
{
	const struct cp_captable_entry *e = captable_lookup(name);

	if (!name || is_setid_call(name) || !strcmp(name, "capget") || !strcmp(name, "capset"))
		return false;
	if ((!strcmp(name, "sendto") || !strcmp(name, "sendmsg")) && !(granted & (1ull << CAP_AUDIT_WRITE)))
		return false;
	/*
	 * ptrace-mode checks between workload processes fail under lowered
	 * effective sets and must be retried (intra_workload_check); the
	 * calls tracer/unseen.c notes must be seen. All are rare. openat of
	 * /proc/PID/environ stays skippable, for speed: see the fid note.
	 */
	{
		static const char *const ptrace_checked[] = { "process_vm_readv", "process_vm_writev", "kcmp",
							      "pidfd_getfd",	  "readlink",	       "readlinkat" };
		static const char *const unseen[] = { "io_uring_setup", "ptrace", "seccomp", "prctl" };

		for (size_t i = 0; i < CP_ARRAY_SIZE(ptrace_checked); i++)
			if (!strcmp(name, ptrace_checked[i]) && !(granted & (1ull << CAP_SYS_PTRACE)))
				return false;
		for (size_t i = 0; i < CP_ARRAY_SIZE(unseen); i++)
			if (!strcmp(name, unseen[i]))
				return false;
	}
	if (!e)
		return true;
	for (int i = 0; e->on_eacces[i] >= 0; i++)
		if (!(granted & (1ull << e->on_eacces[i])))
			return false;
	for (int i = 0; e->on_eperm[i] >= 0; i++)
		if (!(granted & (1ull << e->on_eperm[i])))
			return false;
	return true;
}

/* ---- tracee memory and registers ---- */

static int poke(pid_t pid, uint64_t addr, const void *buf, size_t len)
{
	const unsigned char *p = buf;
	struct iovec local = { (void *)(uintptr_t)buf, len };
	struct iovec remote = { (void *)(uintptr_t)addr, len };

	/* One call for the whole buffer (a capset's data is four words) when the pages are there. */
	if (process_vm_writev(pid, &local, 1, &remote, 1, 0) == (ssize_t)len)
		return 0;
	/* PTRACE_POKEDATA also writes where process_vm_writev does not (read-only or absent pages). */
	for (size_t off = 0; off < len; off += sizeof(long)) {
		long word = 0;

		memcpy(&word, p + off, len - off < sizeof(long) ? len - off : sizeof(long));
		if (ptrace(PTRACE_POKEDATA, pid, (void *)(uintptr_t)(addr + off), (void *)word) < 0)
			return -errno;
	}
	return 0;
}

static int peek(pid_t pid, uint64_t addr, void *buf, size_t len)
{
	struct iovec local = { buf, len };
	struct iovec remote = { (void *)(uintptr_t)addr, len };

	if (process_vm_readv(pid, &local, 1, &remote, 1, 0) != (ssize_t)len)
		return -EFAULT;
	return 0;
}

struct capdata {
	struct __user_cap_header_struct hdr;
	struct __user_cap_data_struct data[2];
};

/*
 * Put capset(eff, prm, inh) arguments on the tracee's stack, below the red
 * zone, and point the argument registers at them.
 */
static int stage_capset(struct tracee *tc, struct arch_regs *regs, uint64_t eff, uint64_t prm, uint64_t inh)
{
	struct capdata cd = { 0 };
	uint64_t addr = ((arch_sp(regs) - 512) & ~15ull) - sizeof(cd);
	int r;

	cd.hdr.version = _LINUX_CAPABILITY_VERSION_3;
	cd.hdr.pid = 0;
	cd.data[0].effective = (uint32_t)eff;
	cd.data[0].permitted = (uint32_t)prm;
	cd.data[0].inheritable = (uint32_t)inh;
	cd.data[1].effective = (uint32_t)(eff >> 32);
	cd.data[1].permitted = (uint32_t)(prm >> 32);
	cd.data[1].inheritable = (uint32_t)(inh >> 32);
	r = poke(tc->pid, addr, &cd, sizeof(cd));
	if (r < 0)
		return r;
	arch_set_call(regs, SYS_capset, addr, addr + offsetof(struct capdata, data));
	return 0;
}

/* Make the tracee run capset(eff, prm, inh) from a syscall instruction at pc. */
static int inject_capset(struct tracee *tc, const struct arch_regs *from, uint64_t pc, uint64_t eff, uint64_t prm,
			 uint64_t inh)
{
	struct arch_regs regs = *from;
	int r = stage_capset(tc, &regs, eff, prm, inh);

	if (r < 0)
		return r;
	arch_jump_to_syscall(&regs, pc, SYS_capset);
	r = arch_set_regs(tc->pid, &regs);
	return r < 0 ? r : RESUME_SYSCALL;
}

/* At a seccomp stop: run capset(eff, prm, inh) in place of the call being entered. */
static int inject_capset_entry(struct tracee *tc, const struct arch_regs *from, uint64_t eff, uint64_t prm,
			       uint64_t inh)
{
	struct arch_regs regs = *from;
	int r = stage_capset(tc, &regs, eff, prm, inh);

	if (r < 0)
		return r;
	r = arch_set_regs(tc->pid, &regs);
	return r < 0 ? r : RESUME_SYSCALL;
}

/* Set the tracee's registers and let it run on (RESUME_CONT), re-sending held signals. */
static int finish(struct tracee *tc, const struct arch_regs *regs)
{
	uint64_t sigs = tc->ce->sigs;
	struct arch_regs final;

	if (regs)
		final = *regs; /* regs may point into tc->ce, freed below */
	if (tc->ce->text_poked)
		ptrace(PTRACE_POKETEXT, tc->pid, (void *)(uintptr_t)tc->ce->text_addr, (void *)tc->ce->text_word);
	capeng_forget(tc);
	if (regs && arch_set_regs(tc->pid, &final) < 0)
		return -errno;
	/* Queued now, reported as signal-delivery-stops once the dispatcher restarts it. */
	for (int s = 1; s < 64; s++)
		if (sigs & (1ull << s))
			syscall(SYS_tkill, tc->pid, s);
	return RESUME_CONT;
}

static struct capeng_tc *begin(struct tracee *tc, enum phase ph)
{
	if (!tc->ce)
		tc->ce = cp_xcalloc(1, sizeof(*tc->ce));
	tc->ce->phase = ph;
	return tc->ce;
}

/* Real effective set the thread should have: proven capabilities it believes it has. */
static uint64_t wanted_eff(const struct tracer *t, const struct tracee *tc)
{
	return t->proven_caps & tc->virt_eff & tc->virt_prm;
}

/* ---- evidence ---- */

static char *readlink_proc(pid_t pid, const char *what)
{
	char link[96], buf[PATH_MAX];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/%d/%s", (int)pid, what);
	n = readlink(link, buf, sizeof(buf) - 1);
	if (n < 0)
		return NULL;
	buf[n] = '\0';
	return cp_xstrdup(buf);
}

static char *read_string(pid_t pid, uint64_t addr)
{
	char buf[PATH_MAX];
	size_t n = 0;

	if (!addr)
		return NULL;
	/* Page by page: a string may end just before an unmapped page. */
	while (n < sizeof(buf) - 1) {
		size_t chunk = 4096 - ((addr + n) & 4095);

		if (chunk > sizeof(buf) - 1 - n)
			chunk = sizeof(buf) - 1 - n;
		if (peek(pid, addr + n, buf + n, chunk) < 0)
			break;
		if (memchr(buf + n, '\0', chunk))
			return cp_xstrdup(buf);
		n += chunk;
	}
	return NULL;
}

/* The path a file syscall acted on, made absolute with the cwd or dirfd. */
static char *syscall_path(const struct tracee *tc, const char *name)
{
	static const char *const fd_calls[] = { "fchown", "fchmod", "fsetxattr", "fremovexattr", "ioctl", "fcntl" };
	int path_arg = 0, dirfd_arg = -1;
	size_t len = strlen(name);
	cp_autofree char *p = NULL;
	cp_autofree char *base = NULL;
	char what[32];

	for (size_t i = 0; i < CP_ARRAY_SIZE(fd_calls); i++) {
		if (!strcmp(name, fd_calls[i])) {
			snprintf(what, sizeof(what), "fd/%d", (int)tc->args[0]);
			return readlink_proc(tc->pid, what);
		}
	}
	if (!strcmp(name, "symlinkat")) {
		dirfd_arg = 1;
		path_arg = 2;
	} else if (!strcmp(name, "mount") || !strcmp(name, "inotify_add_watch") || !strcmp(name, "symlink")) {
		path_arg = 1;
	} else if ((len > 2 && !strcmp(name + len - 2, "at")) || (len > 3 && !strcmp(name + len - 3, "at2")) ||
		   !strcmp(name, "statx") || !strcmp(name, "utimensat") || !strcmp(name, "name_to_handle_at")) {
		dirfd_arg = 0;
		path_arg = 1;
	} else if (!captable_lookup(name) || captable_lookup(name)->on_eacces[0] < 0) {
		if (strcmp(name, "chroot") && strcmp(name, "umount2") && strcmp(name, "swapon") && strcmp(name, "acct"))
			return NULL;
	}
	p = read_string(tc->pid, tc->args[path_arg]);
	if (!p || p[0] == '/')
		return cp_steal_pointer(&p);
	if (dirfd_arg >= 0 && (int)tc->args[dirfd_arg] != AT_FDCWD) {
		snprintf(what, sizeof(what), "fd/%d", (int)tc->args[dirfd_arg]);
		base = readlink_proc(tc->pid, what);
	} else {
		base = readlink_proc(tc->pid, "cwd");
	}
	if (!base)
		return cp_steal_pointer(&p);
	{
		const char *rel = p;

		while (rel[0] == '.' && rel[1] == '/') /* "./x" is "x" */
			for (rel += 2; *rel == '/';)
				rel++;
		if (!rel[0] || !strcmp(rel, "."))
			return cp_steal_pointer(&base);
		return cp_xasprintf("%s%s%s", base, strcmp(base, "/") ? "/" : "", rel);
	}
}

static void fill_evidence(struct cp_evidence *ev, struct tracee *tc, const char *name, int err)
{
	ev->syscall = cp_xstrdup(name);
	ev->arch = tc->arch;
	memcpy(ev->args, tc->args, sizeof(ev->args));
	ev->path = syscall_path(tc, name);
	ev->err = err;
	ev->pid = tc->pid;
	ev->exe = cp_xstrdup(tracer_exe(tc));
}

static void record_cap(struct tracer *t, struct tracee *tc, int cap, int err)
{
	struct cp_capuse *u = &t->rec->caps[cap];

	if (!u->hits++)
		fill_evidence(&u->ev, tc, cp_syscall_name(tc->arch, tc->nr), err);
}

static void record_denied(struct tracer *t, struct tracee *tc, int err)
{
	struct cp_evidence ev = { 0 };

	fill_evidence(&ev, tc, cp_syscall_name(tc->arch, tc->nr), err);
	rec_add_denied(t->rec, &ev);
	rec_evidence_clear(&ev);
}

/* ---- retry ---- */

/* The next candidate worth trying: believed effective, really permitted, not already effective. */
static int next_candidate(const struct tracer *t, const struct tracee *tc, const struct realcaps *rc)
{
	struct capeng_tc *ce = tc->ce;

	(void)t;
	for (; ce->cands[ce->ci] >= 0; ce->ci++) {
		uint64_t bit = 1ull << ce->cands[ce->ci];

		if ((tc->virt_eff & bit) && (rc->prm & bit) && !(rc->eff & bit))
			return ce->cands[ce->ci];
	}
	return -1;
}

static int try_next(struct tracer *t, struct tracee *tc)
{
	struct capeng_tc *ce = tc->ce;
	struct realcaps rc;
	int cap;

	if (read_realcaps(tc->pid, &rc) < 0)
		return -ESRCH;
	cap = next_candidate(t, tc, &rc);
	if (cap < 0) {
		/* Nothing helps: the workload would fail with full privileges too. */
		record_denied(t, tc, ce->orig_err);
		return finish(tc, &ce->saved);
	}
	ce->phase = PH_RAISE;
	return inject_capset(tc, &ce->saved, arch_syscall_insn_addr(&ce->saved), rc.eff | (1ull << cap), rc.prm,
			     rc.inh);
}

/* ---- ptrace-mode checks between the workload's own processes ---- */

/* "/proc/N/..." or "/proc/N": N, else 0. */
static pid_t proc_pid(const char *path)
{
	long n = 0;
	const char *p;

	if (!path || strncmp(path, "/proc/", 6) != 0)
		return 0;
	for (p = path + 6; *p >= '0' && *p <= '9' && n < INT_MAX / 10; p++)
		n = n * 10 + (*p - '0');
	return p > path + 6 && (*p == '/' || !*p) ? (pid_t)n : 0;
}

/* The process a ptrace-mode access check of this call is about, or 0. */
static pid_t ptrace_target(const struct tracee *tc, const char *name)
{
	if (!strcmp(name, "process_vm_readv") || !strcmp(name, "process_vm_writev") || !strcmp(name, "kcmp"))
		return (pid_t)tc->args[0];
	if (!strcmp(name, "pidfd_getfd")) {
		char path[64], line[128];
		cp_autofclose FILE *f = NULL;
		int pid = 0;

		snprintf(path, sizeof(path), "/proc/%d/fdinfo/%d", (int)tc->pid, (int)tc->args[0]);
		f = fopen(path, "re");
		while (f && fgets(line, sizeof(line), f))
			if (sscanf(line, "Pid: %d", &pid) == 1)
				return pid;
		return 0;
	}
	{
		cp_autofree char *path = syscall_path(tc, name);

		return proc_pid(path);
	}
}

/*
 * The kernel's ptrace-mode check (commoncap's cap_ptrace_access_check)
 * compares the caller's effective set (permitted, for REALCREDS checks)
 * with the target's permitted set; failing that, it wants CAP_SYS_PTRACE.
 * capprof lowers effective sets, so /proc/PID/{fd,environ,exe,maps,mem} of
 * a workload process fails for another one that, without capprof, holds
 * what the target holds. Such a failure is capprof's doing, not a need:
 * when the target is traced, runs as the same euid, and the caller's
 * effective set as the program believes it would cover the target's
 * permitted set, the call is retried with SYS_PTRACE raised for it alone
 * and recorded as an intra-workload check. In a container the processes
 * share one set, so no capability is needed there.
 */
static bool intra_workload_check(struct tracer *t, const struct tracee *tc, const char *name)
{
	pid_t target = ptrace_target(tc, name);
	struct realcaps self, other;

	if (target <= 0 || !tracer_find(t, target))
		return false;
	if (read_realcaps(tc->pid, &self) < 0 || read_realcaps(target, &other) < 0)
		return false;
	return self.euid == other.euid && (other.prm & ~tc->virt_eff) == 0;
}

/* A path call on /proc/N/... (not our own process) that failed: a ptrace-mode check, not DAC. */
static bool proc_pid_other(const struct tracee *tc, const char *name)
{
	const struct cp_captable_entry *e = captable_lookup(name);
	cp_autofree char *path = NULL;
	pid_t pid;

	/* Only calls that take a path (their EACCES candidates are the DAC ones). */
	if (!e || e->on_eacces[0] != CAP_DAC_READ_SEARCH)
		return false;
	path = syscall_path(tc, name);
	pid = proc_pid(path);
	return pid > 0 && pid != tc->pid;
}

static void record_intra(struct tracer *t, struct tracee *tc, int err)
{
	if (!t->rec->intra_ptrace.hits++)
		fill_evidence(&t->rec->intra_ptrace.ev, tc, cp_syscall_name(tc->arch, tc->nr), err);
}

int capeng_on_exit(struct tracer *t, struct tracee *tc, int64_t rval)
{
	const char *name = cp_syscall_name(tc->arch, tc->nr);
	const struct cp_captable_entry *e;
	struct capeng_tc *ce;
	struct realcaps rc;
	int err = (int)-rval;

	if (is_setid_call(name) && rval >= 0) {
		/* The kernel raises effective to permitted when euid returns to 0, clears it when it leaves. */
		if (read_realcaps(tc->pid, &rc) < 0)
			return -ESRCH;
		if (rc.euid == 0 && tc->euid != 0)
			tc->virt_eff = rc.prm;
		else if (rc.euid != 0 && tc->euid == 0)
			tc->virt_eff = 0;
		tc->euid = rc.euid;
		tc->virt_prm = rc.prm;
		tc->virt_inh = rc.inh;
		tc->virt_eff &= rc.prm;
		if (rc.eff == wanted_eff(t, tc))
			return RESUME_DEFAULT;
		ce = begin(tc, PH_ADJUST);
		if (arch_get_regs(tc->pid, &ce->saved) < 0)
			return -errno;
		return inject_capset(tc, &ce->saved, arch_syscall_insn_addr(&ce->saved), wanted_eff(t, tc), rc.prm,
				     rc.inh);
	}
	if (rval != -EPERM && rval != -EACCES)
		return RESUME_DEFAULT;
	if (intra_workload_check(t, tc, name)) {
		static const int8_t sys_ptrace[] = { CAP_SYS_PTRACE, -1 };

		ce = begin(tc, PH_RAISE);
		ce->cands = sys_ptrace;
		ce->ci = 0;
		ce->orig_err = err;
		ce->intra = true;
		if (arch_get_regs(tc->pid, &ce->saved) < 0)
			return -errno;
		return try_next(t, tc);
	}
	if (proc_pid_other(tc, name)) {
		/* /proc/N of a process outside the workload: the ptrace-mode check wants SYS_PTRACE. */
		static const int8_t sys_ptrace[] = { CAP_SYS_PTRACE, -1 };

		ce = begin(tc, PH_RAISE);
		ce->cands = sys_ptrace;
		ce->ci = 0;
		ce->orig_err = err;
		if (arch_get_regs(tc->pid, &ce->saved) < 0)
			return -errno;
		return try_next(t, tc);
	}
	e = captable_lookup(name);
	if (!e || !captable_candidates(e, err) || captable_candidates(e, err)[0] < 0) {
		if (e)
			record_denied(t, tc, err);
		return RESUME_DEFAULT;
	}
	ce = begin(tc, PH_RAISE);
	ce->cands = captable_candidates(e, err);
	ce->ci = 0;
	ce->orig_err = err;
	if (arch_get_regs(tc->pid, &ce->saved) < 0)
		return -errno;
	return try_next(t, tc);
}

/* Rewind onto the saved call's syscall instruction and run it again. */
static int rerun(struct tracee *tc, enum phase next)
{
	struct arch_regs regs = tc->ce->saved;

	arch_rewind(&regs);
	tc->ce->phase = next;
	if (arch_set_regs(tc->pid, &regs) < 0)
		return -errno;
	return RESUME_SYSCALL;
}

/* An exit stop while busy: one injected or retried syscall has finished. */
static int advance(struct tracer *t, struct tracee *tc, int64_t rval)
{
	struct capeng_tc *ce = tc->ce;
	struct arch_regs regs;
	struct realcaps rc;
	int cap;

	switch (ce->phase) {
	case PH_RAISE:
		if (rval != 0) {
			ce->ci++;
			return try_next(t, tc);
		}
		return rerun(tc, PH_RETRY);
	case PH_RETRY:
		cap = ce->cands[ce->ci];
		if (rval != -EPERM && rval != -EACCES && ce->intra) {
			/* Not a need of the workload's: lower it again, keep the call's result. */
			record_intra(t, tc, ce->orig_err);
			if (arch_get_regs(tc->pid, &ce->result) < 0 || read_realcaps(tc->pid, &rc) < 0)
				return -ESRCH;
			ce->phase = PH_INTRA_LOWER;
			return inject_capset(tc, &ce->result, arch_syscall_insn_addr(&ce->result),
					     rc.eff & ~(1ull << cap), rc.prm, rc.inh);
		}
		if (rval != -EPERM && rval != -EACCES) {
			/* The candidate fixed it: keep it raised and proven. */
			t->proven_caps |= 1ull << cap;
			record_cap(t, tc, cap, ce->orig_err);
			return finish(tc, NULL);
		}
		if (arch_get_regs(tc->pid, &regs) < 0 || read_realcaps(tc->pid, &rc) < 0)
			return -ESRCH;
		ce->phase = PH_LOWER;
		return inject_capset(tc, &regs, arch_syscall_insn_addr(&regs), rc.eff & ~(1ull << cap), rc.prm, rc.inh);
	case PH_LOWER:
		ce->ci++;
		return try_next(t, tc);
	case PH_SETCAPS:
		if (arch_get_regs(tc->pid, &regs) < 0)
			return -errno;
		arch_set_return(&regs, ce->final_ret);
		return finish(tc, &regs);
	case PH_ADJUST:
		return finish(tc, &ce->saved);
	case PH_PRERAISE:
		return rerun(tc, PH_RERUN);
	case PH_RERUN:
		return finish(tc, NULL);
	case PH_INTRA_LOWER:
		return finish(tc, &ce->result);
	}
	return RESUME_CONT;
}

int capeng_on_stop(struct tracer *t, struct tracee *tc, int status)
{
	int sig = WSTOPSIG(status);
	int event = (int)((unsigned)status >> 16);
	struct __ptrace_syscall_info info;

	if (sig == (SIGTRAP | 0x80)) {
		if (ptrace(PTRACE_GET_SYSCALL_INFO, tc->pid, sizeof(info), &info) < 0)
			return -errno;
		if (info.op == PTRACE_SYSCALL_INFO_EXIT)
			return advance(t, tc, info.exit.rval);
	} else if (event == 0 && sig != SIGTRAP) {
		/* Hold the signal: it is re-sent once the engine lets go. */
		tc->ce->sigs |= 1ull << (sig & 63);
	}
	return RESUME_SYSCALL;
}

/* ---- the program's own capget/capset see virtual sets ---- */

static int skip_syscall(struct tracee *tc, int64_t ret)
{
	struct arch_regs regs;
	int r = arch_get_regs(tc->pid, &regs);

	if (r < 0)
		return r;
	arch_skip_call(&regs, ret);
	return arch_set_regs(tc->pid, &regs);
}

static bool own_thread(const struct tracee *tc, int pid)
{
	return pid == 0 || pid == tc->pid;
}

/* ---- AUDIT_WRITE: refused in a netlink reply, not by the syscall ---- */

/* nlmsg_type values kernel/audit.c (audit_netlink_ok) accepts only with CAP_AUDIT_WRITE. */
static bool audit_user_type(uint16_t type)
{
	return type == 1005 /* AUDIT_USER */ || (type >= 1100 && type <= 1199) || (type >= 2100 && type <= 2999);
}

/* Borrow the tracee's descriptor (pidfd_getfd) to ask the socket its domain and protocol. */
static bool is_audit_socket(pid_t pid, int fd)
{
	cp_autoclose int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	cp_autoclose int sfd = -1;
	int domain = 0, proto = 0;
	socklen_t len = sizeof(int);

	if (pidfd < 0)
		return false;
	sfd = (int)syscall(SYS_pidfd_getfd, pidfd, fd, 0);
	if (sfd < 0)
		return false;
	if (getsockopt(sfd, SOL_SOCKET, SO_DOMAIN, &domain, &len) < 0 || domain != AF_NETLINK)
		return false;
	len = sizeof(int);
	return getsockopt(sfd, SOL_SOCKET, SO_PROTOCOL, &proto, &len) == 0 && proto == 9; /* NETLINK_AUDIT */
}

/*
 * A user audit message sent without AUDIT_WRITE is acknowledged with EPERM
 * while sendto/sendmsg succeed, so a retry cannot see it. The kernel's rule
 * is exact, though: such a message needs AUDIT_WRITE. Raise it before the
 * send (capset in place of the call, then the call again) and record it.
 */
static int audit_check(struct tracer *t, struct tracee *tc, const char *name)
{
	const uint64_t bit = 1ull << CAP_AUDIT_WRITE;
	uint64_t buf = 0;
	struct {
		uint32_t len;
		uint16_t type;
	} nlh;
	struct realcaps rc;
	struct capeng_tc *ce;

	if (!(tc->virt_eff & bit))
		return RESUME_DEFAULT;
	if (!strcmp(name, "sendto")) {
		buf = tc->args[1];
	} else {
		uint64_t msg[7], iov[2];

		if (peek(tc->pid, tc->args[1], msg, sizeof(msg)) < 0 || !msg[3] ||
		    peek(tc->pid, msg[2], iov, sizeof(iov)) < 0)
			return RESUME_DEFAULT;
		buf = iov[0];
	}
	if (peek(tc->pid, buf, &nlh, sizeof(nlh)) < 0 || !audit_user_type(nlh.type))
		return RESUME_DEFAULT;
	if (!is_audit_socket(tc->pid, (int)tc->args[0]) || read_realcaps(tc->pid, &rc) < 0)
		return RESUME_DEFAULT;
	if ((rc.eff & bit) || !(rc.prm & bit))
		return RESUME_DEFAULT;
	t->proven_caps |= bit;
	record_cap(t, tc, CAP_AUDIT_WRITE, EPERM);
	ce = begin(tc, PH_PRERAISE);
	if (arch_get_regs(tc->pid, &ce->saved) < 0)
		return -errno;
	return inject_capset_entry(tc, &ce->saved, rc.eff | bit, rc.prm, rc.inh);
}

int capeng_on_entry(struct tracer *t, struct tracee *tc)
{
	const char *name;
	struct capdata cd;
	int ndata, r;

	if (!tc->caps_managed || !arch_can_rewrite(tc->arch))
		return RESUME_DEFAULT;
	name = cp_syscall_name(tc->arch, tc->nr);
	if (name && (!strcmp(name, "sendto") || !strcmp(name, "sendmsg")))
		return audit_check(t, tc, name);
	if (!name || (strcmp(name, "capget") && strcmp(name, "capset")))
		return RESUME_DEFAULT;
	if (peek(tc->pid, tc->args[0], &cd.hdr, sizeof(cd.hdr)) < 0)
		return RESUME_DEFAULT;
	if (cd.hdr.version == _LINUX_CAPABILITY_VERSION_1)
		ndata = 1;
	else if (cd.hdr.version == _LINUX_CAPABILITY_VERSION_2 || cd.hdr.version == _LINUX_CAPABILITY_VERSION_3)
		ndata = 2;
	else
		return RESUME_DEFAULT; /* the kernel answers version probes itself */
	if (!own_thread(tc, cd.hdr.pid))
		return RESUME_DEFAULT;

	if (!strcmp(name, "capget")) {
		memset(cd.data, 0, sizeof(cd.data));
		cd.data[0].effective = (uint32_t)tc->virt_eff;
		cd.data[0].permitted = (uint32_t)tc->virt_prm;
		cd.data[0].inheritable = (uint32_t)tc->virt_inh;
		cd.data[1].effective = (uint32_t)(tc->virt_eff >> 32);
		cd.data[1].permitted = (uint32_t)(tc->virt_prm >> 32);
		cd.data[1].inheritable = (uint32_t)(tc->virt_inh >> 32);
		if (tc->args[1] && poke(tc->pid, tc->args[1], cd.data, (size_t)ndata * sizeof(cd.data[0])) < 0)
			return RESUME_DEFAULT; /* bad pointer: let the kernel say EFAULT */
		r = skip_syscall(tc, 0);
		if (r < 0)
			return r;
		return RESUME_CONT;
	}

	/* capset: check as the kernel would (cap_capset), then apply to the virtual sets. */
	{
		uint64_t eff = 0, prm = 0, inh = 0;
		struct realcaps rc;
		struct capeng_tc *ce;
		struct arch_regs regs;
		int64_t ret = 0;

		memset(cd.data, 0, sizeof(cd.data));
		if (peek(tc->pid, tc->args[1], cd.data, (size_t)ndata * sizeof(cd.data[0])) < 0)
			return RESUME_DEFAULT;
		for (int i = 0; i < ndata; i++) {
			eff |= (uint64_t)cd.data[i].effective << (32 * i);
			prm |= (uint64_t)cd.data[i].permitted << (32 * i);
			inh |= (uint64_t)cd.data[i].inheritable << (32 * i);
		}
		if (read_realcaps(tc->pid, &rc) < 0)
			return -ESRCH;
		if ((prm & ~tc->virt_prm) || (eff & ~prm) ||
		    ((inh & ~(tc->virt_inh | tc->virt_prm)) && !(tc->virt_eff & (1ull << CAP_SETPCAP))))
			ret = -EPERM;
		if (!ret) {
			tc->virt_eff = eff;
			tc->virt_prm = prm;
			tc->virt_inh = inh;
		}
		/* Replace the call with our capset of the real sets, and return the program's result. */
		ce = begin(tc, PH_SETCAPS);
		ce->final_ret = ret;
		if (arch_get_regs(tc->pid, &regs) < 0)
			return -errno;
		ce->saved = regs;
		if (ret)
			return inject_capset_entry(tc, &regs, rc.eff, rc.prm, rc.inh);
		return inject_capset_entry(tc, &regs, wanted_eff(t, tc), tc->virt_prm, tc->virt_inh);
	}
}

/* ---- exec ---- */

int capeng_after_exec(struct tracer *t, struct tracee *tc)
{
	struct realcaps rc;
	struct capeng_tc *ce;
	long word;

	if (read_realcaps(tc->pid, &rc) < 0)
		return -ESRCH;
	tc->euid = rc.euid;
	tc->virt_eff = rc.eff;
	tc->virt_prm = rc.prm;
	tc->virt_inh = rc.inh;
	tc->caps_managed = rc.prm != 0;
	if (!tc->caps_managed || !arch_can_rewrite(tc->arch) || rc.eff == wanted_eff(t, tc))
		return RESUME_DEFAULT;
	/*
	 * Right after exec, the pc is the new entry point with no syscall
	 * instruction before it: put one there for the capset, then restore.
	 */
	ce = begin(tc, PH_ADJUST);
	if (arch_get_regs(tc->pid, &ce->saved) < 0)
		return -errno;
	errno = 0;
	word = ptrace(PTRACE_PEEKTEXT, tc->pid, (void *)(uintptr_t)arch_pc(&ce->saved), 0);
	if (errno)
		return -errno;
	ce->text_addr = arch_pc(&ce->saved);
	ce->text_word = word;
	{
		long patched = arch_patch_syscall_insn(word);

		if (ptrace(PTRACE_POKETEXT, tc->pid, (void *)(uintptr_t)ce->text_addr, (void *)patched) < 0)
			return -errno;
	}
	ce->text_poked = true;
	return inject_capset(tc, &ce->saved, arch_pc(&ce->saved), wanted_eff(t, tc), rc.prm, rc.inh);
}
