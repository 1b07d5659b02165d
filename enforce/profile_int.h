/* SPDX-License-Identifier: MIT */
/*
 * Private to enforce/profile*.c: the parsed Docker profile and what its
 * parts share. profile.c owns the model (free, which rule applies where),
 * profile_parse.c builds it from JSON, profile_compile.c hands it to
 * libseccomp, profile_view.c answers questions about it (as a recording,
 * vital calls denied, verify's edits).
 */
#ifndef CP_ENF_PROFILE_INT_H
#define CP_ENF_PROFILE_INT_H

#include <seccomp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/err.h"
#include "common/util.h"
#include "enforce/profile.h"

enum enf_act_kind {
	ENF_ACT_ALLOW,
	ENF_ACT_ERRNO,
	ENF_ACT_KILL_THREAD,
	ENF_ACT_KILL_PROCESS,
	ENF_ACT_TRAP,
	ENF_ACT_TRACE,
	ENF_ACT_LOG,
};

struct enf_action {
	enum enf_act_kind kind;
	int ret; /* errno for ERRNO, message for TRACE */
};

/* includes or excludes of one rule. */
struct enf_cond {
	bool has_caps;
	uint64_t caps;
	bool caps_unknown; /* a capability this libcap does not know: never held */
	char **arches;
	size_t narches;
	bool has_kernel;
	unsigned kmajor, kminor;
};

struct enf_arg {
	unsigned index;
	uint64_t value, value_two;
	enum scmp_compare op;
};

struct enf_rule {
	char **names;
	size_t nnames;
	struct enf_action act;
	struct enf_arg *args;
	size_t nargs;
	struct enf_cond inc, exc;
};

struct enf_archmap {
	uint32_t arch;
	uint32_t *sub;
	size_t nsub;
};

struct enf_profile {
	struct enf_action def;
	uint32_t *arches;
	size_t narches;
	struct enf_archmap *map;
	size_t nmap;
	struct enf_rule *rules;
	size_t nrules;
	bool flag_log, flag_spec_allow;
	char *unknown_key; /* first top-level key Docker ignores */
};

/* ALLOW or LOG. */
bool enf_allows(const struct enf_action *a);

/*
 * Does a rule apply on machine arch, in Docker's order: arches, then (when
 * caps is not NULL) caps and minKernel against kmaj.kmin.
 */
bool enf_rule_applies(const struct enf_rule *r, uint32_t arch, const uint64_t *caps, unsigned kmaj, unsigned kmin);

/* Architectures a filter compiled on machine native covers (native first); returns how many. */
size_t enf_arches_for(const struct enf_profile *p, uint32_t native, uint32_t *tokens, size_t max);

#endif
