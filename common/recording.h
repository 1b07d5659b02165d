/* SPDX-License-Identifier: MIT */
/*
 * The recording: the one model the tracer writes and the generator reads.
 * Its JSON form is documented in docs/recording-schema.md.
 */
#ifndef CP_RECORDING_H
#define CP_RECORDING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CP_SCHEMA_NAME "capprof-recording"
#define CP_SCHEMA_VERSION 1
#define CP_NARGS 6
#define CP_MAX_ARCH 8
#define CP_MAX_CAP 64
#define CP_MAX_VALUES 256 /* distinct values kept per argument */
#define CP_MAX_DENIED 256
#define CP_MAX_RECORDING (64u << 20)
#define CP_MAX_NR 65536u /* syscall numbers above this are not recorded */

/* A set of distinct argument values; overflow when more than CP_MAX_VALUES. */
struct cp_valset {
	uint64_t *v; /* sorted ascending */
	uint32_t n, cap;
	bool overflow;
};

/* One system call of one architecture. */
struct cp_sys {
	uint64_t count;
	int32_t first_pid;
	char *first_exe;
	uint64_t first_args[CP_NARGS];
	uint64_t first_ip; /* instruction pointer of the first call, 0 if unknown */
	struct cp_valset vals[CP_NARGS]; /* only for arguments in the arg table */
	/*
	 * record --baseline: the baseline allowed this call (or these argument
	 * values) in the kernel, so calls to it may have gone unseen; count
	 * and first are only what was traced, vals include the baseline's.
	 */
	bool inherited;
};

struct cp_arch {
	uint32_t token; /* SCMP_ARCH_* */
	struct cp_sys **sys; /* indexed by syscall number, x32 bit stripped */
	uint32_t nsys;
};

/* Why a capability was needed, or a call that failed even with privileges. */
struct cp_evidence {
	char *syscall;
	uint32_t arch;
	uint64_t args[CP_NARGS];
	char *path; /* resolved path for file syscalls, or NULL */
	int err; /* errno the call failed with without the capability */
	int32_t pid;
	char *exe;
};

enum cp_verdict {
	CP_VERDICT_HIT = 0, /* exercised: a failure it fixed was seen */
	CP_VERDICT_REQUIRED, /* verify --minimize: outcome changes without it */
	CP_VERDICT_TOLERATED, /* verify --minimize: outcome the same without it */
};

struct cp_capuse {
	uint64_t hits; /* 0: capability not used */
	enum cp_verdict verdict;
	struct cp_evidence ev; /* first evidence */
	bool inherited; /* record --baseline: granted from the start as the baseline was, not re-proven */
	/*
	 * verify --minimize: what happened in the trial without it ("outcome
	 * unchanged", "exit 100, reference 0", "stderr line 2 differs: ..."),
	 * and the syscalls a tolerated capability's other path needs (the
	 * profile then allows them instead: "needs gettid as well").
	 */
	char *without;
	char **trade;
	size_t ntrade;
};

struct cp_exe {
	char *path;
	int elf_class; /* 32, 64, or 0 when not ELF */
	char *machine; /* "x86_64", "i386", ... or NULL */
	bool setuid, setgid;
	char *file_caps; /* text form, or NULL */
	uint64_t count;
};

/* Things a workload did that hide part of its behaviour from the recording. */
enum cp_unseen_kind {
	CP_UNSEEN_IO_URING, /* io_uring_setup: operations through the ring are not syscalls */
	CP_UNSEEN_TRACER, /* ptrace attach/seize/traceme: a process has one tracer, capprof */
	CP_UNSEEN_SECCOMP, /* its own seccomp filter: calls it denies never reach capprof */
	CP_UNSEEN_MAX,
};

struct cp_rec {
	int version;
	char *capprof_version;
	char **argv;
	size_t argc;
	char *cwd;
	char *start; /* ISO 8601 UTC */
	char *kernel;
	char *machine;
	uint64_t duration_ms;
	bool complete;
	char *incomplete_reason;
	int exit_code; /* as capprof exits: status or 128+signal */
	int exit_signal; /* 0 when the workload exited normally */
	uint32_t uid, gid;
	bool caps_traced;
	char *output_method; /* how stdout was hashed, or why not (tracer/outcap.h); NULL in old recordings */
	char *output_sha256; /* NULL when output was not captured */
	uint64_t output_bytes;

	/* Where the run happened, so verify can start the same way. */
	bool env_sandbox; /* record --sandbox */
	char *env_docker_image; /* record --docker IMAGE, or NULL */
	char **env_docker_args; /* its --docker-arg values */
	size_t env_ndocker_args;

	char *baseline; /* record --baseline FILE: the file as given, or NULL */

	struct cp_arch arch[CP_MAX_ARCH];
	size_t narch;

	struct cp_exe *exes;
	size_t nexes;

	struct cp_capuse caps[CP_MAX_CAP];

	struct cp_evidence *denied;
	size_t ndenied;

	/* Calls a seccomp filter of the workload's own sent to a tracer (it got ENOSYS). */
	struct cp_wtrace *wtraced;
	size_t nwtraced;

	/*
	 * ptrace-mode access checks between two workload processes that failed
	 * only because capprof lowered the caller's effective set; retried,
	 * not a capability the workload needs (tracer/capeng.c).
	 */
	struct cp_capuse intra_ptrace;

	/* What the recording could not see, and why (rec_unseen_name/why): hits and first evidence. */
	struct cp_capuse unseen[CP_UNSEEN_MAX];
};

/* One call a workload's own filter returned RET_TRACE for, with that filter's data. */
struct cp_wtrace {
	struct cp_evidence ev;
	uint32_t data; /* SECCOMP_RET_DATA of the workload's filter */
	uint64_t count;
};
/* "io_uring", "tracer", "seccomp_filter"; NULL past the end. */
const char *rec_unseen_name(int kind);
/* One sentence: what capprof and the profile cannot see because of it. */
const char *rec_unseen_why(int kind);

/* Which argument values are recorded, per syscall name. */
struct cp_argspec {
	const char *syscall;
	struct {
		int8_t index; /* -1 ends the list */
		const char *name;
		uint64_t ignore_mask; /* bits cleared before recording */
	} args[4];
};

const struct cp_argspec *rec_argspec(const char *syscall);

struct cp_rec *rec_new(void);
void rec_free(struct cp_rec *rec);
void rec_freep(struct cp_rec **recp);
/*
 * The header fields every recording takes from the machine it is made on:
 * capprof's version, the start time (now, ISO 8601 UTC), and the kernel
 * release and machine from uname (left NULL when uname fails).
 */
void rec_set_host(struct cp_rec *rec);
#define cp_autorec __attribute__((cleanup(rec_freep))) struct cp_rec

/* Get or add the architecture with the given SCMP_ARCH_* token. */
struct cp_arch *rec_arch(struct cp_rec *rec, uint32_t token);
const struct cp_arch *rec_arch_find(const struct cp_rec *rec, uint32_t token);
/* Get or add syscall nr of an architecture (x32 bit stripped); NULL when nr >= CP_MAX_NR. */
struct cp_sys *rec_sys(struct cp_arch *a, uint32_t nr);
static inline struct cp_sys *rec_sys_get(const struct cp_arch *a, uint32_t nr)
{
	return nr < a->nsys ? a->sys[nr] : NULL;
}

void rec_valset_add(struct cp_valset *s, uint64_t v);
bool rec_valset_has(const struct cp_valset *s, uint64_t v);

struct cp_exe *rec_exe(struct cp_rec *rec, const char *path);

void rec_evidence_copy(struct cp_evidence *dst, const struct cp_evidence *src);
void rec_evidence_clear(struct cp_evidence *ev);
void rec_add_denied(struct cp_rec *rec, const struct cp_evidence *ev);
/* One entry per (syscall, exe, data), counted; at most CP_MAX_DENIED. */
void rec_add_workload_traced(struct cp_rec *rec, const struct cp_evidence *ev, uint32_t data, uint64_t count);
/* Forget a capability's minimisation result (without, trade). */
void rec_capuse_clear_verdict(struct cp_capuse *u);

/* Union of src into dst: syscalls, values, executables, capabilities. */
void rec_merge(struct cp_rec *dst, const struct cp_rec *src);

/* A syscall of an architecture by name; rec_sorted_syscalls lists them sorted by name. */
struct cp_named_sys {
	const char *name; /* from libseccomp, lives as long as the process */
	uint32_t nr;
};

/* The syscalls of a with a name, sorted by name, in *out (free it). Returns how many. */
size_t rec_sorted_syscalls(const struct cp_arch *a, struct cp_named_sys **out);

/* A syscall is needed: called in the run, or inherited from a baseline (count 0 is a profile's ENOSYS entry). */
static inline bool rec_sys_needed(const struct cp_sys *s)
{
	return s && (s->count || s->inherited);
}

/* Number of distinct syscalls over all architectures. */
size_t rec_count_syscalls(const struct cp_rec *rec);

/* Serialise; the text is deterministic for the same recording. */
char *rec_to_json(const struct cp_rec *rec);
int rec_save(const struct cp_rec *rec, const char *path);

struct cp_err;

/*
 * Parse a recording. On error returns -EINVAL (or -errno for I/O) and
 * writes a one-line reason naming the field at fault into err (common/err.h).
 */
int rec_parse(const char *text, size_t len, struct cp_rec **out, struct cp_err *err);
int rec_load(const char *path, struct cp_rec **out, struct cp_err *err);

/*
 * Parse one JSON document (cJSON), rejecting trailing data, and telling a
 * truncated document from a malformed one. Shared by every JSON reader.
 */
struct cJSON;
int json_parse_document(const char *text, size_t len, struct cJSON **out, struct cp_err *err);
#endif
