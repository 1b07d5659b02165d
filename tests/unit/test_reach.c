// SPDX-License-Identifier: MIT
/* The import table (generator/reach_table.c) and reading imports from ELF files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <seccomp.h>
#include <errno.h>
#include <stdio.h>
#include <sys/ptrace.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

#include "common/names.h"
#include "generator/reach.h"

/* Every alternative of a table name must be a syscall libseccomp knows somewhere. */
static bool known_somewhere(const char *spec)
{
	static const uint32_t arches[] = { SCMP_ARCH_X86_64, SCMP_ARCH_X86, SCMP_ARCH_AARCH64, SCMP_ARCH_ARM,
					   SCMP_ARCH_RISCV64 };
	char buf[256], *save = NULL;

	snprintf(buf, sizeof(buf), "%s", spec);
	for (char *n = strtok_r(buf, "|", &save); n; n = strtok_r(NULL, "|", &save)) {
		bool ok = false;

		for (size_t i = 0; i < sizeof(arches) / sizeof(arches[0]); i++)
			ok |= cp_syscall_nr(arches[i], n) >= 0;
		if (!ok) {
			fprintf(stderr, "unknown syscall name \"%s\" in \"%s\"\n", n, spec);
			return false;
		}
	}
	return true;
}

static void table_is_well_formed(void **state)
{
	(void)state;
	assert_true(reach_table_len > 300);
	for (size_t i = 0; i < reach_table_len; i++) {
		const struct reach_fn *f = &reach_table[i];

		assert_non_null(f->fn);
		assert_non_null(f->sys);
		assert_true(f->src && strlen(f->src) > 5);
		/* one entry per function: lookup finds this very entry */
		assert_ptr_equal(reach_lookup(f->fn), f);
		for (const char *const *s = f->sys; *s; s++)
			assert_true(known_somewhere(*s));
	}
	assert_null(reach_lookup("syscall")); /* flagged, not mapped */
	assert_null(reach_lookup("no_such_function"));
}

static bool maps_to(const char *fn, const char *spec)
{
	const struct reach_fn *f = reach_lookup(fn);

	for (const char *const *s = f ? f->sys : NULL; s && *s; s++)
		if (!strcmp(*s, spec))
			return true;
	return false;
}

static void known_mappings(void **state)
{
	(void)state;
	assert_true(maps_to("chown", "chown|fchownat"));
	assert_true(maps_to("fork", "clone"));
	assert_true(maps_to("setuid", "setuid"));
	assert_true(maps_to("getaddrinfo", "socket"));
	assert_true(maps_to("getaddrinfo", "connect"));
	assert_true(maps_to("getaddrinfo", "recvfrom"));
	assert_true(maps_to("pthread_create", "clone3"));
	assert_false(maps_to("fork", "execve"));
}

static void risk_order(void **state)
{
	(void)state;
	assert_int_equal(reach_risk("setuid"), REACH_HIGH);
	assert_int_equal(reach_risk("capset"), REACH_HIGH);
	assert_int_equal(reach_risk("mount"), REACH_HIGH);
	assert_int_equal(reach_risk("ptrace"), REACH_HIGH);
	assert_int_equal(reach_risk("execve"), REACH_MEDIUM);
	assert_int_equal(reach_risk("socket"), REACH_MEDIUM);
	assert_int_equal(reach_risk("getrusage"), REACH_LOW);
	assert_string_equal(reach_risk_name(REACH_HIGH), "high");
}

static const struct reach_call *find_call(const struct reach_exe *e, const char *name)
{
	for (size_t i = 0; i < e->nreach; i++)
		if (!strcmp(e->reach[i].name, name))
			return &e->reach[i];
	return NULL;
}

/* Imports this test binary makes on purpose, so that reading its own file can check them. */
void *volatile test_imports[] = { (void *)ptrace, (void *)fork, (void *)unlink };

/* This test binary imports ptrace, fork and unlink, and needs libseccomp. */
static void reads_own_imports(void **state)
{
	(void)state;
	struct reach_exe e;
	const struct reach_call *c;
	bool seccomp_lib = false;

	assert_int_equal(reach_exe_read("/proc/self/exe", SCMP_ARCH_X86_64, &e), 0);
	assert_false(e.is_static);
	assert_true(e.nimports > 50);
	c = find_call(&e, "ptrace");
	assert_non_null(c);
	assert_int_equal(c->risk, REACH_HIGH);
	assert_string_equal(c->via, "ptrace");
	assert_non_null(find_call(&e, "clone"));
	/* unlink|unlinkat resolves to one name x86_64 has; never to the spec itself */
	assert_non_null(find_call(&e, "unlink"));
	for (size_t i = 0; i < e.nreach; i++) {
		assert_null(strchr(e.reach[i].name, '|'));
		assert_true(cp_syscall_nr(SCMP_ARCH_X86_64, e.reach[i].name) >= 0);
	}
	for (size_t i = 0; i < e.nlibs; i++) {
		seccomp_lib |= strstr(e.libs[i], "libseccomp.so") != NULL;
		assert_null(strstr(e.libs[i], "/libc.so"));
	}
	assert_true(seccomp_lib);
	reach_exe_clear(&e);
}

static void missing_file_is_reported(void **state)
{
	(void)state;
	struct reach_exe e;

	assert_int_equal(reach_exe_read("/nonexistent/capprof-test", SCMP_ARCH_X86_64, &e), -ENOENT);
	assert_int_equal(e.err, -ENOENT);
	assert_int_equal(e.nreach, 0);
	reach_exe_clear(&e);
}

static void recording_subtracts_what_was_seen(void **state)
{
	(void)state;
	struct cp_rec *r = rec_new();
	struct reach_report *rep = NULL;

	rec_exe(r, "/proc/self/exe")->count = 1;
	rec_sys(rec_arch(r, SCMP_ARCH_X86_64), (uint32_t)cp_syscall_nr(SCMP_ARCH_X86_64, "ptrace"))->count = 1;
	assert_int_equal(reach_compute(r, &rep), 0);
	assert_int_equal(rep->nexes, 1);
	for (size_t i = 0; i < rep->exes[0].nunseen; i++) {
		assert_string_not_equal(rep->exes[0].unseen[i].name, "ptrace");
		/* riskiest first */
		if (i)
			assert_true(rep->exes[0].unseen[i - 1].risk >= rep->exes[0].unseen[i].risk);
	}
	assert_true(rep->nunseen > 10);
	reach_report_free(rep);
	rec_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(table_is_well_formed),
		cmocka_unit_test(known_mappings),
		cmocka_unit_test(risk_order),
		cmocka_unit_test(reads_own_imports),
		cmocka_unit_test(missing_file_is_reported),
		cmocka_unit_test(recording_subtracts_what_was_seen),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
