// SPDX-License-Identifier: MIT
/*
 * cp_errno_parse: errno names in recordings and in profiles' errnoRet.
 * An accepted name is the canonical name of the number it returns.
 */
#include "tests/fuzz/fuzz.h"

#include "common/names.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_cstr(data, size);
	int e = cp_errno_parse(s);

	if (e >= 0) {
		const char *name = cp_errno_name(e);

		FUZZ_ASSERT(e > 0);
		FUZZ_ASSERT(name != NULL && strcmp(name, s) == 0);
	} else {
		FUZZ_ASSERT(e == -1);
	}
	free(s);
	return 0;
}
