/* SPDX-License-Identifier: MIT */
/*
 * The generator: turns a recording into profiles for each target (Docker,
 * OCI, Compose, Kubernetes, Security Profiles Operator, systemd), and
 * compares and explains recordings. Everything here returns text or
 * 0/-errno; only cli/cmd_*.c prints. Formats: docs/formats.md.
 */
#ifndef CP_GEN_H
#define CP_GEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/err.h"
#include "common/recording.h"

struct cp_buf;

enum gen_format {
	GEN_DOCKER = 0,
	GEN_CAPS,
	GEN_DOCKER_RUN,
	GEN_COMPOSE,
	GEN_OCI,
	GEN_K8S,
	GEN_SPO,
	GEN_SYSTEMD,
	GEN_SUMMARY,
};

/* errno values the profiles return (Docker JSON wants numbers). */
#define GEN_EPERM 1
#define GEN_ENOSYS 38

/* A container runtime's own syscalls between filter load and exec. */
struct gen_runtime {
	char *name;
	char *measured;
	char *path; /* the data file it came from */
	char **with_nnp, **without_nnp; /* sorted, unique */
	size_t n_with, n_without;
};

struct gen_opts {
	enum gen_format format;
	const struct gen_runtime *runtime; /* NULL: --runtime none */
	bool nnp_only; /* --nnp: the runtime's with_nnp list only */
	bool no_args; /* --no-args: no argument rules */
	const char *profile_path; /* seccomp profile path used by --docker-run etc. */
	const char *docker_default; /* text of Docker's default profile, for --summary; NULL if absent */
	const char *docker_default_path;
	/*
	 * Grant capabilities verify --minimize found tolerated too (emit
	 * --keep-tolerated). By default every format but --summary grants
	 * only required ones and those without a verdict, and the seccomp
	 * formats allow the syscalls a tolerated capability's other path
	 * needs (cp_capuse.trade).
	 */
	bool keep_tolerated;
	/*
	 * --arch: target architecture families (main SCMP_ARCH_* tokens, see
	 * generator/archmap.c); 0 targets keeps the recorded architectures.
	 */
	const uint32_t *targets;
	size_t ntargets;
	char **notes; /* out, may be NULL: what the mapping dropped, one line each */
	/* Coverage (generator/reach.h): reachable but never recorded syscalls. */
	const struct reach_report *reach; /* --summary shows it; NULL: not computed */
	bool with_reachable; /* --with-reachable: allow them, each rule marked unobserved */
	int reach_max_risk; /* with_reachable: highest enum reach_risk added (REACH_HIGH: all) */
	bool complain; /* --complain: default action SCMP_ACT_LOG instead of ERRNO */
};

#define GEN_MAX_FAMILY 12
#define GEN_MAX_ARCH 32

/* A target architecture with the sub-architectures Docker's archMap gives it. */
struct gen_family {
	uint32_t arch; /* SCMP_ARCH_* of the main architecture */
	uint32_t sub[2];
	size_t nsub;
	uint32_t compat32; /* the 32-bit sub-architecture i386 calls map to, 0 if none */
	const char *goarch; /* Go's name, what Docker's includes.arches matches */
};

/* One argument comparison, as Docker and OCI spell it. */
struct gen_arg {
	uint32_t index;
	uint64_t value, value_two;
	const char *op; /* "SCMP_CMP_EQ", "SCMP_CMP_MASKED_EQ" */
};

/* One syscalls[] entry: names sharing an action, argument rule and reason. */
struct gen_rule {
	char **names;
	size_t nnames;
	bool allow; /* SCMP_ACT_ALLOW, else SCMP_ACT_ERRNO with errno_ret */
	int errno_ret;
	struct gen_arg args[CP_NARGS];
	size_t nargs;
	char *comment;
	bool recorded; /* the "made by the workload" rule */
	bool unobserved; /* --with-reachable: allowed though the recording never saw it */
	/* --arch: the rule applies only on these machines (Go GOARCH, as Docker's includes.arches) */
	const char *only[GEN_MAX_FAMILY];
	size_t nonly;
};

struct gen_policy {
	bool complain; /* default action SCMP_ACT_LOG (learning mode) instead of ERRNO */
	uint32_t arches[GEN_MAX_ARCH]; /* SCMP_ARCH_* tokens, sorted by Docker name */
	size_t narch;
	/* --arch: Docker's archMap; when nfam > 0, arches lists every family member */
	struct gen_family fams[GEN_MAX_FAMILY];
	size_t nfam;
	struct gen_rule *rules;
	size_t nrules;
};

/* Syscalls callers probe and fall back from only on ENOSYS (docs/formats.md). */
struct gen_enosys {
	const char *name;
	const char *why;
};
extern const struct gen_enosys gen_enosys_list[];
extern const size_t gen_enosys_count;

/* Namespace bits that clone/unshare rules keep forbidden unless recorded. */
#define GEN_CLONE_NS_MASK 0x7e020000ull /* NEWNS|NEWCGROUP|NEWUTS|NEWIPC|NEWUSER|NEWPID|NEWNET */
#define GEN_UNSHARE_NS_MASK (GEN_CLONE_NS_MASK | 0x80ull) /* plus CLONE_NEWTIME */

/* Build the seccomp policy of a recording. Returns 0 (never fails today). */
int gen_policy_build(const struct cp_rec *rec, const struct gen_opts *o, struct gen_policy **out);
void gen_policy_free(struct gen_policy *p);
/* Take names out of the policy's allow rules (rules left empty go); returns how many went. */
size_t gen_policy_remove_allowed(struct gen_policy *p, const char *const *names, size_t n);

/*
 * generator/archmap.c: profiles for other architectures. Parse an --arch
 * list ("x86_64,aarch64", "all") into main-architecture tokens in table
 * order; -EINVAL with err naming the bad word.
 */
int gen_arch_targets_parse(const char *list, uint32_t *out, size_t max, size_t *n, struct cp_err *err);
/* The family of a main architecture, or NULL. */
const struct gen_family *gen_arch_family(uint32_t arch);
/* Does libseccomp know name on arch (directly or as a socketcall/ipc multiplexed call)? */
bool gen_arch_knows(uint32_t arch, const char *name);
/*
 * What a call recorded on an x86_64-like machine becomes on target: up to
 * 4 names in out (0 when dropped, with *why saying why). Returns the count.
 */
size_t gen_arch_map_name(const char *name, uint32_t target, const char **out, const char **why);
/* What mapping one recording to one target did, for comments and notes. */
struct gen_archmap_result {
	char **mapped; /* "open -> openat", sorted, unique */
	size_t nmapped;
	char **dropped; /* "arch_prctl (x86 only: ...)", sorted, unique */
	size_t ndropped;
	char **added; /* names only a replacement brought in, sorted, unique */
	size_t nadded;
};
void gen_archmap_result_clear(struct gen_archmap_result *r);
/* The recording as target would have made it: f's main architecture and its compat32. */
struct cp_rec *gen_arch_map_rec(const struct cp_rec *rec, const struct gen_family *f, struct gen_archmap_result *res);
/* gen_policy_build for every o->targets, merged with per-machine rules. */
int gen_policy_build_arches(const struct cp_rec *rec, const struct gen_opts *o, struct gen_policy **out);

/* Architectures the workload used: recorded ones plus ELF machines of executables. */
size_t gen_arches(const struct cp_rec *rec, uint32_t *out);
/* SCMP_ARCH_* token of an executable's ELF machine, 0 when unknown. */
uint32_t gen_exe_arch(const struct cp_exe *e);

/* Capabilities with hits, Docker spelling, sorted; returns count. */
size_t gen_caps(const struct cp_rec *rec, const char **out);
/* True when no set-id or file-capability executable ran. */
bool gen_nnp_ok(const struct cp_rec *rec);

/*
 * Runtime baseline data: find "runtime-NAME.json" (or any data file) in
 * $CAPPROF_DATADIR, ../profiles and ../share/capprof/profiles next to the
 * executable, then CP_DATADIR/profiles. On -ENOENT, err lists the paths searched.
 */
int gen_datafile_find(const char *file, char **path, struct cp_err *err);
int gen_runtime_parse(const char *text, size_t len, const char *name, struct gen_runtime **out, struct cp_err *err);
int gen_runtime_load(const char *name, struct gen_runtime **out, struct cp_err *err);
/*
 * The default: runc's list united with crun's (when its data file is
 * there), so the profile works under Docker+runc and Podman+crun alike.
 * Only runc's data: exactly runc's list.
 */
int gen_runtime_load_either(struct gen_runtime **out, struct cp_err *err);
void gen_runtime_free(struct gen_runtime *rt);

/*
 * The recording as least privilege sees it: a shallow copy (read it, never
 * free it) whose tolerated capabilities have no hits, so they are not
 * granted and their trades are allowed instead.
 */
void gen_least_view(const struct cp_rec *rec, struct cp_rec *view);

/* Render a recording in o->format. Returns 0 and malloc'd text, or -errno with err. */
int gen_emit(const struct cp_rec *rec, const struct gen_opts *o, char **out, struct cp_err *err);

/*
 * The flags of emit --docker-run as `docker run` arguments, one word each
 * ("--cap-drop", "ALL", "--cap-add", "CHOWN", "--security-opt",
 * "seccomp=PROFILE", ...), appended to out: what sandbox/ runs docker with,
 * never re-split from the text. o->profile_path names the profile;
 * tolerated capabilities are left out unless o->keep_tolerated, as gen_emit.
 */
void gen_docker_run_args(const struct cp_rec *rec, const struct gen_opts *o, struct cp_strv *out);

/* Policy renderers (used by gen_emit and tests). */
char *gen_docker_json(const struct gen_policy *p);
char *gen_oci_json(const struct cp_rec *rec, const struct gen_policy *p, const struct gen_opts *o);
char *gen_spo_yaml(const struct cp_rec *rec, const struct gen_policy *p);
char *gen_systemd(const struct cp_rec *rec, const struct gen_policy *p);
char *gen_summary(const struct cp_rec *rec, const struct gen_opts *o);

/*
 * A seccomp profile (Docker JSON) as a recording of the syscalls it allows,
 * so diff can compare profiles and recordings. Argument rules with EQ give
 * value sets; any other rule or an unconditional allow means "any value".
 */
bool gen_is_profile(const char *text, size_t len);
int gen_profile_to_rec(const char *text, size_t len, struct cp_rec **out, struct cp_err *err);

/* diff: text report; *more set when NEW needs something OLD did not have. */
struct gen_diff_side {
	const struct cp_rec *rec;
	bool is_profile; /* capabilities unknown */
};
char *gen_diff(const struct gen_diff_side *old, const struct gen_diff_side *new_, bool *more);

/* explain: all entries when name is NULL. Returns -ENOENT when name is not recorded. */
int gen_explain(const struct cp_rec *rec, const char *name, char **out, struct cp_err *err);

/*
 * Name the function of path containing ip, for non-PIE executables (or any
 * file whose segments contain ip at their link addresses). 0 and "sym+0xoff"
 * in buf, or -ENOENT/-errno.
 */
int gen_symbolize(const char *path, uint64_t ip, char *buf, size_t len);

/* Load and merge recordings; err names the file at fault. */
int gen_load_merged(char *const *paths, size_t n, struct cp_rec **out, struct cp_err *err);
/* Load a recording or a Docker seccomp profile (told apart by "defaultAction"). */
int gen_load_any(const char *path, struct cp_rec **out, bool *is_profile, struct cp_err *err);

/* Where an unprivileged setting can replace a capability. */
struct gen_cap_alt {
	const char *what; /* in words */
	const char *sysctl, *value; /* a namespaced sysctl that does it, or NULL */
};
/* True and *alt when cap (given its evidence) has an unprivileged alternative. */
bool gen_cap_alternative(int cap, const struct cp_evidence *ev, struct gen_cap_alt *alt);
struct cp_buf;
/* verify --minimize's findings for a capability and its alternative, one item a line after indent. */
void gen_cap_verdict_text(struct cp_buf *b, int cap, const struct cp_capuse *u, const char *indent);

/* Shared text helpers. */
struct cp_buf;
void gen_yaml_str(struct cp_buf *b, const char *s);
const char *gen_family_name(uint64_t af);

#endif
