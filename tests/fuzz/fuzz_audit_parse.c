// SPDX-License-Identifier: MIT
/*
 * audit_parse_line: kernel log lines (dmesg, /dev/kmsg, the journal,
 * audit.log) that capprof learn reads. Any byte string: a record, not a
 * record, or refused with a one-line reason; a record adds to a recording
 * or is refused, never crashes.
 */
#include "common/err.h"
#include "tests/fuzz/fuzz.h"

#include "generator/audit.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct audit_seccomp a;
	struct cp_err err = { 0 };
	int r = audit_parse_line((const char *)data, size, &a, &err);

	FUZZ_ASSERT(r == 1 || r == 0 || r == -EINVAL);
	if (r == -EINVAL) {
		FUZZ_ASSERT(err.msg[0] != '\0');
		FUZZ_ASSERT(strchr(err.msg, '\n') == NULL);
		FUZZ_ASSERT(a.exe == NULL && a.comm == NULL);
	}
	if (r == 1) {
		struct cp_rec *rec = rec_new();
		struct cp_err err2 = { 0 };

		FUZZ_ASSERT(a.msec <= 999);
		if (audit_rec_add(rec, &a, &err2) == 0) {
			size_t n = rec_count_syscalls(rec);

			FUZZ_ASSERT(n == 1);
			FUZZ_ASSERT(a.exe == NULL || rec->nexes == 1);
		} else {
			FUZZ_ASSERT(err2.msg[0] != '\0');
		}
		FUZZ_ASSERT(audit_action_name(&a) != NULL);
		rec_free(rec);
		audit_seccomp_clear(&a);
	}
	return 0;
}
