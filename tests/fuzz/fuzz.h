/* SPDX-License-Identifier: MIT */
/*
 * Shared by the fuzz targets. Each target defines LLVMFuzzerTestOneInput and
 * is linked either with libFuzzer (make fuzz) or with replay.c (make
 * fuzz-replay, and make check), so the same code runs in both.
 */
#ifndef CP_FUZZ_H
#define CP_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * A property every input must keep. A violation aborts, which both libFuzzer
 * and the replay driver report as a crash, so the input is kept.
 */
#define FUZZ_ASSERT(cond)                                                                             \
	do {                                                                                          \
		if (!(cond)) {                                                                        \
			fprintf(stderr, "%s:%d: property violated: %s\n", __FILE__, __LINE__, #cond); \
			abort();                                                                      \
		}                                                                                     \
	} while (0)

/*
 * The input as a C string, as a command-line value or a JSON key reaches the
 * name parsers: a NUL ends it, like it would in argv.
 */
static inline char *fuzz_cstr(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

#endif
