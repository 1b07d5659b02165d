// SPDX-License-Identifier: MIT
/*
 * cp_arch_from_docker_name: the "architectures" of a Docker seccomp profile.
 * An accepted name is the Docker spelling of the token it returns, and the
 * libseccomp spelling of that token is known too.
 */
#include "tests/fuzz/fuzz.h"

#include "common/names.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_cstr(data, size);
	uint32_t tok = cp_arch_from_docker_name(s);

	if (tok) {
		const char *d = cp_arch_docker_name(tok);

		FUZZ_ASSERT(d != NULL && strcmp(d, s) == 0);
		FUZZ_ASSERT(cp_arch_name(tok) != NULL);
		FUZZ_ASSERT(cp_arch_from_name(cp_arch_name(tok)) == tok);
	}
	free(s);
	return 0;
}
