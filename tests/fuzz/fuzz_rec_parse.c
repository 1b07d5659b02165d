// SPDX-License-Identifier: MIT
/*
 * rec_parse: every recording capprof reads (emit, merge, diff, explain, run)
 * goes through it. Beyond "no crash", an accepted recording must round-trip:
 * its JSON parses again and serialises to the same text, and merging it into
 * an empty recording and into itself must not break it.
 */
#include "common/err.h"
#include "tests/fuzz/fuzz.h"

#include "common/recording.h"

#include <cjson/cJSON.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cp_rec *rec = NULL, *back = NULL, *sum;
	struct cp_err err = { 0 };
	char *text, *again, *merged;
	int r;

	if (size > CP_MAX_RECORDING)
		return 0;
	r = rec_parse((const char *)data, size, &rec, &err);
	if (r < 0) {
		/* A rejected input names its reason in one line. */
		FUZZ_ASSERT(rec == NULL);
		FUZZ_ASSERT(err.msg[0] != '\0' && strchr(err.msg, '\n') == NULL);
		return 0;
	}
	FUZZ_ASSERT(r == 0 && rec != NULL);

	text = rec_to_json(rec);
	r = rec_parse(text, strlen(text), &back, &err);
	if (r < 0)
		fprintf(stderr, "re-parse failed: %s\n%s\n", err.msg, text);
	FUZZ_ASSERT(r == 0);
	again = rec_to_json(back);
	FUZZ_ASSERT(strcmp(text, again) == 0);

	/* Merging into an empty recording gives back the same syscalls and capabilities. */
	sum = rec_new();
	rec_merge(sum, rec);
	FUZZ_ASSERT(rec_count_syscalls(sum) == rec_count_syscalls(rec));
	rec_merge(sum, back);
	FUZZ_ASSERT(rec_count_syscalls(sum) == rec_count_syscalls(rec));
	merged = rec_to_json(sum);
	free(merged);

	free(text);
	free(again);
	rec_free(sum);
	rec_free(back);
	rec_free(rec);
	return 0;
}
