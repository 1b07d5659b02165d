// SPDX-License-Identifier: MIT
/*
 * cp_parse_u64: numbers in recordings (hex strings above 2^53) and numeric
 * command-line values. An accepted number printed in decimal and in hex
 * parses back to itself; signs and blanks are always refused (strtoull
 * would skip blanks and negate a '-').
 */
#include "tests/fuzz/fuzz.h"

#include "common/util.h"

#include <errno.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_cstr(data, size);
	uint64_t v = 0, w = 0;
	char buf[32];
	int r = cp_parse_u64(s, &v);

	if (r == 0) {
		/* Only digits (and the x of 0x) make a number: no blanks, no signs. */
		FUZZ_ASSERT(s[0] >= '0' && s[0] <= '9');
		FUZZ_ASSERT(strspn(s, "0123456789abcdefABCDEFxX") == strlen(s));
		snprintf(buf, sizeof(buf), "%llu", (unsigned long long)v);
		FUZZ_ASSERT(cp_parse_u64(buf, &w) == 0 && w == v);
		snprintf(buf, sizeof(buf), "0x%llx", (unsigned long long)v);
		FUZZ_ASSERT(cp_parse_u64(buf, &w) == 0 && w == v);
	} else {
		FUZZ_ASSERT(r == -EINVAL || r == -ERANGE);
	}
	free(s);
	return 0;
}
