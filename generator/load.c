// SPDX-License-Identifier: MIT
/* Loading inputs for the file commands: recordings (merged) and profiles. */
#include "generator/gen.h"
#include "common/util.h"

#include <errno.h>
#include <string.h>

#define GEN_MAX_INPUT (64u << 20)

int gen_load_merged(char *const *paths, size_t n, struct cp_rec **out, struct cp_err *err)
{
	cp_autorec *all = NULL;

	for (size_t i = 0; i < n; i++) {
		cp_autorec *r = NULL;
		int ret = rec_load(paths[i], &r, err);

		if (ret < 0)
			return cp_err_wrap(err, ret, "%s", paths[i]);
		if (!all)
			all = cp_steal_pointer(&r);
		else
			rec_merge(all, r);
	}
	*out = cp_steal_pointer(&all);
	return 0;
}

int gen_load_any(const char *path, struct cp_rec **out, bool *is_profile, struct cp_err *err)
{
	cp_autofree char *text = NULL;
	size_t len;
	int r = cp_read_file(path, GEN_MAX_INPUT, &text, &len);

	if (r < 0)
		return cp_fail(err, r, "%s: %s", path,
			       r == -EFBIG ? "too large for a recording or profile" : cp_read_strerror(r));
	*is_profile = gen_is_profile(text, len);
	if (*is_profile) {
		r = gen_profile_to_rec(text, len, out, err);
		return r < 0 ? cp_err_wrap(err, r, "%s", path) : r;
	}
	r = rec_parse(text, len, out, err);
	return r < 0 ? cp_err_wrap(err, r, "%s", path) : r;
}
