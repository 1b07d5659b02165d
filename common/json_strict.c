// SPDX-License-Identifier: MIT
/* Refuse JSON that readers disagree on (see json_strict.h for why). */
#include "common/json_strict.h"
#include "common/err.h"
#include "common/util.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

int json_check_text(const char *text, size_t len, struct cp_err *err)
{
	bool in_str = false;

	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)text[i];

		if (!in_str) {
			in_str = c == '"';
			continue;
		}
		if (c < 0x20) {
			return cp_fail(err, -EINVAL, "control character 0x%02x inside a string at byte %zu", c, i);
		}
		if (c == '"') {
			in_str = false;
		} else if (c == '\\' && i + 1 < len) {
			i++;
			if (text[i] == 'u' && len - i > 4 && !memcmp(text + i + 1, "0000", 4)) {
				return cp_fail(
					err, -EINVAL,
					"\\u0000 inside a string at byte %zu (readers disagree on where the string ends)",
					i - 1);
			}
		}
	}
	return 0;
}

/*
 * The key as Go's encoding/json matches it against a field name: ASCII
 * letters folded, and the two non-ASCII runes whose case fold is an ASCII
 * letter (U+017F -> s, U+212A -> k). Other non-ASCII bytes are kept: no
 * field name capprof or Docker uses contains them.
 */
static char *fold_key(const char *k)
{
	size_t n = strlen(k), o = 0;
	char *f = cp_xmalloc(n + 1);

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)k[i];

		if (c == 0xc5 && (unsigned char)k[i + 1] == 0xbf) {
			f[o++] = 's';
			i++;
		} else if (c == 0xe2 && (unsigned char)k[i + 1] == 0x84 && (unsigned char)k[i + 2] == 0xaa) {
			f[o++] = 'k';
			i += 2;
		} else {
			f[o++] = (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
		}
	}
	f[o] = '\0';
	return f;
}

struct keyref {
	char *folded;
	const char *key;
	size_t pos; /* in the object, to report the later one */
};

static int cmp_keyref(const void *a, const void *b)
{
	const struct keyref *x = a, *y = b;
	int c = strcmp(x->folded, y->folded);

	return c ? c : (x->pos > y->pos) - (x->pos < y->pos);
}

/* Append ".key", or ["key"] when the key is not a plain name, to the path. */
static void path_key(struct cp_buf *path, const char *key)
{
	bool plain = *key != '\0';

	for (const char *p = key; *p; p++)
		if (!(*p == '_' || (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')))
			plain = false;
	if (plain)
		cp_buf_printf(path, ".%s", key);
	else
		cp_buf_printf(path, "[\"%s\"]", key);
}

static void path_trunc(struct cp_buf *path, size_t len)
{
	path->len = len;
	path->data[len] = '\0';
}

static int dup_in_object(const cJSON *o, struct cp_buf *path, struct cp_err *err)
{
	size_t n = 0, i = 0;
	struct keyref *k;
	const cJSON *c;
	int r = 0;

	cJSON_ArrayForEach(c, o) n++;
	if (n < 2)
		return 0;
	k = cp_xcalloc(n, sizeof(*k));
	cJSON_ArrayForEach(c, o)
	{
		k[i].key = c->string ? c->string : "";
		k[i].folded = fold_key(k[i].key);
		k[i].pos = i;
		i++;
	}
	qsort(k, n, sizeof(*k), cmp_keyref);
	for (i = 1; i < n && !r; i++) {
		cp_autofree char *msg = NULL;

		if (strcmp(k[i - 1].folded, k[i].folded))
			continue;
		if (!strcmp(k[i - 1].key, k[i].key))
			msg = cp_xasprintf("duplicate key \"%s\" in %s (readers disagree on which value counts)",
					   k[i].key, path->data);
		else
			msg = cp_xasprintf("duplicate key \"%s\" in %s: \"%s\" is the same key to Docker's JSON "
					   "reader, which ignores case",
					   k[i].key, path->data, k[i - 1].key);
		r = cp_fail(err, -EINVAL, "%s", msg);
	}
	for (i = 0; i < n; i++)
		free(k[i].folded);
	free(k);
	return r;
}

static int walk_dups(const cJSON *j, struct cp_buf *path, struct cp_err *err)
{
	size_t len = path->len, i = 0;
	const cJSON *c;
	int r;

	if (cJSON_IsObject(j)) {
		r = dup_in_object(j, path, err);
		if (r < 0)
			return r;
	} else if (!cJSON_IsArray(j)) {
		return 0;
	}
	cJSON_ArrayForEach(c, j)
	{
		if (cJSON_IsObject(j))
			path_key(path, c->string ? c->string : "");
		else
			cp_buf_printf(path, "[%zu]", i++);
		r = walk_dups(c, path, err);
		path_trunc(path, len);
		if (r < 0)
			return r;
	}
	return 0;
}

int json_check_keys(const cJSON *root, struct cp_err *err)
{
	struct cp_buf path = { 0 };
	int r;

	cp_buf_puts(&path, "$");
	r = walk_dups(root, &path, err);
	cp_buf_free(&path);
	return r;
}

static int walk_spelling(const cJSON *j, const char *const *known, struct cp_buf *path, struct cp_err *err)
{
	size_t len = path->len, i = 0;
	const cJSON *c;
	int r;

	if (!cJSON_IsObject(j) && !cJSON_IsArray(j))
		return 0;
	cJSON_ArrayForEach(c, j)
	{
		if (cJSON_IsObject(j)) {
			const char *key = c->string ? c->string : "";
			cp_autofree char *fk = fold_key(key);

			for (const char *const *w = known; *w; w++) {
				cp_autofree char *fw = NULL;
				cp_autofree char *msg = NULL;

				if (!strcmp(key, *w))
					break;
				fw = fold_key(*w);
				if (strcmp(fk, fw))
					continue;
				msg = cp_xasprintf(
					"key \"%s\" in %s: Docker reads it as \"%s\" (its JSON reader ignores "
					"case), capprof would not; write \"%s\"",
					key, path->data, *w, *w);
				return cp_fail(err, -EINVAL, "%s", msg);
			}
			path_key(path, key);
		} else {
			cp_buf_printf(path, "[%zu]", i++);
		}
		r = walk_spelling(c, known, path, err);
		path_trunc(path, len);
		if (r < 0)
			return r;
	}
	return 0;
}

int json_check_spelling(const cJSON *root, const char *const *known, struct cp_err *err)
{
	struct cp_buf path = { 0 };
	int r;

	cp_buf_puts(&path, "$");
	r = walk_spelling(root, known, &path, err);
	cp_buf_free(&path);
	return r;
}
