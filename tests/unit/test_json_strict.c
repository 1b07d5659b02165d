// SPDX-License-Identifier: MIT
/*
 * JSON that readers disagree on is refused by every parser: a duplicate key
 * is planted in every object of a real document of each format (recording,
 * Docker profile, runtime data file), and each parser must name the key and
 * the path of the object it is in.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/json_strict.h"
#include "common/recording.h"
#include "common/util.h"
#include "enforce/profile.h"
#include "generator/gen.h"

typedef int (*parse_fn)(const char *text, size_t len, char *err, size_t errlen);

/* Every parser reports through struct cp_err: its message, cut to errlen. */
static void copy_err(char *err, size_t errlen, const struct cp_err *e)
{
	size_t n = strnlen(e->msg, errlen - 1);

	memcpy(err, e->msg, n);
	err[n] = '\0';
}

static int parse_recording(const char *text, size_t len, char *err, size_t errlen)
{
	struct cp_rec *rec = NULL;
	struct cp_err e = { 0 };
	int r = rec_parse(text, len, &rec, &e);

	copy_err(err, errlen, &e);
	rec_free(rec);
	return r;
}

static int parse_profile(const char *text, size_t len, char *err, size_t errlen)
{
	struct enf_profile *p = NULL;
	struct cp_err e = { 0 };
	int r = enf_profile_parse(text, len, &p, &e);

	copy_err(err, errlen, &e);
	enf_profile_free(p);
	return r;
}

static int parse_runtime(const char *text, size_t len, char *err, size_t errlen)
{
	struct gen_runtime *rt = NULL;
	struct cp_err e = { 0 };
	int r = gen_runtime_parse(text, len, "runc", &rt, &e);

	copy_err(err, errlen, &e);
	gen_runtime_free(rt);
	return r;
}

static int parse_diff_input(const char *text, size_t len, char *err, size_t errlen)
{
	struct cp_rec *rec = NULL;
	struct cp_err e = { 0 };
	int r = gen_profile_to_rec(text, len, &rec, &e);

	copy_err(err, errlen, &e);
	rec_free(rec);
	return r;
}

static char *slurp(const char *rel)
{
	const char *dir = getenv("TESTS_DIR");
	char path[512];
	char *text = NULL;

	snprintf(path, sizeof(path), "%s/%s", dir ? dir : "tests", rel);
	assert_int_equal(cp_read_file(path, 64u << 20, &text, NULL), 0);
	return text;
}

/* The n-th object of the tree in document order, and its path ($.a[1].b). */
static cJSON *nth_object(cJSON *j, size_t *n, char *path, size_t plen)
{
	size_t len = strlen(path), i = 0;
	cJSON *c, *hit;

	if (cJSON_IsObject(j) && (*n)-- == 0)
		return j;
	cJSON_ArrayForEach(c, j)
	{
		if (cJSON_IsObject(j))
			snprintf(path + len, plen - len, ".%s", c->string);
		else
			snprintf(path + len, plen - len, "[%zu]", i++);
		hit = nth_object(c, n, path, plen);
		if (hit)
			return hit;
		path[len] = '\0';
	}
	return NULL;
}

/* Plant a duplicate key in every object of the document; parse must fail naming it. */
static void dup_everywhere(const char *rel, parse_fn parse, size_t min_objects)
{
	cp_autofree char *text = slurp(rel);
	char err[512];
	size_t planted = 0;

	/* The document as it is parses: the failures below are the duplicates'. */
	assert_int_equal(parse(text, strlen(text), err, sizeof(err)), 0);
	for (size_t k = 0;; k++) {
		cJSON *root = cJSON_Parse(text), *o, *first;
		char path[1024] = "$", want[1200];
		const char *key;
		size_t n = k;
		char *mut;

		assert_non_null(root);
		o = nth_object(root, &n, path, sizeof(path));
		if (!o) {
			cJSON_Delete(root);
			break;
		}
		first = o->child;
		if (first) {
			key = first->string;
			cJSON_AddItemToObject(o, key, cJSON_Duplicate(first, true));
		} else {
			key = "x";
			cJSON_AddNumberToObject(o, "x", 1);
			cJSON_AddNumberToObject(o, "x", 2);
		}
		snprintf(want, sizeof(want), "duplicate key \"%s\" in %s ", key, path);
		mut = cJSON_PrintUnformatted(root);
		assert_int_equal(parse(mut, strlen(mut), err, sizeof(err)), -EINVAL);
		if (!strstr(err, want))
			fail_msg("%s: object %zu: got \"%s\", want \"%s...\"", rel, k, err, want);
		assert_null(strchr(err, '\n'));
		free(mut);
		cJSON_Delete(root);
		planted++;
	}
	/* Counted: a walk that found nothing would prove nothing. */
	assert_true(planted >= min_objects);
}

static void dup_recording(void **state)
{
	(void)state;
	dup_everywhere("golden/sample.json", parse_recording, 10);
	dup_everywhere("golden/sample2.json", parse_recording, 10);
}

static void dup_profile(void **state)
{
	(void)state;
	dup_everywhere("golden/data/docker-default.json", parse_profile, 10);
	dup_everywhere("golden/expected/docker", parse_profile, 3);
	dup_everywhere("golden/data/docker-default.json", parse_diff_input, 10);
}

static void dup_runtime(void **state)
{
	(void)state;
	/* A data file is one object of lists. */
	dup_everywhere("golden/data/runtime-runc.json", parse_runtime, 1);
}

/* The allow-all profile that Docker reads with the last value. */
static void dup_default_action(void **state)
{
	static const char doc[] =
		"{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[]}";
	char err[256];

	(void)state;
	assert_int_equal(parse_profile(doc, strlen(doc), err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "duplicate key \"defaultAction\" in $ (readers disagree on which value counts)");
	assert_int_equal(parse_diff_input(doc, strlen(doc), err, sizeof(err)), -EINVAL);
	assert_int_equal(parse_recording(doc, strlen(doc), err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "duplicate key \"defaultAction\""));
}

/* Go matches keys to fields ignoring case, with U+017F for s and U+212A for k. */
static void fold_duplicates(void **state)
{
	static const struct {
		const char *doc, *err;
	} cases[] = {
		{ "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"DefaultAction\":\"SCMP_ACT_ALLOW\"}",
		  "duplicate key \"DefaultAction\" in $: \"defaultAction\" is the same key" },
		{ "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[],\"\\u017fyscalls\":[]}",
		  "duplicate key \"\xc5\xbfyscalls\" in $: \"syscalls\" is the same key" },
		{ "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"read\"],\"action\":"
		  "\"SCMP_ACT_ALLOW\",\"ACTION\":\"SCMP_ACT_ERRNO\"}]}",
		  "duplicate key \"ACTION\" in $.syscalls[0]: \"action\" is the same key" },
		{ "{\"a\":{\"b\":[{},{\"\\u212a\":1,\"k\":2}]}}",
		  "duplicate key \"k\" in $.a.b[1]: \"\xe2\x84\xaa\" is" },
		{ "{\"a b\":{\"c\":1,\"c\":2}}", "duplicate key \"c\" in $[\"a b\"] (readers" },
	};
	struct cp_err err = { 0 };

	(void)state;
	for (size_t i = 0; i < CP_ARRAY_SIZE(cases); i++) {
		cJSON *root = NULL;
		int r = json_parse_document(cases[i].doc, strlen(cases[i].doc), &root, &err);

		cJSON_Delete(root);
		assert_int_equal(r, -EINVAL);
		if (strncmp(err.msg, cases[i].err, strlen(cases[i].err)))
			fail_msg("case %zu: got \"%s\", want \"%s...\"", i, err.msg, cases[i].err);
	}
}

/* Alone, a key spelled otherwise is read by Docker and ignored by capprof. */
static void profile_spelling(void **state)
{
	static const struct {
		const char *doc, *err;
	} cases[] = {
		{ "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"Syscalls\":[]}",
		  "key \"Syscalls\" in $: Docker reads it as \"syscalls\"" },
		{ "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"\\u017fyscalls\":[]}",
		  "key \"\xc5\xbfyscalls\" in $: Docker reads it as \"syscalls\"" },
		{ "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[{\"names\":[\"read\"],\"action\":"
		  "\"SCMP_ACT_ALLOW\",\"args\":[{\"Index\":0,\"value\":1,\"op\":\"SCMP_CMP_EQ\"}]}]}",
		  "key \"Index\" in $.syscalls[0].args[0]: Docker reads it as \"index\"" },
		{ "{\"DefaultAction\":\"SCMP_ACT_ALLOW\"}", "key \"DefaultAction\" in $: Docker reads it as" },
	};
	static const char ok[] = "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"syscalls\":[],\"unknownKey\":1}";
	char err[256];

	(void)state;
	for (size_t i = 0; i < CP_ARRAY_SIZE(cases); i++) {
		assert_int_equal(parse_profile(cases[i].doc, strlen(cases[i].doc), err, sizeof(err)), -EINVAL);
		if (strncmp(err, cases[i].err, strlen(cases[i].err)))
			fail_msg("case %zu: got \"%s\", want \"%s...\"", i, err, cases[i].err);
	}
	/* Keys Docker ignores stay allowed: profiles carry comments and newer fields. */
	assert_int_equal(parse_profile(ok, strlen(ok), err, sizeof(err)), 0);
}

/* cJSON ends a string at \u0000, Go keeps the rest; raw control characters Go refuses. */
static void text_checks(void **state)
{
	static const struct {
		const char *doc;
		size_t len;
		const char *err;
	} bad[] = {
		{ "{\"syscalls\\u0000\":[]}", 0,
		  "\\u0000 inside a string at byte 10 (readers disagree on where the string ends)" },
		{ "{\"a\":\"x\\u0000\"}", 0,
		  "\\u0000 inside a string at byte 7 (readers disagree on where the string ends)" },
		{ "{\"a\":\"x\ty\"}", 0, "control character 0x09 inside a string at byte 7" },
		{ "{\"a\":\"x\0y\"}", 11, "control character 0x00 inside a string at byte 7" },
	};
	/* An escaped backslash, then the text u0000. */
	static const char good[] = "{\"a\":\"x\\\\u0000\"}";
	struct cp_err err = { 0 };

	(void)state;
	for (size_t i = 0; i < CP_ARRAY_SIZE(bad); i++) {
		size_t len = bad[i].len ? bad[i].len : strlen(bad[i].doc);
		cJSON *root = NULL;

		assert_int_equal(json_parse_document(bad[i].doc, len, &root, &err), -EINVAL);
		assert_null(root);
		if (strcmp(err.msg, bad[i].err))
			fail_msg("case %zu: got \"%s\", want \"%s\"", i, err.msg, bad[i].err);
	}
	{
		cJSON *root = NULL;

		assert_int_equal(json_parse_document(good, strlen(good), &root, &err), 0);
		assert_string_equal(cJSON_GetObjectItem(root, "a")->valuestring, "x\\u0000");
		cJSON_Delete(root);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(dup_recording),   cmocka_unit_test(dup_profile),
		cmocka_unit_test(dup_runtime),	   cmocka_unit_test(dup_default_action),
		cmocka_unit_test(fold_duplicates), cmocka_unit_test(profile_spelling),
		cmocka_unit_test(text_checks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
