// SPDX-License-Identifier: MIT
/* sandbox/: the files --docker binds into a container, and --keep-changes checks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sandbox/sandbox.h"

/* This test binary is dynamic: itself, its loader, libc and cmocka by soname. */
static void self_files(void **state)
{
	struct dkr_file *f = NULL;
	size_t n = 0, loader = 0;
	char err[256] = "", exe[PATH_MAX];
	bool libc = false, cmocka = false;
	ssize_t len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	(void)state;
	assert_true(len > 0);
	exe[len] = '\0';
	assert_int_equal(dkr_self_files(&f, &n, &loader, err, sizeof(err)), 0);
	assert_true(n >= 3);
	assert_string_equal(f[0].name, "capprof");
	assert_string_equal(f[0].host, exe);
	assert_true(loader < n);
	assert_non_null(strstr(f[loader].name, "ld-linux"));
	for (size_t i = 1; i < n; i++) {
		assert_null(strchr(f[i].name, '/'));
		assert_int_equal(f[i].host[0], '/');
		libc |= !strcmp(f[i].name, "libc.so.6");
		cmocka |= !strncmp(f[i].name, "libcmocka.so", 12);
		for (size_t j = 1; j < i; j++)
			assert_string_not_equal(f[i].host, f[j].host);
	}
	assert_true(libc);
	assert_true(cmocka);
	dkr_files_free(f, n);
}

static void keep_dir_must_be_empty(void **state)
{
	char dir[] = "/tmp/capprof-unit.XXXXXX", err[512] = "";
	char *file, *sub;
	struct sbx *s = NULL;
	struct stat st;

	(void)state;
	if (geteuid() != 0) {
		assert_int_equal(sbx_begin(NULL, &s, err, sizeof(err)), -EPERM);
		assert_non_null(strstr(err, "needs root"));
		skip();
	}
	assert_non_null(mkdtemp(dir));
	file = NULL;
	assert_true(asprintf(&file, "%s/x", dir) > 0);
	assert_true(asprintf(&sub, "%s/new", dir) > 0);
	/* A missing directory is made, an empty one used, and sbx_end keeps it. */
	assert_int_equal(sbx_begin(sub, &s, err, sizeof(err)), 0);
	assert_string_equal(sbx_dir(s), sub);
	assert_int_equal(sbx_end(s, err, sizeof(err)), 0);
	assert_int_equal(stat(sub, &st), 0);
	assert_int_equal(rmdir(sub), 0);
	/* A non-empty one is refused, naming it. */
	fclose(fopen(file, "w"));
	assert_int_equal(sbx_begin(dir, &s, err, sizeof(err)), -EEXIST);
	assert_null(s);
	assert_non_null(strstr(err, "not an empty directory"));
	assert_non_null(strstr(err, dir));
	unlink(file);
	rmdir(dir);
	free(file);
	free(sub);
	assert_int_equal(sbx_end(NULL, err, sizeof(err)), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(self_files),
		cmocka_unit_test(keep_dir_must_be_empty),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
