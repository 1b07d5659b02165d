/* SPDX-License-Identifier: MIT */
/*
 * cJSON helpers every module shares: the scope-bound deleter (one copy
 * instead of one per file) and the limit below which a JSON number keeps a
 * 64-bit integer exactly.
 */
#ifndef CP_JSON_H
#define CP_JSON_H

#include "common/util.h"

#include <cjson/cJSON.h>
#include <stdint.h>

/* Numbers above 2^53 do not survive a double. */
#define JSON_SAFE_INT ((uint64_t)1 << 53)

static inline void cp_json_deletep(cJSON **j)
{
	cJSON_Delete(*j);
}

/* cp_autojson *root = cJSON_Parse(...): deleted when root goes out of scope. */
#define cp_autojson cp_cleanup(cp_json_deletep) cJSON

#endif
