// SPDX-License-Identifier: MIT
/*
 * Data files: the container runtimes' own syscalls (profiles/runtime-*.json,
 * measured against a real engine) and Docker's default profile. Looked up so
 * that build/capprof finds the repository's profiles/ and an installed
 * capprof finds $(DATADIR)/profiles.
 */
#include "generator/gen.h"
#include "common/json.h"
#include "common/names.h"
#include "common/util.h"

#include <cjson/cJSON.h>
#include <assert.h>
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define GEN_MAX_DATAFILE (4u << 20)

int gen_datafile_find(const char *file, char **path, struct cp_err *err)
{
	char *dirs[4] = { NULL };
	size_t nd = 0;
	const char *env = getenv("CAPPROF_DATADIR");
	char exe[PATH_MAX];
	ssize_t n;
	struct cp_buf searched = { 0 };
	int r = -ENOENT;

	/* An explicit data directory is the only one searched. */
	if (env && *env)
		dirs[nd++] = cp_xstrdup(env);
	n = nd ? -1 : readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		const char *dir;

		exe[n] = '\0';
		dir = dirname(exe);
		dirs[nd++] = cp_xasprintf("%s/../profiles", dir);
		dirs[nd++] = cp_xasprintf("%s/../share/capprof/profiles", dir);
	}
	if (!env || !*env)
		dirs[nd++] = cp_xstrdup(CP_DATADIR "/profiles");
	for (size_t i = 0; i < nd; i++) {
		char *p = cp_xasprintf("%s/%s", dirs[i], file);

		if (r == -ENOENT && access(p, R_OK) == 0) {
			*path = p;
			r = 0;
			continue;
		}
		cp_buf_printf(&searched, "%s%s", searched.len ? ", " : "", p);
		free(p);
	}
	if (r < 0)
		cp_fail(err, r, "%s not found (searched %s; set CAPPROF_DATADIR)", file, searched.data);
	cp_buf_free(&searched);
	for (size_t i = 0; i < nd; i++)
		free(dirs[i]);
	return r;
}

void gen_runtime_free(struct gen_runtime *rt)
{
	if (!rt)
		return;
	for (size_t i = 0; i < rt->n_with; i++)
		free(rt->with_nnp[i]);
	for (size_t i = 0; i < rt->n_without; i++)
		free(rt->without_nnp[i]);
	free(rt->with_nnp);
	free(rt->without_nnp);
	free(rt->name);
	free(rt->measured);
	free(rt->path);
	free(rt);
}

static void runtime_freep(struct gen_runtime **p)
{
	gen_runtime_free(*p);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* A name any architecture libseccomp knows; the data may come from another machine. */
static bool syscall_known(const char *name)
{
	static const char *const arches[] = { "x86_64", "x86", "x32", "aarch64", "arm", "riscv64", "s390x", "ppc64le" };

	for (size_t i = 0; i < CP_ARRAY_SIZE(arches); i++)
		if (cp_syscall_nr(cp_arch_from_name(arches[i]), name) >= 0)
			return true;
	return false;
}

static int name_list(const cJSON *root, const char *key, char ***out, size_t *n, struct cp_err *err)
{
	const cJSON *j = cJSON_GetObjectItemCaseSensitive(root, key), *it;
	size_t i = 0, k = 0;
	char **v;

	if (!cJSON_IsArray(j))
		return cp_fail(err, -EINVAL, "%s: expected an array of syscall names", key);
	v = cp_xcalloc((size_t)cJSON_GetArraySize(j) + 1, sizeof(char *));
	*out = v;
	cJSON_ArrayForEach(it, j)
	{
		if (!cJSON_IsString(it) || !syscall_known(it->valuestring)) {
			*n = k;
			return cp_fail(err, -EINVAL, "%s[%zu]: expected a syscall name%s%.64s%s", key, i,
				       cJSON_IsString(it) ? " (unknown: \"" : "",
				       cJSON_IsString(it) ? it->valuestring : "", cJSON_IsString(it) ? "\")" : "");
		}
		v[k++] = cp_xstrdup(it->valuestring);
		i++;
	}
	qsort(v, k, sizeof(*v), cmp_str);
	/* unique */
	*n = 0;
	for (size_t a = 0; a < k; a++) {
		if (*n && !strcmp(v[*n - 1], v[a])) {
			free(v[a]);
			continue;
		}
		v[(*n)++] = v[a];
	}
	return 0;
}

int gen_runtime_parse(const char *text, size_t len, const char *name, struct gen_runtime **out, struct cp_err *err)
{
	cp_autojson *root = NULL;
	cp_cleanup(runtime_freep) struct gen_runtime *rt = NULL;
	const cJSON *j;
	int r;

	r = json_parse_document(text, len, &root, err);
	if (r < 0)
		return r;
	if (!cJSON_IsObject(root))
		return cp_fail(err, -EINVAL, "top level: expected an object");
	rt = cp_xcalloc(1, sizeof(*rt));
	j = cJSON_GetObjectItemCaseSensitive(root, "runtime");
	if (!cJSON_IsString(j) || (name && strcmp(j->valuestring, name)))
		return cp_fail(err, -EINVAL, "runtime: expected \"%s\"", name ? name : "a runtime name");
	rt->name = cp_xstrdup(j->valuestring);
	j = cJSON_GetObjectItemCaseSensitive(root, "measured");
	if (j && !cJSON_IsString(j))
		return cp_fail(err, -EINVAL, "measured: expected a string");
	rt->measured = j ? cp_xstrdup(j->valuestring) : NULL;
	r = name_list(root, "with_nnp", &rt->with_nnp, &rt->n_with, err);
	if (r < 0)
		return r;
	r = name_list(root, "without_nnp", &rt->without_nnp, &rt->n_without, err);
	if (r < 0)
		return r;
	*out = cp_steal_pointer(&rt);
	return 0;
}

int gen_runtime_load(const char *name, struct gen_runtime **out, struct cp_err *err)
{
	cp_autofree char *file = cp_xasprintf("runtime-%s.json", name);
	cp_autofree char *path = NULL;
	cp_autofree char *text = NULL;
	size_t len;
	int r;

	r = gen_datafile_find(file, &path, err);
	if (r < 0)
		return r;
	r = cp_read_file(path, GEN_MAX_DATAFILE, &text, &len);
	if (r < 0)
		return cp_fail(err, r, "%s: %s", path, strerror(-r));
	r = gen_runtime_parse(text, len, name, out, err);
	if (r < 0)
		return cp_err_wrap(err, r, "%s", path);
	assert(*out); /* gen_runtime_parse sets it on success */
	(*out)->path = cp_steal_pointer(&path);
	return 0;
}

static void union_list(char ***v, size_t *n, char *const *add, size_t nadd)
{
	for (size_t i = 0; i < nadd; i++) {
		if (*n && bsearch(&add[i], *v, *n, sizeof(char *), cmp_str))
			continue;
		*v = cp_xreallocarray(*v, *n + 1, sizeof(char *));
		(*v)[(*n)++] = cp_xstrdup(add[i]);
		qsort(*v, *n, sizeof(char *), cmp_str);
	}
}

int gen_runtime_load_either(struct gen_runtime **out, struct cp_err *err)
{
	cp_cleanup(runtime_freep) struct gen_runtime *runc = NULL, *crun = NULL;
	struct gen_runtime *u;
	struct cp_err e2 = { 0 };
	int r;

	r = gen_runtime_load("runc", &runc, err);
	if (r < 0)
		return r;
	r = gen_runtime_load("crun", &crun, &e2);
	if (r == -ENOENT) {
		/* only runc's data (an installation without crun's): runc's list as it is */
		*out = cp_steal_pointer(&runc);
		return 0;
	}
	if (r < 0) {
		if (err)
			*err = e2;
		return r;
	}
	assert(runc && crun); /* both loaded: the errors returned above */
	u = cp_xcalloc(1, sizeof(*u));
	u->name = cp_xstrdup("runc or crun");
	/* file names, not paths: the profile reads the same wherever capprof is installed */
	u->measured = cp_xstrdup("profiles/runtime-runc.json united with profiles/runtime-crun.json, "
				 "docs/runtime-baselines.md");
	u->path = cp_xstrdup(runc->path);
	union_list(&u->with_nnp, &u->n_with, runc->with_nnp, runc->n_with);
	union_list(&u->with_nnp, &u->n_with, crun->with_nnp, crun->n_with);
	union_list(&u->without_nnp, &u->n_without, runc->without_nnp, runc->n_without);
	union_list(&u->without_nnp, &u->n_without, crun->without_nnp, crun->n_without);
	*out = u;
	return 0;
}
