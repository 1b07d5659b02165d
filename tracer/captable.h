/* SPDX-License-Identifier: MIT */
#ifndef CP_CAPTABLE_H
#define CP_CAPTABLE_H

#include <stdint.h>

/* Candidates for one syscall, least powerful first, each list ended by -1. */
struct cp_captable_entry {
	const char *syscall;
	int8_t on_eacces[5];
	int8_t on_eperm[5];
};

const struct cp_captable_entry *captable_lookup(const char *syscall);
/* The same by architecture (SCMP_ARCH_*) and number, in O(1): the tracer's hot path. */
const struct cp_captable_entry *captable_for(uint32_t arch, uint32_t nr);
/* The candidate list for errno err (EPERM or EACCES), or NULL. */
const int8_t *captable_candidates(const struct cp_captable_entry *e, int err);

#endif
