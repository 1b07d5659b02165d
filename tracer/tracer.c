// SPDX-License-Identifier: MIT
/*
 * The tracing loop. One seccomp filter returns SECCOMP_RET_TRACE for every
 * syscall, so a syscall costs one stop (PTRACE_EVENT_SECCOMP); the exit stop
 * is asked for (PTRACE_SYSCALL) only where the result matters. Under
 * record --baseline the filter lets known calls pass (baseline.c).
 *
 * The loop reads as strace's: while (next_event()) dispatch_event(). A
 * stop is classified into enum stop_kind, a handler (or the capability
 * engine) decides what happens to the tracee and returns an enum resume
 * verdict, and dispatch_event alone restarts it. Register and instruction
 * details live behind tracer/arch.h.
 */
#include "tracer/arch.h"
#include "tracer/outcap.h"
#include "tracer/tracee.h"
#include "common/names.h"
#include "common/util.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <limits.h>
#include <sched.h>
#include <seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#define GRACE_SECONDS 5
#define SPIN_NS 50000 /* poll at most this long for the next stop before sleeping */
#define SPIN_NS_MIN 10000 /* and at least this long */
#define SPIN_SCORE_MAX 8

static volatile sig_atomic_t got_signal, got_alarm;
/* The run's --baseline filter, for trace_load_filter in the child (also called from sandbox setup). */
static const struct trace_baseline *active_baseline;
static volatile pid_t forward_pid;

/*
 * Every signal whose default action ends a process (docs/hardening.md has
 * the table). SIGKILL and SIGSTOP cannot be caught: PTRACE_O_EXITKILL ends
 * the workload with capprof.
 */
static const int fatal_sigs[] = {
	SIGHUP,	 SIGINT,  SIGQUIT, SIGILL,    SIGTRAP, SIGABRT, SIGBUS,	   SIGFPE,  SIGUSR1, SIGSEGV, SIGUSR2,
	SIGPIPE, SIGALRM, SIGTERM, SIGSTKFLT, SIGXCPU, SIGXFSZ, SIGVTALRM, SIGPROF, SIGIO,   SIGPWR,  SIGSYS,
};

static bool is_fault(int sig)
{
	return sig == SIGILL || sig == SIGTRAP || sig == SIGABRT || sig == SIGBUS || sig == SIGFPE || sig == SIGSEGV ||
	       sig == SIGSYS;
}

/*
 * A signal the terminal sent (SI_KERNEL) already reached the workload, which
 * shares our process group: it decides what to do. A signal sent to capprof
 * alone is forwarded to the workload, the recording is marked incomplete,
 * and the workload gets GRACE_SECONDS to end before it is killed. Only
 * alarm() sends SIGALRM with SI_KERNEL: that is the grace period ending.
 */
static void on_signal(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	if (sig == SIGALRM && si->si_code == SI_KERNEL) {
		got_alarm = 1;
		alarm(1); /* re-interrupt wait4 should the first one be missed */
		return;
	}
	/* capprof's own fault or abort(), or its own write to a closed pipe: not the user's. */
	if ((is_fault(sig) && (si->si_code > 0 || si->si_pid == getpid())) ||
	    (sig == SIGPIPE && si->si_pid == getpid())) {
		if (sig != SIGPIPE)
			signal(sig, SIG_DFL);
		return;
	}
	if (si->si_code == SI_KERNEL)
		return;
	if (!got_signal) {
		got_signal = sig;
		alarm(GRACE_SECONDS);
	}
	if (forward_pid > 0)
		kill(forward_pid, sig);
}

/* Catch every fatal signal while tracing; restore what was there before (the output copy's SIG_IGN). */
static void install_handlers(bool on)
{
	static struct sigaction saved[65];
	struct sigaction sa = { 0 };

	sigemptyset(&sa.sa_mask);
	sa.sa_sigaction = on_signal;
	sa.sa_flags = SA_SIGINFO; /* no SA_RESTART: wait4 returns EINTR */
	for (int sig = 1; sig < (int)CP_ARRAY_SIZE(saved) && sig <= SIGRTMAX; sig++) {
		bool fatal = sig >= SIGRTMIN;

		for (size_t i = 0; i < CP_ARRAY_SIZE(fatal_sigs) && !fatal; i++)
			fatal = fatal_sigs[i] == sig;
		if (!fatal)
			continue;
		if (on)
			sigaction(sig, &sa, &saved[sig]);
		else
			sigaction(sig, &saved[sig], NULL);
	}
	if (!on)
		alarm(0);
}

int trace_resolve_command(const char *cmd, char **path)
{
	const char *p;
	bool saw_eacces = false;
	struct stat st;

	if (!cmd || !*cmd)
		return -ENOENT;
	if (strchr(cmd, '/')) {
		if (stat(cmd, &st) < 0)
			return -errno;
		if (S_ISDIR(st.st_mode) || access(cmd, X_OK) < 0)
			return -EACCES;
		*path = cp_xstrdup(cmd);
		return 0;
	}
	p = getenv("PATH");
	if (!p)
		p = "/usr/local/bin:/usr/bin:/bin";
	while (*p) {
		const char *end = strchrnul(p, ':');
		cp_autofree char *cand = NULL;

		if (end == p)
			cand = cp_xasprintf("./%s", cmd);
		else
			cand = cp_xasprintf("%.*s/%s", (int)(end - p), p, cmd);
		if (stat(cand, &st) == 0) {
			if (!S_ISDIR(st.st_mode) && access(cand, X_OK) == 0) {
				*path = cp_steal_pointer(&cand);
				return 0;
			}
			saw_eacces = true;
		}
		p = *end ? end + 1 : end;
	}
	return saw_eacces ? -EACCES : -ENOENT;
}

int trace_load_filter(void)
{
	struct sock_filter insn[] = {
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRACE),
	};
	struct sock_fprog prog = { .len = 1, .filter = insn };

	if (active_baseline)
		return trace_baseline_load(active_baseline);
	/* Root (CAP_SYS_ADMIN) can load it without no_new_privs, so set-id binaries keep working. */
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) == 0)
		return 0;
	if (errno != EACCES)
		return -errno;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -errno;
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0)
		return -errno;
	return 0;
}

/* ---- tracee table ---- */

static size_t bucket(pid_t pid)
{
	return (size_t)pid % CP_ARRAY_SIZE(((struct tracer *)0)->buckets);
}

struct tracee *tracer_find(struct tracer *t, pid_t pid)
{
	for (struct tracee *tc = t->buckets[bucket(pid)]; tc; tc = tc->next)
		if (tc->pid == pid)
			return tc;
	return NULL;
}

static struct tracee *tracee_add(struct tracer *t, pid_t pid)
{
	struct tracee *tc = cp_xcalloc(1, sizeof(*tc));

	tc->pid = pid;
	tc->next = t->buckets[bucket(pid)];
	t->buckets[bucket(pid)] = tc;
	t->ntracees++;
	t->ntraced++;
	return tc;
}

static void tracee_remove(struct tracer *t, pid_t pid)
{
	for (struct tracee **pp = &t->buckets[bucket(pid)]; *pp; pp = &(*pp)->next) {
		struct tracee *tc = *pp;

		if (tc->pid == pid) {
			*pp = tc->next;
			capeng_forget(tc);
			free(tc->exe);
			free(tc);
			t->ntracees--;
			return;
		}
	}
}

static char *read_exe(pid_t pid)
{
	char link[64], buf[PATH_MAX];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/%d/exe", (int)pid);
	n = readlink(link, buf, sizeof(buf) - 1);
	if (n < 0)
		return NULL;
	buf[n] = '\0';
	return cp_xstrdup(buf);
}

const char *tracer_exe(struct tracee *tc)
{
	if (!tc->exe)
		tc->exe = read_exe(tc->pid);
	return tc->exe ? tc->exe : "";
}

/* ---- progress ---- */

static void progress(struct tracer *t, bool final)
{
	uint64_t now;

	if (!t->progress)
		return;
	if (final) {
		fputs("\r\033[K", stderr);
		return;
	}
	now = cp_now_ns();
	if (now - t->last_progress_ns < 100000000u)
		return;
	t->last_progress_ns = now;
	fprintf(stderr, "\r\033[Kcapprof: %zu processes, %llu syscalls, %zu distinct, %.1fs", t->ntracees,
		(unsigned long long)t->nsyscalls, rec_count_syscalls(t->rec), (double)(now - t->start_ns) / 1e9);
}

/* ---- recording ---- */

static void read_clone3_flags(pid_t pid, uint64_t addr, uint64_t *flags)
{
	struct iovec local = { flags, sizeof(*flags) };
	struct iovec remote = { (void *)(uintptr_t)addr, sizeof(*flags) };

	if (process_vm_readv(pid, &local, 1, &remote, 1, 0) != sizeof(*flags))
		*flags = 0;
}

static void record_syscall(struct tracer *t, struct tracee *tc)
{
	struct cp_arch *a = rec_arch(t->rec, tc->arch);
	struct cp_sys *s;

	t->nsyscalls++;
	if (!a || tc->nr >= 65536)
		return;
	s = rec_sys(a, tc->nr);
	if (s->count++)
		return;
	/* First call: who made it, and whether its arguments are worth keeping. */
	s->first_pid = tc->pid;
	s->first_exe = cp_xstrdup(tracer_exe(tc));
	memcpy(s->first_args, tc->args, sizeof(s->first_args));
	s->first_ip = tc->ip;
}

static void record_args(struct tracer *t, struct tracee *tc)
{
	const struct cp_arch *a = rec_arch_find(t->rec, tc->arch);
	struct cp_sys *s = a ? rec_sys_get(a, tc->nr) : NULL;
	const struct cp_argspec *spec;

	if (!s)
		return;
	spec = rec_argspec(cp_syscall_name(tc->arch, tc->nr));
	if (!spec)
		return;
	for (int k = 0; k < 4 && spec->args[k].index >= 0; k++) {
		int i = spec->args[k].index;
		uint64_t v = tc->args[i];

		if (!strcmp(spec->syscall, "clone3"))
			read_clone3_flags(tc->pid, tc->args[0], &v);
		rec_valset_add(&s->vals[i], v & ~spec->args[k].ignore_mask);
	}
}

/* Syscall numbers whose arguments are recorded, per arch; filled lazily. */
static bool has_argspec(uint32_t arch, uint32_t nr)
{
	static struct {
		uint32_t arch;
		uint8_t known[1024]; /* 0 unknown, 1 no, 2 yes */
	} cache[4];
	size_t i;

	if (nr >= 1024)
		return false;
	for (i = 0; i < CP_ARRAY_SIZE(cache); i++) {
		if (cache[i].arch == arch || !cache[i].arch) {
			cache[i].arch = arch;
			break;
		}
	}
	if (i == CP_ARRAY_SIZE(cache))
		return rec_argspec(cp_syscall_name(arch, nr)) != NULL;
	if (!cache[i].known[nr])
		cache[i].known[nr] = rec_argspec(cp_syscall_name(arch, nr)) ? 2 : 1;
	return cache[i].known[nr] == 2;
}

/* ---- denials (verify) ---- */

/* At a seccomp stop: the call does not run and fails with err. */
static int skip_syscall(struct tracee *tc, int err)
{
	struct arch_regs regs;
	int r = arch_get_regs(tc->pid, &regs);

	if (r < 0)
		return r;
	arch_skip_call(&regs, -err);
	return arch_set_regs(tc->pid, &regs);
}

static int deny_syscall(struct tracer *t, struct tracee *tc, uint32_t data)
{
	int err = (int)(data & CP_TRACE_ERRNO_MASK);
	struct cp_evidence ev = { 0 };

	ev.syscall = (char *)cp_syscall_name(tc->arch, tc->nr);
	ev.arch = tc->arch;
	memcpy(ev.args, tc->args, sizeof(ev.args));
	ev.err = err;
	ev.pid = tc->pid;
	ev.exe = (char *)tracer_exe(tc);
	if (!ev.syscall)
		ev.syscall = (char *)"unknown";
	rec_add_denied(t->rec, &ev);
	if (!err) {
		kill(tc->pid, SIGKILL);
		return 0;
	}
	/* Skip the call and make it return -err, as the profile's errno would. */
	return skip_syscall(tc, err);
}

/*
 * A workload filter of its own returned RET_TRACE (tracer/filters.h).
 * Without capprof the workload has no tracer, and the kernel fails such a
 * call with ENOSYS; but when capprof's filter (the profile, under verify)
 * denies it too, that errno or kill wins over RET_TRACE whichever filter is
 * newer, as it would under Docker. Returns a resume verdict or -errno.
 */
static int on_workload_trace(struct tracer *t, struct tracee *tc, const struct filt_verdict *v)
{
	struct cp_evidence ev = { 0 };
	int r;

	if (v->capprof_traced && (v->capprof_data & CP_TRACE_DENY))
		r = deny_syscall(t, tc, v->capprof_data);
	else {
		ev.syscall =
			(char *)(cp_syscall_name(tc->arch, tc->nr) ? cp_syscall_name(tc->arch, tc->nr) : "unknown");
		ev.arch = tc->arch;
		memcpy(ev.args, tc->args, sizeof(ev.args));
		ev.err = ENOSYS;
		ev.pid = tc->pid;
		ev.exe = (char *)tracer_exe(tc);
		rec_add_workload_traced(t->rec, &ev, v->workload_data, 1);
		r = skip_syscall(tc, ENOSYS);
	}
	return r < 0 ? r : RESUME_CONT;
}

/* ---- stops ---- */

/*
 * Each handler looks at one stop and returns what to do with the tracee
 * (enum resume, tracee.h) or -errno; only dispatch_event restarts it.
 * -ESRCH from any of them means the tracee is gone, not a failure.
 */

static int on_seccomp_stop(struct tracer *t, struct tracee *tc)
{
	struct __ptrace_syscall_info info;
	struct filt_verdict fv;
	int r;

	if (ptrace(PTRACE_GET_SYSCALL_INFO, tc->pid, sizeof(info), &info) < 0)
		return -errno;
	if (info.op != PTRACE_SYSCALL_INFO_SECCOMP)
		return RESUME_CONT;
	/* next_stop learns per syscall whether polling for the next stop pays. */
	t->spin_slot = (size_t)info.seccomp.nr < SPIN_SLOT_EVENT - 1 ? (size_t)info.seccomp.nr + 1 : 0;
	tc->arch = info.arch;
	tc->nr = (uint32_t)info.seccomp.nr;
	if (tc->arch == SCMP_ARCH_X86_64 && (tc->nr & CP_X32_SYSCALL_BIT)) {
		tc->arch = SCMP_ARCH_X32;
		tc->nr &= ~CP_X32_SYSCALL_BIT;
	}
	memcpy(tc->args, info.seccomp.args, sizeof(tc->args));
	tc->ip = info.instruction_pointer;
	if (tc->pre_exec)
		filt_measure_base(&t->filt, tc->pid); /* capprof's filter is loaded, nothing of the workload's yet */
	/*
	 * Until the workload's exec succeeds, the child is capprof reporting a
	 * failed exec: only the execve is the workload's; the rest may run.
	 */
	if (tc->pre_exec && cp_syscall_name(tc->arch, tc->nr) && strcmp(cp_syscall_name(tc->arch, tc->nr), "execve"))
		return RESUME_CONT;
	record_syscall(t, tc);
	unseen_check(t, tc);
	if (has_argspec(tc->arch, tc->nr))
		record_args(t, tc);
	progress(t, false);

	/* RET_DATA may be a workload filter's: ask which filters traced the call before trusting it. */
	filt_note_syscall(&t->filt, cp_syscall_name(tc->arch, tc->nr), tc->args);
	{
		struct seccomp_data sd = { .nr = (int)info.seccomp.nr,
					   .arch = info.arch,
					   .instruction_pointer = info.instruction_pointer };

		memcpy(sd.args, info.seccomp.args, sizeof(sd.args));
		r = filt_classify(&t->filt, tc->pid, &sd, info.seccomp.ret_data, &fv);
		if (r < 0)
			return r;
	}
	if (fv.workload)
		return on_workload_trace(t, tc, &fv);
	if (fv.capprof_data & CP_TRACE_DENY) {
		r = deny_syscall(t, tc, fv.capprof_data);
		return r < 0 ? r : RESUME_CONT;
	}
	if (t->o->caps) {
		r = capeng_on_entry(t, tc);
		if (r != RESUME_DEFAULT)
			return r;
		if (capeng_wants_exit(t, tc)) {
			tc->want_exit = true;
			return RESUME_SYSCALL;
		}
	}
	return RESUME_CONT;
}

static int on_syscall_stop(struct tracer *t, struct tracee *tc)
{
	struct __ptrace_syscall_info info;
	int r = RESUME_DEFAULT;

	if (ptrace(PTRACE_GET_SYSCALL_INFO, tc->pid, sizeof(info), &info) < 0)
		return -errno;
	if (info.op != PTRACE_SYSCALL_INFO_EXIT) {
		/* An entry stop (kernels before 4.8 order it after the seccomp stop). */
		return RESUME_SYSCALL;
	}
	if (tc->after_exec) {
		tc->after_exec = false;
		/* The new image's architecture; under --baseline no seccomp stop may have told it yet. */
		tc->arch = info.arch;
		r = capeng_after_exec(t, tc);
	} else if (tc->want_exit) {
		tc->want_exit = false;
		r = capeng_on_exit(t, tc, info.exit.rval);
	}
	return r == RESUME_DEFAULT ? RESUME_CONT : r;
}

static void on_new_child(struct tracer *t, struct tracee *parent)
{
	unsigned long msg;
	struct tracee *child;

	if (ptrace(PTRACE_GETEVENTMSG, parent->pid, 0, &msg) < 0)
		return;
	child = tracer_find(t, (pid_t)msg);
	if (!child)
		child = tracee_add(t, (pid_t)msg);
	if (!child->exe && parent->exe)
		child->exe = cp_xstrdup(parent->exe);
	if (t->o->caps)
		capeng_inherit(child, parent);
}

static void on_exec(struct tracer *t, struct tracee *tc)
{
	unsigned long former;

	/*
	 * Exec from a non-leader thread: the thread took over the leader's
	 * pid. Threads come only from PTRACE_EVENT_CLONE; until one has been
	 * seen, no exec can be a thread's and the question costs a ptrace call.
	 */
	if (t->saw_clone && ptrace(PTRACE_GETEVENTMSG, tc->pid, 0, &former) == 0 && (pid_t)former != tc->pid) {
		struct tracee *old = tracer_find(t, (pid_t)former);

		if (old) {
			tc->caps_managed = old->caps_managed;
			tc->virt_eff = old->virt_eff;
			tc->virt_prm = old->virt_prm;
			tc->virt_inh = old->virt_inh;
			tracee_remove(t, (pid_t)former);
		}
	}
	free(tc->exe);
	tc->exe = read_exe(tc->pid);
	tc->want_exit = false;
	tc->pre_exec = false;
	if (tc->exe)
		exeinfo_record(t->rec, tc->pid, tc->exe);
}

/* What a wait status is: next_event classifies, dispatch_event acts. */
enum stop_kind {
	EV_SECCOMP, /* PTRACE_EVENT_SECCOMP: entry of a traced syscall */
	EV_SYSCALL, /* syscall-stop after PTRACE_SYSCALL: an exit (or an entry on old kernels) */
	EV_CHILD, /* fork, vfork or clone: a new tracee */
	EV_EXEC, /* a successful execve */
	EV_STOP, /* PTRACE_EVENT_STOP: the first stop after attach, or a group-stop */
	EV_SIGNAL, /* signal-delivery-stop */
	EV_OTHER, /* another ptrace event */
	EV_EXIT, /* exited or killed by a signal */
};
_Static_assert(EV_EXIT < 8, "struct tracer keeps 8 spin_score slots for the kinds of stop");

struct event {
	enum stop_kind kind;
	pid_t pid;
	int status; /* from wait4 */
	int sig; /* WSTOPSIG */
};

static enum stop_kind classify(int status)
{
	int event = (int)((unsigned)status >> 16);

	if (!WIFSTOPPED(status))
		return EV_EXIT;
	if (WSTOPSIG(status) == (SIGTRAP | 0x80))
		return EV_SYSCALL;
	switch (event) {
	case PTRACE_EVENT_SECCOMP:
		return EV_SECCOMP;
	case PTRACE_EVENT_FORK:
	case PTRACE_EVENT_VFORK:
	case PTRACE_EVENT_CLONE:
		return EV_CHILD;
	case PTRACE_EVENT_EXEC:
		return EV_EXEC;
	case PTRACE_EVENT_STOP:
		return EV_STOP;
	case 0:
		return EV_SIGNAL;
	default:
		return EV_OTHER;
	}
}

static int handle_stop(struct tracer *t, struct tracee *tc, const struct event *ev)
{
	if (ev->kind == EV_EXEC)
		capeng_forget(tc); /* a non-leader's exec replaced a leader the engine may have been driving */
	else if (capeng_busy(tc))
		return capeng_on_stop(t, tc, ev->status);

	switch (ev->kind) {
	case EV_SECCOMP:
		return on_seccomp_stop(t, tc);
	case EV_SYSCALL:
		return on_syscall_stop(t, tc);
	case EV_CHILD:
		if ((ev->status >> 16) == PTRACE_EVENT_CLONE)
			t->saw_clone = true;
		on_new_child(t, tc);
		return RESUME_CONT;
	case EV_EXEC:
		if (tc->pre_exec)
			filt_measure_base(&t->filt, tc->pid); /* when execve itself did not stop */
		on_exec(t, tc);
		if (t->o->caps) {
			/* Lower the effective set at execve's exit stop, when registers are final. */
			tc->after_exec = true;
			return RESUME_SYSCALL;
		}
		return RESUME_CONT;
	case EV_STOP:
		if (!tc->started) {
			tc->started = true;
			return RESUME_CONT;
		}
		if (ev->sig == SIGSTOP || ev->sig == SIGTSTP || ev->sig == SIGTTIN || ev->sig == SIGTTOU)
			return RESUME_LISTEN; /* group-stop: stay stopped */
		return RESUME_CONT;
	case EV_SIGNAL:
		tc->started = true;
		/* Signal-delivery-stop: deliver the signal as the kernel would have. */
		return RESUME_SIGNAL(ev->sig);
	case EV_OTHER:
	case EV_EXIT:
		break;
	}
	return RESUME_CONT;
}

/* The one place a stopped tracee is restarted. */
static int resume(struct tracee *tc, int verdict)
{
	static const int request[] = {
		[RESUME_DEFAULT] = PTRACE_CONT,
		[RESUME_CONT] = PTRACE_CONT,
		[RESUME_SYSCALL] = PTRACE_SYSCALL,
		[RESUME_LISTEN] = PTRACE_LISTEN,
	};
	int how = verdict & 0xff, sig = verdict >> 8;

	if (how == RESUME_GONE || how >= (int)CP_ARRAY_SIZE(request))
		return 0;
	if (ptrace(request[how], tc->pid, 0, (void *)(uintptr_t)sig) < 0)
		return errno == ESRCH ? 0 : -errno;
	return 0;
}

static int dispatch_event(struct tracer *t, const struct event *ev)
{
	struct tracee *tc;
	int verdict;

	t->spin_slot = SPIN_SLOT_EVENT + (size_t)ev->kind;
	if (ev->kind == EV_EXIT) {
		if (ev->pid == t->leader) {
			t->leader_status = ev->status;
			t->leader_done = true;
			forward_pid = 0;
		}
		tracee_remove(t, ev->pid);
		return 0;
	}
	tc = tracer_find(t, ev->pid);
	if (!tc) {
		tc = tracee_add(t, ev->pid); /* a new child's stop can precede its parent's event */
		/* Before the event says so: a thread (not its group's leader) might exec before that event is read. */
		if (!t->saw_clone && syscall(SYS_tgkill, ev->pid, ev->pid, 0) < 0)
			t->saw_clone = true;
	}
	verdict = handle_stop(t, tc, ev);
	if (verdict == -ESRCH)
		return 0; /* gone */
	if (verdict < 0)
		return verdict;
	return resume(tc, verdict);
}

/*
 * The next stop of any tracee. A traced syscall costs a round trip between
 * tracee and tracer; when the tracer sleeps, its CPU may go idle and each
 * wake-up then costs tens of microseconds on a VM. Polling for up to 50 us
 * first catches a tracee that stops again microseconds after it was
 * restarted; measured (make bench, idle 2-vCPU VM) find /usr 16.5 s -> 6 s.
 * But a poll that misses is 50 us of a CPU the workload needed: exec-heavy
 * work went 2.4 s -> 3.8 s (2000 execs), and on a loaded machine polling
 * lost everywhere. So poll only where it has been paying: a score per
 * syscall the tracer last restarted (and per kind of other stop: an exec
 * event is followed by the new image's first call within microseconds, a
 * fork event by a slower start) goes up when the next stop came quickly
 * and down (faster) when a poll missed. read, wait4, execve or clone
 * rarely come back within 50 us and end up sleeping; newfstatat or
 * getdents64 in find keep polling.
 *
 * And poll no longer than hits take: the window is four times the recent
 * mean time to a hit (a sleep that ended quickly counts as one, so the
 * window can grow again), between 10 and 50 us. On the loaded 2-vCPU VM
 * 85-97% of hits came within 5 us, so a miss there now costs ~15 us of
 * spinning instead of 50 (tracer CPU time, exec-heavy and find: see
 * notes/issue-11-perf.md).
 */
static void spin_learn(struct tracer *t, uint64_t took)
{
	uint64_t w;

	t->spin_mean_ns = (7 * t->spin_mean_ns + took) / 8;
	w = 4 * t->spin_mean_ns;
	t->spin_ns = w < SPIN_NS_MIN ? SPIN_NS_MIN : w > SPIN_NS ? SPIN_NS : w;
}

static pid_t next_stop(struct tracer *t, int *st)
{
	int8_t *score = &t->spin_score[t->spin_slot];
	uint64_t start = cp_now_ns(), took;
	pid_t w;

	if (*score >= 0) {
		do {
			w = wait4(-1, st, __WALL | WNOHANG, NULL);
			if (w != 0) {
				if (*score < SPIN_SCORE_MAX)
					(*score)++;
				spin_learn(t, cp_now_ns() - start);
				return w;
			}
		} while (cp_now_ns() - start < t->spin_ns);
		*score = (int8_t)(*score - 3 > -SPIN_SCORE_MAX ? *score - 3 : -SPIN_SCORE_MAX);
		return wait4(-1, st, __WALL, NULL);
	}
	/* Sleeping: a quick wake-up (even with the idle vCPU's latency) says polling would have paid. */
	w = wait4(-1, st, __WALL, NULL);
	took = cp_now_ns() - start;
	if (took < SPIN_NS / 2) {
		(*score)++;
		spin_learn(t, took);
	}
	return w;
}

/* The next stop or exit of any tracee. Returns 1, 0 when no tracee is left, or -errno (-EINTR: a signal). */
static int next_event(struct tracer *t, struct event *ev)
{
	pid_t w = next_stop(t, &ev->status);

	if (w < 0)
		return errno == ECHILD ? 0 : -errno;
	ev->pid = w;
	ev->kind = classify(ev->status);
	ev->sig = WIFSTOPPED(ev->status) ? WSTOPSIG(ev->status) : 0;
	return 1;
}

static void kill_all(struct tracer *t)
{
	for (size_t b = 0; b < CP_ARRAY_SIZE(t->buckets); b++)
		for (struct tracee *tc = t->buckets[b]; tc; tc = tc->next)
			kill(tc->pid, SIGKILL);
}

static void fill_metadata(struct cp_rec *rec, const struct trace_opts *o)
{
	char cwd[PATH_MAX];
	size_t n = 0;

	while (o->argv[n])
		n++;
	rec->argc = n;
	rec->argv = cp_xcalloc(n + 1, sizeof(char *));
	for (size_t i = 0; i < n; i++)
		rec->argv[i] = cp_xstrdup(o->argv[i]);
	rec->cwd = cp_xstrdup(getcwd(cwd, sizeof(cwd)) ? cwd : "");
	rec_set_host(rec);
	rec->uid = getuid();
	rec->gid = getgid();
	rec->caps_traced = o->caps;
}

/* What the child tells the parent when it cannot get to the workload. */
struct child_failure {
	int in_exec; /* 0: setup failed (capprof's failure); 1: exec of the workload failed */
	int err; /* -errno */
};

static noreturn void child_main(const struct trace_opts *o, int errfd, struct outcap *oc)
{
	struct child_failure f = { 0, 0 };

	if (outcap_child(oc) < 0)
		_exit(125);
	/* Wait here until the tracer has seized us. */
	raise(SIGSTOP);
	f.err = o->child_setup ? o->child_setup(o->child_arg) : trace_load_filter();
	if (f.err == 0) {
		execv(o->path, o->argv);
		f.in_exec = 1;
		f.err = -errno;
	}
	if (write(errfd, &f, sizeof(f)) < 0)
		_exit(125);
	/* As a shell would: 127 not found, 126 found but not executable (or refused). */
	_exit(!f.in_exec ? 125 : f.err == -ENOENT ? 127 : 126);
}

int trace_run(const struct trace_opts *o, struct cp_rec *rec, struct trace_result *res)
{
	struct tracer t = { .o = o, .rec = rec, .spin_ns = SPIN_NS, .spin_mean_ns = SPIN_NS / 4 };
	struct outcap oc = { .rfd = -1, .wfd = -1, .filefd = -1 };
	int errpipe[2], st, r = 0;
	struct child_failure cf = { 0, 0 };
	pid_t pid;
	long opts = PTRACE_O_TRACESECCOMP | PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK | PTRACE_O_TRACECLONE |
		    PTRACE_O_TRACEEXEC | PTRACE_O_TRACESYSGOOD | PTRACE_O_EXITKILL;

	memset(res, 0, sizeof(*res));
	fill_metadata(rec, o);
	t.progress = o->progress && isatty(2);
	t.start_ns = cp_now_ns();
	if (o->caps)
		capeng_init(&t);
	active_baseline = o->baseline;
	if (o->caps && o->baseline)
		t.proven_caps = trace_baseline_caps(o->baseline); /* granted from the start, as the baseline proved */
	if ((r = outcap_prepare(&oc, o->hash_output)) < 0)
		return r;
	if (pipe2(errpipe, O_CLOEXEC) < 0)
		return -errno;
	got_signal = got_alarm = 0;
	forward_pid = 0;
	pid = fork();
	if (pid < 0) {
		r = -errno;
		active_baseline = NULL;
		close(errpipe[0]);
		close(errpipe[1]);
		return r;
	}
	if (pid == 0) {
		close(errpipe[0]);
		child_main(o, errpipe[1], &oc);
	}
	active_baseline = NULL; /* the child has its copy */
	close(errpipe[1]);
	outcap_start(&oc);
	if (waitpid(pid, &st, WSTOPPED) < 0 || !WIFSTOPPED(st) || ptrace(PTRACE_SEIZE, pid, 0, (void *)opts) < 0) {
		r = -errno ? -errno : -ECHILD;
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		close(errpipe[0]);
		return r;
	}
	t.leader = pid;
	/* Until its exec, the child is capprof: name it after what it is about to run. */
	{
		struct tracee *first = tracee_add(&t, pid);

		first->exe = realpath(o->path, NULL);
		first->pre_exec = true;
	}
	forward_pid = pid;
	install_handlers(true);
	kill(pid, SIGCONT);

	for (;;) {
		struct event ev;

		if (got_alarm && t.ntracees) {
			got_alarm = 0;
			res->killed_after_grace = true;
			kill_all(&t);
		}
		r = next_event(&t, &ev);
		if (r == -EINTR)
			continue;
		if (r <= 0)
			break;
		r = dispatch_event(&t, &ev);
		if (r < 0)
			break;
	}
	install_handlers(false);
	if (r < 0)
		kill_all(&t); /* our own failure: EXITKILL would do it too */
	outcap_finish(&oc, rec);
	progress(&t, true);
	for (size_t b = 0; b < CP_ARRAY_SIZE(t.buckets); b++)
		while (t.buckets[b])
			tracee_remove(&t, t.buckets[b]->pid);

	if (read(errpipe[0], &cf, sizeof(cf)) == (ssize_t)sizeof(cf) && cf.err < 0) {
		if (!cf.in_exec) {
			close(errpipe[0]);
			return cf.err; /* setup in the child failed: capprof's own failure */
		}
		/* The workload could not be executed: a run that ended with 126/127. */
		res->exec_errno = -cf.err;
	}
	close(errpipe[0]);

	rec->duration_ms = (cp_now_ns() - t.start_ns) / 1000000u;
	res->status = t.leader_status;
	if (WIFSIGNALED(t.leader_status)) {
		rec->exit_signal = WTERMSIG(t.leader_status);
		rec->exit_code = 128 + rec->exit_signal;
	} else {
		rec->exit_code = WEXITSTATUS(t.leader_status);
	}
	res->exit_code = rec->exit_code;
	res->interrupted_by = got_signal;
	res->syscalls = t.nsyscalls;
	res->processes = t.ntraced;
	if (o->baseline)
		trace_baseline_inherit(o->baseline, rec);
	if (got_signal) {
		rec->complete = false;
		if (sigabbrev_np(got_signal))
			rec->incomplete_reason = cp_xasprintf("capprof received SIG%s", sigabbrev_np(got_signal));
		else
			rec->incomplete_reason = cp_xasprintf("capprof received SIGRTMIN+%d", got_signal - SIGRTMIN);
	}
	if (r < 0) {
		rec->complete = false;
		free(rec->incomplete_reason);
		rec->incomplete_reason = cp_xasprintf("tracer failed: %s", strerror(-r));
	}
	return r;
}
