/* SPDX-License-Identifier: MIT */
/*
 * What a workload could have done but did not: the C library functions its
 * executables and their (non-libc) shared libraries import, mapped to the
 * syscalls those functions can make, minus the syscalls the recording saw.
 * The table and its sources: generator/reach_table.c; docs/coverage.md.
 */
#ifndef CP_REACH_H
#define CP_REACH_H

#include <stdbool.h>
#include <stddef.h>

#include "common/recording.h"

struct cp_buf;

/* One imported C library function and the syscalls it can make. */
struct reach_fn {
	const char *fn;
	const char *const *sys; /* NULL-terminated; names as libseccomp spells them */
	const char *src; /* where the mapping comes from (glibc source, man page) */
};

extern const struct reach_fn reach_table[];
extern const size_t reach_table_len;

/* The table entry for an imported symbol, or NULL. */
const struct reach_fn *reach_lookup(const char *fn);

/* How much it matters that a syscall was never exercised (docs/coverage.md). */
enum reach_risk {
	REACH_LOW = 0, /* reads state, waits, manages own memory */
	REACH_MEDIUM, /* creates processes, talks to the network, changes files */
	REACH_HIGH, /* changes privilege, namespaces, the kernel or other processes */
};
enum reach_risk reach_risk(const char *syscall);
const char *reach_risk_name(enum reach_risk r);

/* A syscall an executable can reach through its imports. */
struct reach_call {
	const char *name; /* static (table) string */
	enum reach_risk risk;
	const char *via; /* first import (alphabetically) that reaches it */
	size_t nvia; /* how many imports reach it */
};

struct reach_exe {
	char *path;
	int err; /* 0, or -errno when the file could not be read */
	uint32_t arch; /* SCMP_ARCH_* the names were checked against */
	bool is_static; /* no dynamic imports at all: cannot be seen into */
	bool raw_syscall; /* imports syscall(): direct calls cannot be seen into */
	bool dlopen; /* imports dlopen(): code loaded at run time is not seen */
	char **libs; /* non-libc libraries read, resolved paths */
	size_t nlibs;
	char **unresolved; /* DT_NEEDED names not found */
	size_t nunresolved;
	size_t nimports; /* imported functions the table knows */
	struct reach_call *reach; /* every reachable syscall */
	size_t nreach;
	struct reach_call *unseen; /* reachable and not recorded, riskiest first */
	size_t nunseen;
};

struct reach_report {
	struct reach_exe *exes;
	size_t nexes;
	const char **unseen; /* union over exes, sorted by name */
	size_t nunseen;
};

/*
 * Read every recorded executable's imports (and its libraries') from the
 * files as they are now on this machine: a recording made elsewhere (in a
 * container, on another host) can only be checked where its files are.
 * Unreadable files are reported per executable (err), never fatal.
 */
int reach_compute(const struct cp_rec *rec, struct reach_report **out);
void reach_report_free(struct reach_report *r);

/* Imports of one ELF file, for tests: 0 and the reach_exe, or -errno. */
int reach_exe_read(const char *path, uint32_t arch, struct reach_exe *out);
void reach_exe_clear(struct reach_exe *e);

/* Renderings for explain --unexercised (text and JSON) and the summary. */
char *reach_text(const struct reach_report *r);
char *reach_json(const struct reach_report *r);
void reach_summary(struct cp_buf *b, const struct reach_report *r);

#endif
