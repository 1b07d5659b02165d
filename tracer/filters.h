/* SPDX-License-Identifier: MIT */
/*
 * Whose RET_TRACE is it? A workload may load seccomp filters of its own;
 * when several filters return RET_TRACE the kernel reports the data of the
 * most recently installed one, so a workload filter can both forge
 * capprof's deny marker and hide capprof's own verdict. At a stop where
 * that can have happened, the tracer fetches the filters newer than its
 * own from the kernel (PTRACE_SECCOMP_GET_FILTER) and runs them on the
 * stop's seccomp_data, as the kernel did.
 */
#ifndef CP_TRACER_FILTERS_H
#define CP_TRACER_FILTERS_H

#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct trace_filters {
	/* Filters capprof's first child had right after loading capprof's (its own the newest); 0: not yet. */
	unsigned base;
	/* capprof's filter is record's trace-everything one: every seccomp() of the workload stops. */
	bool traces_all;
	/* A tracee asked to load a filter of its own (seen only when traces_all). */
	bool workload_loads;
	/* The kernel would not show filters (capprof not root, or itself under seccomp): trust the data. */
	bool blind;
};

struct filt_verdict {
	bool workload; /* a workload filter returned RET_TRACE: the stop is (also) the workload's */
	uint32_t workload_data; /* its SECCOMP_RET_DATA */
	bool capprof_traced; /* capprof's own filter returned RET_TRACE for this call */
	uint32_t capprof_data; /* and this data */
};

/*
 * Run a classic BPF seccomp program on d as the kernel does. Returns 0 and
 * the filter's return value in *ret, or -EINVAL for a program the kernel
 * would not have accepted (out-of-range load, jump or scratch slot, no
 * return). Pure: no system calls.
 */
int filt_run(const struct sock_filter *prog, size_t len, const struct seccomp_data *d, uint32_t *ret);

/* The kernel's rule for several filters: the lowest action wins; on a tie, the newest. */
uint32_t filt_combine(uint32_t newer, uint32_t older);

/* At the first stop of capprof's child after its filter was loaded, before the workload's code. */
void filt_measure_base(struct trace_filters *f, pid_t pid);

/* A syscall at its seccomp stop: note when it may load a seccomp filter. */
void filt_note_syscall(struct trace_filters *f, const char *name, const uint64_t *args);

/*
 * At a seccomp stop whose RET_DATA is data: which filters returned
 * RET_TRACE. With no workload filter involved, v says capprof's filter
 * traced the call with data. Returns 0 or -errno (ESRCH: tracee gone).
 */
int filt_classify(struct trace_filters *f, pid_t pid, const struct seccomp_data *d, uint32_t data,
		  struct filt_verdict *v);

#endif
