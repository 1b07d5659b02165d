/* SPDX-License-Identifier: MIT */
/* Tracer internals shared by the event loop and the capability engine. */
#ifndef CP_TRACEE_H
#define CP_TRACEE_H

#include "common/recording.h"
#include "tracer/filters.h"
#include "tracer/tracer.h"

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#define SPIN_SLOT_EVENT 513 /* struct tracer's spin_score: first slot of the non-syscall stops */

struct tracee {
	pid_t pid;
	struct tracee *next; /* hash chain */
	char *exe;
	bool started; /* first stop after attach seen */
	bool want_exit; /* restarted with PTRACE_SYSCALL, awaiting the exit stop */
	bool after_exec; /* awaiting execve's exit stop to lower capabilities */
	bool pre_exec; /* capprof's child before the workload's exec: its calls are not the workload's */
	int pending_sig; /* signal to deliver at the next restart */

	/* The syscall in flight, from its seccomp stop. */
	uint32_t arch; /* SCMP_ARCH_* (x32 separated from x86_64) */
	uint32_t nr;
	uint64_t args[CP_NARGS];
	uint64_t ip;

	/* Capability engine: what the program believes its sets are. */
	bool caps_managed;
	uint64_t virt_eff, virt_prm, virt_inh;
	uint32_t euid;
	struct capeng_tc *ce; /* retry/injection in progress, or NULL */
};

struct tracer {
	const struct trace_opts *o;
	struct cp_rec *rec;
	struct tracee *buckets[4096];
	size_t ntracees;
	uint64_t ntraced; /* tracees ever seen */
	pid_t leader;
	int leader_status;
	bool leader_done;
	uint64_t nsyscalls;
	uint64_t start_ns, last_progress_ns;
	bool progress;
	/*
	 * next_stop: does polling pay after this syscall (index nr + 1; 0:
	 * numbers past 511) or after this kind of other stop (SPIN_SLOT_EVENT
	 * + enum stop_kind, tracer.c); for how long (spin_ns, from the mean
	 * time to a hit).
	 */
	int8_t spin_score[SPIN_SLOT_EVENT + 8];
	size_t spin_slot;
	uint64_t spin_ns, spin_mean_ns;
	bool saw_clone; /* a PTRACE_EVENT_CLONE stop was seen: a tracee may be a non-leader thread */
	uint64_t proven_caps; /* capabilities proven needed so far (G) */
	uint64_t all_caps; /* capabilities the kernel knows */
	struct trace_filters filt; /* whose RET_TRACE a stop is (filters.c) */
};

/*
 * What to do with a stopped tracee once a handler (or the capability
 * engine) has looked at it. Handlers return one of these or -errno and
 * never restart a tracee: dispatch_event in tracer.c alone does.
 */
enum resume {
	RESUME_DEFAULT = 0, /* the engine has no say: the caller goes on as without it */
	RESUME_CONT, /* PTRACE_CONT */
	RESUME_SYSCALL, /* PTRACE_SYSCALL: stop again at this syscall's exit */
	RESUME_LISTEN, /* group-stop: PTRACE_LISTEN, stay stopped */
	RESUME_GONE, /* nothing to restart */
};
/* PTRACE_CONT delivering signal sig. */
#define RESUME_SIGNAL(sig) (RESUME_CONT | (sig) << 8)

struct tracee *tracer_find(struct tracer *t, pid_t pid);
const char *tracer_exe(struct tracee *tc);

/* Capability engine (capeng.c). */
/* True while the engine drives this tracee (injected or retried syscall in flight). */
static inline bool capeng_busy(const struct tracee *tc)
{
	return tc->ce != NULL;
}
/* Any stop of a busy tracee: a resume verdict or -errno (so are the capeng_on_* below). */
int capeng_on_stop(struct tracer *t, struct tracee *tc, int status);
void capeng_forget(struct tracee *tc);
bool capeng_wants_exit(const struct tracer *t, const struct tracee *tc);
/* At a seccomp stop: capget/capset virtually, audit sends. RESUME_DEFAULT when not the engine's call. */
int capeng_on_entry(struct tracer *t, struct tracee *tc);
/* At the exit stop of a syscall the engine asked for. */
int capeng_on_exit(struct tracer *t, struct tracee *tc, int64_t rval);
/* After exec (execve's exit stop): lower the effective set again. */
int capeng_after_exec(struct tracer *t, struct tracee *tc);
/* A new tracee inherits its parent's virtual sets. */
void capeng_inherit(struct tracee *child, const struct tracee *parent);
void capeng_init(struct tracer *t);
/* record --baseline: true when the engine needs no stop for name while granted is effective. */
bool capeng_can_skip(const char *name, uint64_t granted);

/* record --baseline (baseline.c). */
int trace_baseline_load(const struct trace_baseline *b);
uint64_t trace_baseline_caps(const struct trace_baseline *b);
void trace_baseline_inherit(const struct trace_baseline *b, struct cp_rec *rec);

/* Calls that hide part of the workload from the recording (unseen.c); at each seccomp stop. */
void unseen_check(struct tracer *t, struct tracee *tc);

/* Executable facts for the recording (exeinfo.c). */
void exeinfo_record(struct cp_rec *rec, pid_t pid, const char *path);

#endif
