// SPDX-License-Identifier: MIT
/* Whose RET_TRACE is it: capprof's filter's or the workload's (see filters.h). */
#include "tracer/filters.h"
#include "common/util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>

#ifndef PTRACE_SECCOMP_GET_FILTER
#define PTRACE_SECCOMP_GET_FILTER 0x420c
#endif

#define BPF_MEMWORDS_SECCOMP 16

int filt_run(const struct sock_filter *prog, size_t len, const struct seccomp_data *d, uint32_t *ret)
{
	uint32_t a = 0, x = 0, mem[BPF_MEMWORDS_SECCOMP] = { 0 };
	unsigned char data[sizeof(*d)];

	memcpy(data, d, sizeof(data));
	/* Jumps only go forward (the kernel checks), so len steps always end. */
	for (size_t pc = 0; pc < len; pc++) {
		const struct sock_filter *i = &prog[pc];
		uint32_t k = i->k, src = BPF_SRC(i->code) == BPF_X ? x : k;
		size_t skip;

		switch (BPF_CLASS(i->code)) {
		case BPF_LD:
		case BPF_LDX: {
			uint32_t v;

			switch (BPF_MODE(i->code)) {
			case BPF_ABS:
				/* Only aligned 32-bit loads from seccomp_data pass the kernel's check. */
				if (BPF_CLASS(i->code) != BPF_LD || BPF_SIZE(i->code) != BPF_W || k >= sizeof(data) ||
				    k % 4)
					return -EINVAL;
				memcpy(&v, data + k, sizeof(v));
				break;
			case BPF_LEN:
				v = sizeof(data);
				break;
			case BPF_IMM:
				v = k;
				break;
			case BPF_MEM:
				if (k >= BPF_MEMWORDS_SECCOMP)
					return -EINVAL;
				v = mem[k];
				break;
			default:
				return -EINVAL;
			}
			if (BPF_CLASS(i->code) == BPF_LD)
				a = v;
			else
				x = v;
			break;
		}
		case BPF_ST:
		case BPF_STX:
			if (k >= BPF_MEMWORDS_SECCOMP)
				return -EINVAL;
			mem[k] = BPF_CLASS(i->code) == BPF_ST ? a : x;
			break;
		case BPF_ALU:
			switch (BPF_OP(i->code)) {
			case BPF_ADD:
				a += src;
				break;
			case BPF_SUB:
				a -= src;
				break;
			case BPF_MUL:
				a *= src;
				break;
			case BPF_DIV:
			case BPF_MOD:
				/* Classic BPF ends the program with 0 on a division by zero. */
				if (!src) {
					*ret = 0;
					return 0;
				}
				a = BPF_OP(i->code) == BPF_DIV ? a / src : a % src;
				break;
			case BPF_AND:
				a &= src;
				break;
			case BPF_OR:
				a |= src;
				break;
			case BPF_XOR:
				a ^= src;
				break;
			case BPF_LSH:
				a = src < 32 ? a << src : 0;
				break;
			case BPF_RSH:
				a = src < 32 ? a >> src : 0;
				break;
			case BPF_NEG:
				a = -a;
				break;
			default:
				return -EINVAL;
			}
			break;
		case BPF_JMP:
			switch (BPF_OP(i->code)) {
			case BPF_JA:
				skip = k;
				break;
			case BPF_JEQ:
				skip = a == src ? i->jt : i->jf;
				break;
			case BPF_JGT:
				skip = a > src ? i->jt : i->jf;
				break;
			case BPF_JGE:
				skip = a >= src ? i->jt : i->jf;
				break;
			case BPF_JSET:
				skip = (a & src) ? i->jt : i->jf;
				break;
			default:
				return -EINVAL;
			}
			if (skip >= len - pc - 1)
				return -EINVAL;
			pc += skip;
			break;
		case BPF_RET:
			if (BPF_RVAL(i->code) == BPF_A)
				*ret = a;
			else if (BPF_RVAL(i->code) == BPF_K)
				*ret = k;
			else
				return -EINVAL;
			return 0;
		case BPF_MISC:
			if (BPF_MISCOP(i->code) == BPF_TAX)
				x = a;
			else if (BPF_MISCOP(i->code) == BPF_TXA)
				a = x;
			else
				return -EINVAL;
			break;
		default:
			return -EINVAL;
		}
	}
	return -EINVAL; /* fell off the end: the kernel refuses such a program */
}

/* As the kernel compares actions: as signed numbers (KILL_PROCESS is negative). */
static int32_t action_rank(uint32_t ret)
{
	return (int32_t)(ret & SECCOMP_RET_ACTION_FULL);
}

uint32_t filt_combine(uint32_t newer, uint32_t older)
{
	return action_rank(older) < action_rank(newer) ? older : newer;
}

/* Filter index from the oldest (0), as PTRACE_SECCOMP_GET_FILTER counts. */
static int fetch(pid_t pid, unsigned long idx, struct sock_filter **prog, size_t *len)
{
	long n = ptrace(PTRACE_SECCOMP_GET_FILTER, pid, (void *)idx, NULL);

	if (n < 0)
		return -errno;
	*prog = cp_xcalloc((size_t)n ? (size_t)n : 1, sizeof(**prog));
	n = ptrace(PTRACE_SECCOMP_GET_FILTER, pid, (void *)idx, *prog);
	if (n < 0) {
		int r = -errno;

		free(*prog);
		*prog = NULL;
		return r;
	}
	*len = (size_t)n;
	return 0;
}

/* How many filters pid has (-errno when the kernel will not say). */
static long count_filters(pid_t pid)
{
	long n = 0;

	while (ptrace(PTRACE_SECCOMP_GET_FILTER, pid, (void *)n, NULL) >= 0)
		n++;
	return errno == ENOENT ? n : -errno;
}

void filt_measure_base(struct trace_filters *f, pid_t pid)
{
	cp_autofree struct sock_filter *prog = NULL;
	size_t len = 0;
	long n;

	if (f->base || f->blind)
		return;
	n = count_filters(pid);
	if (n <= 0) {
		/* EACCES: not root, or capprof itself runs under seccomp; EMEDIUMTYPE: no checkpoint/restore. */
		f->blind = true;
		return;
	}
	f->base = (unsigned)n;
	/* The newest is capprof's own, just loaded. */
	f->traces_all = fetch(pid, (unsigned long)n - 1, &prog, &len) == 0 && len == 1 &&
			prog[0].code == (BPF_RET | BPF_K) && prog[0].k == SECCOMP_RET_TRACE;
}

void filt_note_syscall(struct trace_filters *f, const char *name, const uint64_t *args)
{
	if (!name)
		return;
	if ((!strcmp(name, "seccomp") && args[0] == SECCOMP_SET_MODE_FILTER) ||
	    (!strcmp(name, "prctl") && args[0] == PR_SET_SECCOMP && args[1] == SECCOMP_MODE_FILTER))
		f->workload_loads = true;
}

/* Run filters [from, to) (indexes from the oldest) on d and combine them as the kernel does, newest first. */
static int run_range(pid_t pid, unsigned long from, unsigned long to, const struct seccomp_data *d, uint32_t *out)
{
	uint32_t acc = SECCOMP_RET_ALLOW;

	for (unsigned long i = to; i-- > from;) {
		cp_autofree struct sock_filter *prog = NULL;
		uint32_t ret = 0;
		size_t len = 0;
		int r = fetch(pid, i, &prog, &len);

		if (r < 0)
			return r;
		r = filt_run(prog, len, d, &ret);
		if (r < 0)
			return r;
		acc = filt_combine(acc, ret);
	}
	*out = acc;
	return 0;
}

int filt_classify(struct trace_filters *f, pid_t pid, const struct seccomp_data *d, uint32_t data,
		  struct filt_verdict *v)
{
	uint32_t w, c;
	long n;
	int r;

	memset(v, 0, sizeof(*v));
	v->capprof_traced = true;
	v->capprof_data = data;
	if (f->blind || !f->base)
		return 0;
	/*
	 * Record's filter traces everything with data 0 and sees every
	 * seccomp(): until a tracee asks for a filter, a stop with data 0 is
	 * capprof's without asking the kernel (one ptrace call per stop saved).
	 */
	if (f->traces_all && !f->workload_loads && !data)
		return 0;
	/* A filter newer than capprof's exists iff the one at index base (from the oldest) does. */
	if (ptrace(PTRACE_SECCOMP_GET_FILTER, pid, (void *)(unsigned long)f->base, NULL) < 0) {
		if (errno == ESRCH)
			return -ESRCH;
		if (errno != ENOENT)
			f->blind = true;
		return 0;
	}
	n = count_filters(pid);
	if (n < 0)
		return n == -ESRCH ? -ESRCH : 0;
	/* Workload filters are indexes base .. n-1; capprof's is base-1. */
	r = run_range(pid, f->base, (unsigned long)n, d, &w);
	if (r < 0)
		return r == -ESRCH ? -ESRCH : 0;
	if ((w & SECCOMP_RET_ACTION_FULL) != SECCOMP_RET_TRACE)
		return 0; /* the workload's filters let it pass: the RET_TRACE is capprof's */
	v->workload = true;
	v->workload_data = w & SECCOMP_RET_DATA;
	/* capprof's data was hidden by the workload's: ask its filter directly. */
	r = run_range(pid, f->base - 1, f->base, d, &c);
	if (r == -ESRCH)
		return r;
	if (r < 0)
		c = f->traces_all ? SECCOMP_RET_TRACE : SECCOMP_RET_ALLOW; /* what it can be known to do */
	v->capprof_traced = (c & SECCOMP_RET_ACTION_FULL) == SECCOMP_RET_TRACE;
	v->capprof_data = c & SECCOMP_RET_DATA;
	return 0;
}
