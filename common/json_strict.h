/* SPDX-License-Identifier: MIT */
/*
 * What JSON readers disagree on, refused. capprof is a CI gate: a profile
 * that capprof reads one way and Docker (Go's encoding/json) another would
 * let a pull request slip an allow-all profile past `capprof diff`.
 * Readers disagree on duplicate keys (cJSON keeps the first, Go and Python
 * the last), on keys that differ only in case (Go matches struct fields
 * ignoring case, so "DefaultAction" sets defaultAction), and on strings with
 * NUL or raw control characters (cJSON cuts the string at NUL, Go refuses
 * control characters). json_parse_document runs these checks on every
 * document capprof reads; json_check_spelling is for formats others read too.
 */
#ifndef CP_JSON_STRICT_H
#define CP_JSON_STRICT_H

#include <stddef.h>

struct cJSON;
struct cp_err;

/*
 * A control character (< 0x20) inside a string, or the escape \u0000.
 * Returns 0, or -EINVAL and one line naming the byte offset.
 */
int json_check_text(const char *text, size_t len, struct cp_err *err);

/*
 * Duplicate keys in any object of the tree, compared as Go compares a key
 * with a struct field name: ASCII case ignored, and U+017F (long s) and
 * U+212A (Kelvin sign) taken for 's' and 'k'. Returns 0, or -EINVAL and
 * one line naming the key and the JSON path of its object ($.a[2].b).
 */
int json_check_keys(const struct cJSON *root, struct cp_err *err);

/*
 * Keys anywhere in the tree that Go would take for one of known[] (NULL
 * ended) but are spelled otherwise: capprof reads keys case-sensitively,
 * Docker does not. Returns 0, or -EINVAL naming the key and its path.
 */
int json_check_spelling(const struct cJSON *root, const char *const *known, struct cp_err *err);

#endif
