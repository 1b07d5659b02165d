// SPDX-License-Identifier: MIT
/*
 * enf_profile_parse: Docker-format seccomp profiles given to run and
 * verify (--profile). An accepted profile must also survive everything run
 * and verify do with it short of loading the filter: compiling it with
 * libseccomp (with and without capabilities, in trace-denials mode), its
 * architectures and argument masks, and its view as a recording, which must
 * serialise to a recording that parses again.
 */
#include "common/err.h"
#include "tests/fuzz/fuzz.h"

#include "common/recording.h"
#include "enforce/profile.h"

static void compile(const struct enf_profile *p, const struct enf_compile_opts *o)
{
	scmp_filter_ctx ctx = NULL;
	struct cp_err err = { 0 };

	if (enf_profile_compile(p, o, &ctx, &err) == 0)
		seccomp_release(ctx);
	else
		FUZZ_ASSERT(err.msg[0] != '\0' && strchr(err.msg, '\n') == NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct enf_profile *p = NULL;
	struct cp_rec *rec = NULL, *back = NULL;
	struct cp_err err = { 0 };
	uint32_t arches[16];
	char *text;
	int r;

	if (size > ENF_MAX_PROFILE)
		return 0;
	r = enf_profile_parse((const char *)data, size, &p, &err);
	if (r < 0) {
		FUZZ_ASSERT(p == NULL);
		FUZZ_ASSERT(err.msg[0] != '\0' && strchr(err.msg, '\n') == NULL);
		return 0;
	}
	FUZZ_ASSERT(p != NULL);

	compile(p, &(struct enf_compile_opts){ .caps = 0, .kernel_major = 5, .kernel_minor = 10 });
	compile(p, &(struct enf_compile_opts){ .caps = ~0ull, .kernel_major = 4, .kernel_minor = 0 });
	compile(p, &(struct enf_compile_opts){ .caps = 1ull << 21, .trace_denials = true });
	FUZZ_ASSERT(enf_profile_arches(p, arches, CP_ARRAY_SIZE(arches)) <= CP_ARRAY_SIZE(arches));
	(void)enf_profile_arg_mask(p, "socket");
	(void)enf_profile_arg_mask(p, "personality");

	/* As diff sees it (no capabilities) and as verify may (any capabilities). */
	for (int k = 0; k < 2; k++) {
		const uint64_t none = 0;

		rec = NULL;
		if (enf_profile_to_rec(p, k ? NULL : &none, &rec) != 0)
			continue;
		text = rec_to_json(rec);
		back = NULL;
		r = rec_parse(text, strlen(text), &back, &err);
		if (r < 0)
			fprintf(stderr, "profile as recording does not parse: %s\n", err.msg);
		FUZZ_ASSERT(r == 0);
		rec_free(back);
		free(text);
		rec_free(rec);
	}
	enf_profile_free(p);
	return 0;
}
