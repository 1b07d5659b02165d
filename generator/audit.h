/* SPDX-License-Identifier: MIT */
/*
 * The kernel's seccomp audit records (type 1326, "SECCOMP" in audit.log),
 * as capprof learn reads them from /dev/kmsg, dmesg, the journal or
 * /var/log/audit/audit.log, and how they become a recording. Log lines are
 * untrusted input: every parse error is reported, never guessed around
 * (tests/fuzz/fuzz_audit_parse.c). docs/learning.md.
 */
#ifndef CP_AUDIT_H
#define CP_AUDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/recording.h"

#define AUDIT_MAX_LINE 65536

/* The fields of one seccomp record that capprof keeps. */
struct audit_seccomp {
	uint64_t sec, msec, serial; /* audit(SEC.MSEC:SERIAL): when and which */
	int32_t pid;
	char *exe; /* decoded (audit hex-encodes names with odd bytes); NULL when absent */
	char *comm;
	uint32_t arch; /* AUDIT_ARCH_* as logged, which is libseccomp's SCMP_ARCH_* token */
	uint64_t syscall; /* as logged: x32 calls carry the x32 bit */
	uint64_t ip;
	uint32_t code; /* the filter's SECCOMP_RET_* action */
	bool has_ip, has_code;
};

/*
 * Parse one log line. Returns 1 and fills out for a seccomp record, 0 for
 * any other line, -EINVAL (with a one-line reason in err) for a seccomp
 * record that is malformed or cut short. Clear out with audit_seccomp_clear.
 */
int audit_parse_line(const char *line, size_t len, struct audit_seccomp *out, struct cp_err *err);
void audit_seccomp_clear(struct audit_seccomp *a);

/* What the filter did: "log", "errno", "kill", ... from code. */
const char *audit_action_name(const struct audit_seccomp *a);

/*
 * Add a record to a recording: the syscall on its architecture (first pid,
 * exe and ip as evidence) and the executable. -EINVAL with err when the
 * architecture or syscall number is one libseccomp does not know.
 */
int audit_rec_add(struct cp_rec *rec, const struct audit_seccomp *a, struct cp_err *err);

#endif
