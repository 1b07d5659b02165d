// SPDX-License-Identifier: MIT
/* The library's error mechanism (common/err.h): one struct, cp_fail, cp_err_wrap. */
#include "common/err.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

static void fail_sets_code_and_message(void **state)
{
	struct cp_err e = { 0 };

	(void)state;
	assert_string_equal(cp_err_str(&e), "");
	assert_int_equal(cp_fail(&e, -EINVAL, "%s[%d]: expected a string", "args", 3), -EINVAL);
	assert_int_equal(e.code, -EINVAL);
	assert_string_equal(e.msg, "args[3]: expected a string");
	assert_string_equal(cp_err_str(&e), "args[3]: expected a string");
}

static void fail_scrubs_control_characters(void **state)
{
	struct cp_err e = { 0 };

	(void)state;
	cp_fail(&e, -EINVAL, "name \"%s\"", "a\nb\033[31mc\x7f");
	assert_string_equal(e.msg, "name \"a?b?[31mc?\"");
	assert_null(strchr(e.msg, '\n'));
}

static void fail_without_err_returns_code(void **state)
{
	(void)state;
	assert_int_equal(cp_fail(NULL, -ENOENT, "x"), -ENOENT);
	assert_int_equal(cp_err_wrap(NULL, -EIO, "y"), -EIO);
	assert_string_equal(cp_err_str(NULL), "");
}

static void wrap_adds_context(void **state)
{
	struct cp_err e = { 0 };

	(void)state;
	cp_fail(&e, -EINVAL, "with_nnp[0]: expected a syscall name");
	assert_int_equal(cp_err_wrap(&e, -EINVAL, "%s", "/p/runtime-runc.json"), -EINVAL);
	assert_string_equal(e.msg, "/p/runtime-runc.json: with_nnp[0]: expected a syscall name");
}

static void wrap_without_message_uses_strerror(void **state)
{
	struct cp_err e = { 0 };

	(void)state;
	assert_int_equal(cp_err_wrap(&e, -ENOENT, "f.json"), -ENOENT);
	assert_string_equal(e.msg, "f.json: No such file or directory");
	e = (struct cp_err){ .code = -EACCES };
	assert_string_equal(cp_err_str(&e), "Permission denied");
}

static void long_messages_are_cut(void **state)
{
	struct cp_err e = { 0 };
	char big[2 * CP_ERR_MAX];

	(void)state;
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	cp_fail(&e, -E2BIG, "%s", big);
	assert_int_equal(strlen(e.msg), CP_ERR_MAX - 1);
	cp_err_wrap(&e, -E2BIG, "ctx");
	assert_int_equal(strlen(e.msg), CP_ERR_MAX - 1);
	assert_memory_equal(e.msg, "ctx: xxx", 8);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fail_sets_code_and_message),	      cmocka_unit_test(fail_scrubs_control_characters),
		cmocka_unit_test(fail_without_err_returns_code),      cmocka_unit_test(wrap_adds_context),
		cmocka_unit_test(wrap_without_message_uses_strerror), cmocka_unit_test(long_messages_are_cut),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
