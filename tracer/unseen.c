// SPDX-License-Identifier: MIT
/*
 * Calls after which part of the workload's behaviour is hidden from the
 * recording (common/recording.h, enum cp_unseen_kind): io_uring_setup,
 * a ptrace attach of its own, a seccomp filter of its own.
 */
#include "tracer/tracee.h"
#include "common/names.h"
#include "common/util.h"

#include <linux/seccomp.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>

enum { U_IO_URING, U_PTRACE, U_SECCOMP, U_PRCTL, U_N };

static const char *const watched[U_N] = { "io_uring_setup", "ptrace", "seccomp", "prctl" };

/* The watched calls' numbers per architecture, resolved once. */
static int watched_index(uint32_t arch, uint32_t nr)
{
	static struct {
		uint32_t arch;
		int nr[U_N];
	} cache[4];
	size_t i;

	for (i = 0; i < CP_ARRAY_SIZE(cache) && cache[i].arch && cache[i].arch != arch; i++)
		;
	if (i == CP_ARRAY_SIZE(cache))
		i = 0; /* more arches than slots: share the first */
	if (cache[i].arch != arch) {
		cache[i].arch = arch;
		for (int k = 0; k < U_N; k++)
			cache[i].nr[k] = cp_syscall_nr(arch, watched[k]);
	}
	for (int k = 0; k < U_N; k++)
		if (cache[i].nr[k] >= 0 && (uint32_t)cache[i].nr[k] == nr)
			return k;
	return -1;
}

static void note(struct tracer *t, struct tracee *tc, int kind)
{
	struct cp_capuse *u = &t->rec->unseen[kind];

	if (u->hits++)
		return;
	u->ev.syscall = cp_xstrdup(watched[watched_index(tc->arch, tc->nr)]);
	u->ev.arch = tc->arch;
	memcpy(u->ev.args, tc->args, sizeof(u->ev.args));
	u->ev.pid = tc->pid;
	u->ev.exe = cp_xstrdup(tracer_exe(tc));
}

void unseen_check(struct tracer *t, struct tracee *tc)
{
	switch (watched_index(tc->arch, tc->nr)) {
	case U_IO_URING:
		note(t, tc, CP_UNSEEN_IO_URING);
		break;
	case U_PTRACE:
		if (tc->args[0] == PTRACE_TRACEME || tc->args[0] == PTRACE_ATTACH || tc->args[0] == PTRACE_SEIZE)
			note(t, tc, CP_UNSEEN_TRACER);
		break;
	case U_SECCOMP:
		if (tc->args[0] == SECCOMP_SET_MODE_FILTER || tc->args[0] == SECCOMP_SET_MODE_STRICT)
			note(t, tc, CP_UNSEEN_SECCOMP);
		break;
	case U_PRCTL:
		if (tc->args[0] == PR_SET_SECCOMP)
			note(t, tc, CP_UNSEEN_SECCOMP);
		break;
	default:
		break;
	}
}
