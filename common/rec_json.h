/* SPDX-License-Identifier: MIT */
/* What the recording's JSON writer (rec_json_write.c) and parser (rec_json_parse.c) share. */
#ifndef CP_REC_JSON_H
#define CP_REC_JSON_H

#include "common/recording.h"

/* capabilities.*.verdict, indexed by enum cp_verdict. */
extern const char *const rec_verdict_names[CP_VERDICT_TOLERATED + 1];

#endif
