/* SPDX-License-Identifier: MIT */
/*
 * The protocol between a seccomp filter capprof compiles (enforce/, for
 * verify) and the tracer that reads its stops (tracer/): both sides include
 * this, neither includes the other.
 *
 * RET_TRACE with SECCOMP_RET_DATA = CP_TRACE_DENY | errno means "the profile
 * denies this call with errno"; the tracer records the denial and fails the
 * call with that errno. Errno 0 stands for a kill (or trap) action: the
 * tracer kills the process. RET_TRACE with data 0 is record's "trace
 * everything" filter.
 *
 * A workload may load seccomp filters of its own, and a later filter's
 * RET_TRACE data wins over capprof's (equal actions: the most recently
 * installed filter's value). So the data alone never proves a stop is
 * capprof's: the tracer asks the kernel which filters returned what
 * (tracer/filters.c) before trusting it.
 */
#ifndef CP_TRACE_PROTO_H
#define CP_TRACE_PROTO_H

#define CP_TRACE_DENY 0x8000u
#define CP_TRACE_ERRNO_MASK 0x0fffu

#endif
