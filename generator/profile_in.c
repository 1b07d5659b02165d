// SPDX-License-Identifier: MIT
/*
 * A Docker seccomp profile seen as a recording, for diff. This is a stand-in
 * until enforce/profile.h (enf_profile_parse + enf_profile_to_rec) is on
 * main; diff only calls gen_is_profile and gen_profile_to_rec, so the switch
 * is local to this file.
 *
 * Meaning of the result: a syscall is present when some entry allows it
 * without a capability condition; an argument's value set lists the values
 * SCMP_CMP_EQ rules allow, and "overflow" stands for "any value" (an entry
 * without a rule on that argument, or a comparison other than EQ).
 * A name the profile fails with ENOSYS is present with count 0: the caller
 * falls back, so a recording that made the call is satisfied, but diff does
 * not list it as something the profile grants.
 */
#include "generator/gen.h"
#include "common/names.h"
#include "common/util.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <string.h>

static void json_freep(cJSON **j)
{
	cJSON_Delete(*j);
}

bool gen_is_profile(const char *text, size_t len)
{
	cp_cleanup(json_freep) cJSON *root = NULL;
	char err[64];

	if (json_parse_document(text, len, &root, err, sizeof(err)) < 0)
		return false;
	return cJSON_IsObject(root) && cJSON_GetObjectItemCaseSensitive(root, "defaultAction") &&
	       !cJSON_GetObjectItemCaseSensitive(root, "schema");
}

static int get_u64(const cJSON *j, uint64_t *v)
{
	if (!cJSON_IsNumber(j) || j->valuedouble < 0)
		return -EINVAL;
	*v = (uint64_t)j->valuedouble;
	return 0;
}

static bool allows(const char *action)
{
	return !strcmp(action, "SCMP_ACT_ALLOW") || !strcmp(action, "SCMP_ACT_LOG");
}

static void add_name(struct cp_rec *rec, const char *name, const bool *any, const bool *has_eq, const uint64_t *eq,
		     bool enosys)
{
	for (size_t ai = 0; ai < rec->narch; ai++) {
		int nr = cp_syscall_nr(rec->arch[ai].token, name);
		struct cp_sys *s;

		/* names unknown on an architecture are skipped, as runc does */
		if (nr < 0)
			continue;
		s = rec_sys(&rec->arch[ai], (uint32_t)nr);
		if (enosys)
			continue;
		s->count++;
		for (int k = 0; k < CP_NARGS; k++) {
			if (any[k])
				s->vals[k].overflow = true;
			else if (has_eq[k])
				rec_valset_add(&s->vals[k], eq[k]);
		}
	}
}

int gen_profile_to_rec(const char *text, size_t len, struct cp_rec **out, char *err, size_t errlen)
{
	cp_cleanup(json_freep) cJSON *root = NULL;
	cp_autorec *rec = NULL;
	const cJSON *arches, *sc, *e, *it;
	int r, i = 0;

	r = json_parse_document(text, len, &root, err, errlen);
	if (r < 0)
		return r;
	if (!cJSON_IsObject(root) || !cJSON_IsString(cJSON_GetObjectItemCaseSensitive(root, "defaultAction"))) {
		snprintf(err, errlen, "defaultAction: expected a string (not a seccomp profile)");
		return -EINVAL;
	}
	rec = rec_new();
	arches = cJSON_GetObjectItemCaseSensitive(root, "architectures");
	if (arches && !cJSON_IsArray(arches) && !cJSON_IsNull(arches)) {
		snprintf(err, errlen, "architectures: expected an array");
		return -EINVAL;
	}
	cJSON_ArrayForEach(it, arches)
	{
		uint32_t t = cJSON_IsString(it) ? cp_arch_from_docker_name(it->valuestring) : 0;

		if (!t) {
			snprintf(err, errlen, "architectures[%d]: unknown architecture", i);
			return -EINVAL;
		}
		rec_arch(rec, t);
		i++;
	}
	if (!rec->narch)
		rec_arch(rec, cp_arch_native());
	sc = cJSON_GetObjectItemCaseSensitive(root, "syscalls");
	if (sc && !cJSON_IsArray(sc) && !cJSON_IsNull(sc)) {
		snprintf(err, errlen, "syscalls: expected an array");
		return -EINVAL;
	}
	i = 0;
	cJSON_ArrayForEach(e, sc)
	{
		const cJSON *act = cJSON_GetObjectItemCaseSensitive(e, "action");
		const cJSON *names = cJSON_GetObjectItemCaseSensitive(e, "names");
		const cJSON *name1 = cJSON_GetObjectItemCaseSensitive(e, "name");
		const cJSON *inc = cJSON_GetObjectItemCaseSensitive(e, "includes");
		const cJSON *args = cJSON_GetObjectItemCaseSensitive(e, "args");
		bool any[CP_NARGS];
		uint64_t eq[CP_NARGS] = { 0 };
		bool has_eq[CP_NARGS] = { false };
		const cJSON *a, *n;
		bool enosys;

		if (!cJSON_IsObject(e) || !cJSON_IsString(act)) {
			snprintf(err, errlen, "syscalls[%d].action: expected a string", i);
			return -EINVAL;
		}
		i++;
		if (cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(inc, "caps")))
			continue;
		enosys = !strcmp(act->valuestring, "SCMP_ACT_ERRNO") &&
			 cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(e, "errnoRet")) &&
			 cJSON_GetObjectItemCaseSensitive(e, "errnoRet")->valuedouble == GEN_ENOSYS;
		if (!allows(act->valuestring) && !enosys)
			continue;
		for (int k = 0; k < CP_NARGS; k++)
			any[k] = true;
		cJSON_ArrayForEach(a, args)
		{
			uint64_t idx, v;
			const cJSON *op = cJSON_GetObjectItemCaseSensitive(a, "op");

			if (get_u64(cJSON_GetObjectItemCaseSensitive(a, "index"), &idx) < 0 || idx >= CP_NARGS ||
			    get_u64(cJSON_GetObjectItemCaseSensitive(a, "value"), &v) < 0 || !cJSON_IsString(op)) {
				snprintf(err, errlen, "syscalls[%d].args: expected {index 0-5, value, op}", i - 1);
				return -EINVAL;
			}
			if (!strcmp(op->valuestring, "SCMP_CMP_EQ")) {
				any[idx] = false;
				has_eq[idx] = true;
				eq[idx] = v;
			}
		}
		if (cJSON_IsString(name1))
			add_name(rec, name1->valuestring, any, has_eq, eq, enosys);
		cJSON_ArrayForEach(n, names)
		{
			if (!cJSON_IsString(n)) {
				snprintf(err, errlen, "syscalls[%d].names: expected strings", i - 1);
				return -EINVAL;
			}
			add_name(rec, n->valuestring, any, has_eq, eq, enosys);
		}
	}
	*out = cp_steal_pointer(&rec);
	return 0;
}
