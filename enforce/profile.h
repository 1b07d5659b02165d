/* SPDX-License-Identifier: MIT */
/*
 * Docker-format seccomp profiles: parse, compile with libseccomp the way
 * Docker and runc do, and view as a recording (for diff and verify).
 * docs/run-verify.md describes the semantics we follow.
 */
#ifndef CP_ENF_PROFILE_H
#define CP_ENF_PROFILE_H

#include <seccomp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ENF_MAX_PROFILE (16u << 20)

struct cp_err;
struct cp_rec;
struct enf_profile;

struct enf_compile_opts {
	/* Capabilities the workload will hold (bit N = capability N): includes/excludes.caps. */
	uint64_t caps;
	/* Kernel for includes/excludes.minKernel; 0.0 means the running kernel. */
	unsigned kernel_major, kernel_minor;
	/*
	 * verify: every non-allow action (ERRNO, TRAP, KILL*, TRACE, the
	 * default action) becomes RET_TRACE(CP_TRACE_DENY | errno) (common/trace_proto.h), errno 0
	 * for kill and trap actions; ALLOW and LOG stay.
	 */
	bool trace_denials;
	/*
	 * Compile as Docker would on this machine (SCMP_ARCH_* token; 0: the
	 * one we run on): its archMap entry, includes.arches. For checking a
	 * profile for another architecture; such a filter cannot be loaded here.
	 */
	uint32_t machine;
};

/*
 * Parse a profile. On error returns -EINVAL and a one-line reason naming
 * the field at fault ("syscalls[3].args[0].op: unknown operator ...").
 */
int enf_profile_parse(const char *text, size_t len, struct enf_profile **out, struct cp_err *err);
/* Read and parse a profile file (at most ENF_MAX_PROFILE bytes). Returns 0 or -errno. */
int enf_profile_load(const char *path, struct enf_profile **out, struct cp_err *err);
void enf_profile_free(struct enf_profile *p);
void enf_profile_freep(struct enf_profile **pp);
#define cp_autoprofile __attribute__((cleanup(enf_profile_freep))) struct enf_profile

/*
 * The profile as a recording (for diff): per architecture (native and the
 * profile's), each syscall a holder of *caps may make (caps NULL: any
 * capabilities; kernel conditions count as met) has count 1; a name the
 * profile fails with ENOSYS and does not allow is present with count 0 (the
 * caller falls back). Per argument, the values of EQ conditions; overflow
 * ("any value") when an allowing rule does not compare that argument or
 * compares it otherwise. A profile whose default action allows lists every
 * syscall the architecture knows except those denied without conditions.
 */
int enf_profile_to_rec(const struct enf_profile *p, const uint64_t *caps, struct cp_rec **out);

/* For a filter context that goes with its scope (NULL ok): enf_autofilter ctx = NULL; */
void enf_filter_releasep(scmp_filter_ctx *c);
#define enf_autofilter __attribute__((cleanup(enf_filter_releasep))) scmp_filter_ctx

/* Build the filter; nothing is loaded. Returns 0 or -errno with a reason. */
int enf_profile_compile(const struct enf_profile *p, const struct enf_compile_opts *o, scmp_filter_ctx *out,
			struct cp_err *err);

/* Architectures the compiled filter covers (native first); returns how many. */
size_t enf_profile_arches(const struct enf_profile *p, uint32_t *tokens, size_t max);

/*
 * Argument indices (bit N = args[N]) that the profile's allowing rules for
 * syscall name compare; 0 when it has none (allowed outright, or not at all).
 */
unsigned enf_profile_arg_mask(const struct enf_profile *p, const char *name);

/*
 * Take name out of every allowing rule (verify --minimize=syscalls): the
 * default action then applies to it. Returns how many rules named it.
 */
size_t enf_profile_remove_name(struct enf_profile *p, const char *name);

/*
 * Calls every process needs that the profile denies on this machine for a
 * holder of caps (a call allowed under argument conditions counts as
 * allowed): up to max entries of {name, why}. Returns how many.
 */
struct enf_vital {
	const char *name;
	const char *why;
};
size_t enf_profile_vital_denied(const struct enf_profile *p, uint64_t caps, struct enf_vital *out, size_t max);

/*
 * The first top-level key Docker does not know ("sycalls"): Docker ignores
 * it, so callers warn. NULL when there is none.
 */
const char *enf_profile_unknown_key(const struct enf_profile *p);

/* Running kernel's major.minor from uname; 0 or -errno. */
int enf_kernel_version(unsigned *major, unsigned *minor);

#endif
