// SPDX-License-Identifier: MIT
/*
 * A Docker seccomp profile seen as a recording, for diff. Parsing and the
 * meaning of the result belong to the loader `capprof run` uses
 * (enforce/profile.h), so diff and run never disagree on what a profile
 * allows. Diff takes the profile as used without capabilities: a rule that
 * includes a capability grants nothing here.
 */
#include "generator/gen.h"
#include "common/json.h"
#include "common/util.h"
#include "enforce/profile.h"

#include <cjson/cJSON.h>

/* Told apart by their top-level keys: a recording has "schema", a profile "defaultAction". */
bool gen_is_profile(const char *text, size_t len)
{
	cp_autojson *root = NULL;

	if (json_parse_document(text, len, &root, NULL) < 0)
		return false;
	return cJSON_IsObject(root) && cJSON_GetObjectItemCaseSensitive(root, "defaultAction") &&
	       !cJSON_GetObjectItemCaseSensitive(root, "schema");
}

int gen_profile_to_rec(const char *text, size_t len, struct cp_rec **out, struct cp_err *err)
{
	cp_autoprofile *p = NULL;
	const uint64_t no_caps = 0;
	int r = enf_profile_parse(text, len, &p, err);

	if (r < 0)
		return r;
	return enf_profile_to_rec(p, &no_caps, out);
}
