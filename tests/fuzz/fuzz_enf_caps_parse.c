// SPDX-License-Identifier: MIT
/*
 * enf_caps_parse: the --cap-add list of run and verify. The input is split
 * at newlines into names, as repeated options would give them. A name that
 * cp_cap_parse accepts must set exactly its bit.
 */
#include "common/err.h"
#include "tests/fuzz/fuzz.h"

#include "common/names.h"
#include "enforce/caps.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_cstr(data, size);
	char *names[64];
	size_t n = 0;
	uint64_t mask = 0, want = 0;
	struct cp_err err = { 0 };
	bool all_known = true;
	int r;

	for (char *tok = s, *nl; tok && n < CP_ARRAY_SIZE(names); tok = nl) {
		nl = strchr(tok, '\n');
		if (nl)
			*nl++ = '\0';
		names[n++] = tok;
	}
	for (size_t i = 0; i < n; i++) {
		int c = cp_cap_parse(names[i]);

		if (c < 0)
			all_known = false;
		else
			want |= 1ull << c;
	}
	r = enf_caps_parse(names, n, &mask, &err);
	if (r == 0 && all_known)
		FUZZ_ASSERT(mask == want);
	if (r < 0)
		FUZZ_ASSERT(err.msg[0] != '\0');
	free(s);
	return 0;
}
