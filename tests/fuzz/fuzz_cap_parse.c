// SPDX-License-Identifier: MIT
/*
 * cp_cap_parse: capability names from the command line (--cap-add style
 * options) and from recordings. An accepted name must be a capability whose
 * Docker spelling parses back to the same number.
 */
#include "tests/fuzz/fuzz.h"

#include "common/names.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_cstr(data, size);
	int cap = cp_cap_parse(s);

	if (cap >= 0) {
		const char *name = cp_cap_name(cap);

		FUZZ_ASSERT(cap < CP_MAX_CAP_NAMES);
		FUZZ_ASSERT(name != NULL);
		FUZZ_ASSERT(cp_cap_parse(name) == cap);
	} else {
		FUZZ_ASSERT(cap == -EINVAL);
	}
	free(s);
	return 0;
}
