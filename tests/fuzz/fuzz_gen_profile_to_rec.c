// SPDX-License-Identifier: MIT
/*
 * gen_profile_to_rec: a Docker seccomp profile read by diff (told apart from
 * a recording by gen_is_profile). The recording it gives must serialise and
 * parse again, and diff against itself must find nothing more.
 */
#include "common/err.h"
#include "tests/fuzz/fuzz.h"

#include "common/recording.h"
#include "generator/gen.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cp_rec *rec = NULL, *back = NULL;
	struct cp_err gerr = { 0 };
	struct cp_err err = { 0 };
	char *text;
	bool more = true;
	int r;

	(void)gen_is_profile((const char *)data, size);
	r = gen_profile_to_rec((const char *)data, size, &rec, &gerr);
	if (r < 0) {
		FUZZ_ASSERT(rec == NULL);
		FUZZ_ASSERT(gerr.code == r && gerr.msg[0] != '\0' && strchr(gerr.msg, '\n') == NULL);
		return 0;
	}
	text = rec_to_json(rec);
	r = rec_parse(text, strlen(text), &back, &err);
	if (r < 0)
		fprintf(stderr, "profile as recording does not parse: %s\n", err.msg);
	FUZZ_ASSERT(r == 0);
	free(text);
	{
		struct gen_diff_side side = { .rec = rec, .is_profile = true };

		text = gen_diff(&side, &side, &more);
		FUZZ_ASSERT(text != NULL && !more);
		free(text);
	}
	rec_free(back);
	rec_free(rec);
	return 0;
}
