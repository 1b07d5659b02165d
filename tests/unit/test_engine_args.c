// SPDX-License-Identifier: MIT
/* The policy for docker run arguments a recording supplies (sandbox/engine_args.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <errno.h>
#include <string.h>

#include "common/err.h"
#include "sandbox/engine_args.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static void refused(void **state)
{
	static const struct {
		const char *args[3];
		size_t bad;
		const char *why;
	} cases[] = {
		{ { "--privileged" }, 0, "every capability" },
		{ { "--env", "A=1", "--privileged=true" }, 2, "every capability" },
		{ { "--pid=host" }, 0, "namespace" },
		{ { "--pid", "host" }, 0, "namespace" },
		{ { "--network=host" }, 0, "namespace" },
		{ { "--net", "host" }, 0, "namespace" },
		{ { "--ipc=container:db" }, 0, "namespace" },
		{ { "--uts=host" }, 0, "namespace" },
		{ { "--userns=host" }, 0, "namespace" },
		{ { "--cgroupns=host" }, 0, "namespace" },
		{ { "--cap-add", "NET_ADMIN" }, 0, "more than Docker's defaults" },
		{ { "--cap-add=SYS_ADMIN" }, 0, "more than Docker's defaults" },
		{ { "--device=/dev/sda" }, 0, "more than Docker's defaults" },
		{ { "--volumes-from", "other" }, 0, "more than Docker's defaults" },
		{ { "--security-opt", "seccomp=unconfined" }, 0, "confinement" },
		{ { "--security-opt=apparmor=unconfined" }, 0, "confinement" },
		{ { "--security-opt", "label=disable" }, 0, "confinement" },
		{ { "--security-opt", "no-new-privileges=false" }, 0, "confinement" },
		{ { "--security-opt", "systempaths=unconfined" }, 0, "confinement" },
		{ { "-v", "/:/host" }, 0, "host system path" },
		{ { "-v/:/host" }, 0, "host system path" },
		{ { "--volume=/etc:/e:ro" }, 0, "host system path" },
		{ { "-v", "/var/run/docker.sock:/var/run/docker.sock" }, 0, "host system path" },
		{ { "-v", "/srv/x/docker.sock:/s" }, 0, "host system path" },
		{ { "-v", "//:/h" }, 0, "host system path" },
		{ { "--mount", "type=bind,source=/,target=/h" }, 0, "host system path" },
		{ { "--mount=type=bind,src=/proc,dst=/p" }, 0, "host system path" },
	};
	struct cp_err err = { 0 };

	(void)state;
	for (size_t i = 0; i < N(cases); i++) {
		size_t n = 0, bad = 99;

		while (n < 3 && cases[i].args[n])
			n++;
		if (dkr_args_check((char *const *)cases[i].args, n, &bad, &err) != -EPERM)
			fail_msg("case %zu (%s) not refused", i, cases[i].args[0]);
		assert_int_equal(bad, cases[i].bad);
		if (!strstr(err.msg, cases[i].why) || !strstr(err.msg, cases[i].args[cases[i].bad]))
			fail_msg("case %zu: %s", i, err.msg);
	}
}

static void allowed(void **state)
{
	static const char *const ok[] = {
		"--env",
		"A=1",
		"-v",
		"/data:/data",
		"-v",
		"named:/x",
		"--mount",
		"type=volume,source=v,target=/v",
		"--network=bridge",
		"--pid",
		"container_name_is_not_a_value",
		"--user=1000",
		"--security-opt",
		"no-new-privileges",
		"--network-alias=x",
		"--cap-drop",
		"ALL",
		"-v",
		"/home2:/h",
		"--read-only",
	};
	struct cp_err err = { 0 };
	size_t bad = 99;

	(void)state;
	if (dkr_args_check((char *const *)ok, N(ok), &bad, &err) != 0)
		fail_msg("refused: %s", err.msg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(refused),
		cmocka_unit_test(allowed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
