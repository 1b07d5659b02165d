// SPDX-License-Identifier: MIT
/*
 * The generator on any recording rec_parse accepts: every emit format (with
 * and without argument rules and a runtime baseline), explain of everything
 * and of single names, and diff against itself. The recording is the
 * generator's only input, so this covers what emit, explain and diff do
 * with a hostile file. A Docker profile emitted must be one that the
 * profile reader accepts again.
 */
#include "common/err.h"
#include "tests/fuzz/fuzz.h"

#include "common/names.h"
#include "common/recording.h"
#include "enforce/profile.h"
#include "generator/gen.h"

static char *with_nnp[] = { "capget", "capset", "futex", "prctl" };
static char *without_nnp[] = { "capget", "capset", "futex", "prctl", "setgroups" };
static const struct gen_runtime runtime = {
	.name = "fuzz",
	.measured = "by hand",
	.path = "fuzz",
	.with_nnp = with_nnp,
	.without_nnp = without_nnp,
	.n_with = CP_ARRAY_SIZE(with_nnp),
	.n_without = CP_ARRAY_SIZE(without_nnp),
};

static void emit(const struct cp_rec *rec, enum gen_format f, bool no_args, bool with_runtime)
{
	struct gen_opts o = {
		.format = f,
		.runtime = with_runtime ? &runtime : NULL,
		.no_args = no_args,
		.profile_path = "seccomp.json",
	};
	struct cp_err err = { 0 };
	char *text = NULL;

	FUZZ_ASSERT(gen_emit(rec, &o, &text, NULL) == 0);
	FUZZ_ASSERT(text != NULL);
	if (f == GEN_DOCKER) {
		struct enf_profile *p = NULL;
		int r = enf_profile_parse(text, strlen(text), &p, &err);

		if (r < 0)
			fprintf(stderr, "emitted profile does not parse: %s\n%s\n", err.msg, text);
		FUZZ_ASSERT(r == 0);
		enf_profile_free(p);
	}
	free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cp_rec *rec = NULL;
	struct cp_err gerr = { 0 };
	struct cp_err err = { 0 };
	char *text = NULL;
	bool more = true;

	if (size > CP_MAX_RECORDING || rec_parse((const char *)data, size, &rec, &err) < 0)
		return 0;
	for (int f = GEN_DOCKER; f <= GEN_SUMMARY; f++) {
		emit(rec, (enum gen_format)f, false, true);
		emit(rec, (enum gen_format)f, true, false);
	}
	if (gen_explain(rec, NULL, &text, &gerr) == 0)
		free(text);
	else
		FUZZ_ASSERT(gerr.msg[0] != '\0' && strchr(gerr.msg, '\n') == NULL);
	for (size_t i = 0; i < rec->narch; i++) {
		const struct cp_arch *a = &rec->arch[i];

		for (uint32_t nr = 0; nr < a->nsys; nr++) {
			const char *name = a->sys[nr] ? cp_syscall_name(a->token, nr) : NULL;

			if (!name)
				continue;
			text = NULL;
			FUZZ_ASSERT(gen_explain(rec, name, &text, &gerr) == 0);
			free(text);
		}
	}
	for (int c = 0; c < CP_MAX_CAP; c++) {
		if (!rec->caps[c].hits || !cp_cap_name(c))
			continue;
		text = NULL;
		FUZZ_ASSERT(gen_explain(rec, cp_cap_name(c), &text, &gerr) == 0);
		free(text);
	}
	{
		struct gen_diff_side side = { .rec = rec };

		text = gen_diff(&side, &side, &more);
		FUZZ_ASSERT(text != NULL && !more);
		free(text);
	}
	rec_free(rec);
	return 0;
}
