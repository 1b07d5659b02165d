// SPDX-License-Identifier: MIT
/*
 * gen_runtime_parse: the runtime baseline data files (profiles/runtime-*.json)
 * emit reads. Its lists must come out sorted and unique, as gen.h promises.
 */
#include "tests/fuzz/fuzz.h"

#include "generator/gen.h"

static void sorted_unique(char **v, size_t n)
{
	for (size_t i = 1; i < n; i++)
		FUZZ_ASSERT(strcmp(v[i - 1], v[i]) < 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct gen_runtime *rt = NULL;
	struct cp_err err = { 0 };
	int r;

	r = gen_runtime_parse((const char *)data, size, size & 1 ? "runc" : NULL, &rt, &err);
	if (r < 0) {
		FUZZ_ASSERT(err.code == r && err.msg[0] != '\0' && strchr(err.msg, '\n') == NULL);
		return 0;
	}
	FUZZ_ASSERT(rt != NULL);
	sorted_unique(rt->with_nnp, rt->n_with);
	sorted_unique(rt->without_nnp, rt->n_without);
	gen_runtime_free(rt);
	return 0;
}
