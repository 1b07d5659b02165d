// SPDX-License-Identifier: MIT
/* The recording model: JSON round trip, merge, and parse errors that name the field. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <seccomp.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/names.h"
#include "common/recording.h"

static struct cp_rec *sample(void)
{
	struct cp_rec *r = rec_new();
	struct cp_arch *a = rec_arch(r, SCMP_ARCH_X86_64);
	struct cp_sys *s;

	r->argc = 2;
	r->argv = calloc(3, sizeof(char *));
	r->argv[0] = strdup("ls");
	r->argv[1] = strdup("-l");
	s = rec_sys(a, (uint32_t)cp_syscall_nr(SCMP_ARCH_X86_64, "socket"));
	s->count = 3;
	s->first_pid = 42;
	s->first_exe = strdup("/usr/bin/ls");
	s->first_args[1] = 0xffffffffffffffffull;
	rec_valset_add(&s->vals[0], 10);
	rec_valset_add(&s->vals[0], 1);
	rec_valset_add(&s->vals[0], 10);
	s = rec_sys(a, (uint32_t)cp_syscall_nr(SCMP_ARCH_X86_64, "read"));
	s->count = 7;
	r->caps[cp_cap_parse("CHOWN")].hits = 1;
	r->caps[cp_cap_parse("CHOWN")].ev.syscall = strdup("fchownat");
	r->caps[cp_cap_parse("CHOWN")].ev.err = 1;
	return r;
}

static void round_trip(void **state)
{
	(void)state;
	struct cp_rec *r = sample(), *back = NULL;
	char *text = rec_to_json(r), *again;
	struct cp_err err = { 0 };

	assert_int_equal(rec_parse(text, strlen(text), &back, &err), 0);
	again = rec_to_json(back);
	assert_string_equal(text, again);
	assert_non_null(strstr(text, "\"0xffffffffffffffff\""));
	assert_int_equal(rec_count_syscalls(back), 2);
	free(text);
	free(again);
	rec_free(r);
	rec_free(back);
}

static void valset_sorted_unique(void **state)
{
	(void)state;
	struct cp_valset s = { 0 };

	for (uint64_t v = 300; v > 0; v--)
		rec_valset_add(&s, v % 7);
	assert_int_equal(s.n, 7);
	for (uint32_t i = 0; i < s.n; i++)
		assert_int_equal(s.v[i], i);
	assert_false(s.overflow);
	for (uint64_t v = 0; v < CP_MAX_VALUES + 10; v++)
		rec_valset_add(&s, v);
	assert_true(s.overflow);
	assert_int_equal(s.n, CP_MAX_VALUES);
	free(s.v);
}

static void merge_union(void **state)
{
	(void)state;
	struct cp_rec *a = sample(), *b = rec_new();
	struct cp_arch *arch = rec_arch(b, SCMP_ARCH_X86_64);
	struct cp_sys *s = rec_sys(arch, (uint32_t)cp_syscall_nr(SCMP_ARCH_X86_64, "socket"));
	const struct cp_sys *m;

	s->count = 2;
	rec_valset_add(&s->vals[0], 2);
	rec_sys(arch, (uint32_t)cp_syscall_nr(SCMP_ARCH_X86_64, "write"))->count = 1;
	b->caps[cp_cap_parse("KILL")].hits = 1;
	rec_merge(a, b);
	assert_int_equal(rec_count_syscalls(a), 3);
	m = rec_sys_get(rec_arch_find(a, SCMP_ARCH_X86_64), (uint32_t)cp_syscall_nr(SCMP_ARCH_X86_64, "socket"));
	assert_int_equal(m->count, 5);
	assert_int_equal(m->vals[0].n, 3);
	assert_true(a->caps[cp_cap_parse("KILL")].hits > 0);
	assert_true(a->caps[cp_cap_parse("CHOWN")].hits > 0);
	rec_free(a);
	rec_free(b);
}

/* Each bad input gets an error naming its field. */
static void parse_errors(void **state)
{
	(void)state;
	static const struct {
		const char *json, *want;
	} cases[] = {
		{ "{", "truncated" },
		{ "[1,2]x", "malformed" },
		{ "{\"schema\":\"x\"}", "schema" },
		{ "{\"schema\":\"capprof-recording\",\"version\":99}", "version: 99" },
		{ "{\"schema\":\"capprof-recording\",\"version\":1,\"command\":\"ls\"}", "command" },
		{ "{\"schema\":\"capprof-recording\",\"version\":1,\"command\":[],\"architectures\":{\"vax\":{}}}",
		  "unknown architecture \"vax\"" },
		{ "{\"schema\":\"capprof-recording\",\"version\":1,\"command\":[],\"architectures\":{\"x86_64\":{\"syscalls\":{\"nosuchcall\":{\"count\":1}}}}}",
		  "unknown syscall \"nosuchcall\"" },
		{ "{\"schema\":\"capprof-recording\",\"version\":1,\"command\":[],\"architectures\":{\"x86_64\":{\"syscalls\":{\"read\":{\"count\":-1}}}}}",
		  "read.count" },
		{ "{\"schema\":\"capprof-recording\",\"version\":1,\"command\":[],\"architectures\":{},\"capabilities\":{\"CAP_FLY\":{}}}",
		  "unknown capability \"CAP_FLY\"" },
		{ "{\"schema\":\"capprof-recording\",\"version\":1,\"command\":[],\"architectures\":{},\"exit\":{\"code\":\"0\"}}",
		  "exit.code" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct cp_rec *r = NULL;
		struct cp_err err = { 0 };

		assert_int_equal(rec_parse(cases[i].json, strlen(cases[i].json), &r, &err), -EINVAL);
		assert_null(r);
		if (!strstr(err.msg, cases[i].want))
			fail_msg("case %zu: error \"%s\" does not mention \"%s\"", i, err.msg, cases[i].want);
	}
}

static void names(void **state)
{
	(void)state;
	assert_string_equal(cp_arch_docker_name(SCMP_ARCH_X86_64), "SCMP_ARCH_X86_64");
	assert_int_equal(cp_arch_from_docker_name("SCMP_ARCH_X32"), SCMP_ARCH_X32);
	assert_string_equal(cp_cap_name(cp_cap_parse("cap_net_raw")), "NET_RAW");
	assert_int_equal(cp_cap_parse("NET_RAW"), cp_cap_parse("CAP_NET_RAW"));
	assert_true(cp_cap_parse("NOPE") < 0);
	assert_true(cp_cap_parse("") < 0);
	assert_true(cp_cap_parse("12") < 0);
	assert_string_equal(cp_errno_name(1), "EPERM");
	assert_int_equal(cp_errno_parse("EACCES"), 13);
	assert_string_equal(cp_syscall_name(SCMP_ARCH_X86_64, 0), "read");
	assert_string_equal(cp_syscall_name(SCMP_ARCH_X86, 3), "read");
	assert_int_equal(cp_syscall_nr(SCMP_ARCH_X32, "read"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(round_trip),  cmocka_unit_test(valset_sorted_unique),
		cmocka_unit_test(merge_union), cmocka_unit_test(parse_errors),
		cmocka_unit_test(names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
