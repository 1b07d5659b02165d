// SPDX-License-Identifier: MIT
/*
 * json_parse_document: the one JSON reader (recordings, Docker profiles).
 * It must tell truncated from malformed input with a one-line reason, and
 * an accepted document must print and parse again.
 */
#include "common/err.h"
#include "tests/fuzz/fuzz.h"

#include "common/recording.h"

#include <cjson/cJSON.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cJSON *root = NULL, *back = NULL;
	struct cp_err err = { 0 };
	char *text;
	int r;

	r = json_parse_document((const char *)data, size, &root, &err);
	if (r < 0) {
		FUZZ_ASSERT(r == -EINVAL);
		FUZZ_ASSERT(root == NULL);
		FUZZ_ASSERT(err.msg[0] != '\0' && strchr(err.msg, '\n') == NULL);
		return 0;
	}
	FUZZ_ASSERT(root != NULL);
	text = cJSON_PrintUnformatted(root);
	FUZZ_ASSERT(text != NULL);
	r = json_parse_document(text, strlen(text), &back, &err);
	FUZZ_ASSERT(r == 0);
	cJSON_Delete(back);
	cJSON_free(text);
	cJSON_Delete(root);
	return 0;
}
