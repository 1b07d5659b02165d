// SPDX-License-Identifier: MIT
/*
 * enf_user_parse: --user of run and verify ("name", "uid", "name:group",
 * "uid:gid"), looked up in this machine's passwd and group databases.
 */
#include "common/err.h"
#include "tests/fuzz/fuzz.h"

#include "enforce/caps.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_cstr(data, size);
	struct enf_user u;
	struct cp_err err = { 0 };
	int r = enf_user_parse(s, &u, &err);

	if (r < 0) {
		FUZZ_ASSERT(r == -EINVAL);
		FUZZ_ASSERT(err.msg[0] != '\0');
	} else {
		FUZZ_ASSERT(u.set);
		FUZZ_ASSERT(u.ngroups == 0 || u.groups != NULL);
		enf_user_free(&u);
	}
	free(s);
	return 0;
}
