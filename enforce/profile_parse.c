// SPDX-License-Identifier: MIT
/*
 * Parse a Docker seccomp profile into the model of profile_int.h: every
 * field checked, each error one line naming the field at fault.
 */
#include <cjson/cJSON.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/json.h"
#include "common/json_strict.h"
#include "common/names.h"
#include "common/recording.h"
#include "common/trace_proto.h"
#include "common/util.h"
#include "enforce/profile_int.h"

static const struct {
	const char *name;
	enum enf_act_kind kind;
} action_names[] = {
	{ "SCMP_ACT_ALLOW", ENF_ACT_ALLOW },
	{ "SCMP_ACT_ERRNO", ENF_ACT_ERRNO },
	/* Docker's SCMP_ACT_KILL is libseccomp's SCMP_ACT_KILL: the thread. */
	{ "SCMP_ACT_KILL", ENF_ACT_KILL_THREAD },
	{ "SCMP_ACT_KILL_THREAD", ENF_ACT_KILL_THREAD },
	{ "SCMP_ACT_KILL_PROCESS", ENF_ACT_KILL_PROCESS },
	{ "SCMP_ACT_TRAP", ENF_ACT_TRAP },
	{ "SCMP_ACT_TRACE", ENF_ACT_TRACE },
	{ "SCMP_ACT_LOG", ENF_ACT_LOG },
};

static const struct {
	const char *name;
	enum scmp_compare op;
} op_names[] = {
	{ "SCMP_CMP_NE", SCMP_CMP_NE },
	{ "SCMP_CMP_LT", SCMP_CMP_LT },
	{ "SCMP_CMP_LE", SCMP_CMP_LE },
	{ "SCMP_CMP_EQ", SCMP_CMP_EQ },
	{ "SCMP_CMP_GE", SCMP_CMP_GE },
	{ "SCMP_CMP_GT", SCMP_CMP_GT },
	{ "SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ },
};

/*
 * cJSON keeps numbers as doubles, which cannot hold every 64-bit argument
 * value. Its children are in document order, so the n-th number node of a
 * depth-first walk is the n-th number literal of the text: we keep each
 * literal in the node's (otherwise unused) valuestring, freed by cJSON.
 */
static size_t scan_numbers(const char *t, size_t len, char ***out)
{
	char **v = NULL;
	size_t n = 0;

	for (size_t i = 0; i < len;) {
		if (t[i] == '"') {
			for (i++; i < len && t[i] != '"'; i++)
				if (t[i] == '\\')
					i++;
			i++;
		} else if (t[i] == '-' || isdigit((unsigned char)t[i])) {
			size_t s = i;

			while (i < len && (isalnum((unsigned char)t[i]) || strchr("+-.", t[i])))
				i++;
			v = cp_xreallocarray(v, n + 1, sizeof(*v));
			v[n] = cp_xmalloc(i - s + 1);
			memcpy(v[n], t + s, i - s);
			v[n++][i - s] = '\0';
		} else {
			i++;
		}
	}
	*out = v;
	return n;
}

static void attach_numbers(cJSON *j, char **lit, size_t n, size_t *k, bool *ok)
{
	for (; j; j = j->next) {
		if (cJSON_IsNumber(j)) {
			if (*k < n && !j->valuestring)
				j->valuestring = cp_steal_pointer(&lit[*k]);
			else
				*ok = false;
			(*k)++;
		}
		attach_numbers(j->child, lit, n, k, ok);
	}
}

static int get_u64(const cJSON *j, uint64_t *out, struct cp_err *e, const char *where)
{
	if (!cJSON_IsNumber(j))
		return cp_fail(e, -EINVAL, "%s: expected an unsigned integer", where);
	if (j->valuestring) {
		const char *s = j->valuestring;

		/* JSON has no hex; cp_parse_u64 would take 0x, so insist on digits. */
		for (const char *c = s; *c; c++)
			if (!isdigit((unsigned char)*c))
				return cp_fail(e, -EINVAL, "%s: expected an unsigned integer, got %s", where, s);
		if (cp_parse_u64(s, out) < 0)
			return cp_fail(e, -EINVAL, "%s: %s does not fit in 64 bits", where, s);
		return 0;
	}
	if (j->valuedouble < 0 || j->valuedouble != (double)(uint64_t)j->valuedouble)
		return cp_fail(e, -EINVAL, "%s: expected an unsigned integer", where);
	*out = (uint64_t)j->valuedouble;
	return 0;
}

static int get_errno(const cJSON *j, int *out, struct cp_err *e, const char *where)
{
	uint64_t v = 0;
	int r = get_u64(j, &v, e, where);

	if (r < 0)
		return r;
	/* The kernel passes errno in the 16-bit SECCOMP_RET_DATA; libc sees -4095..-1. */
	if (v > CP_TRACE_ERRNO_MASK)
		return cp_fail(e, -EINVAL, "%s: errno %llu out of range (0..%u)", where, (unsigned long long)v,
			       CP_TRACE_ERRNO_MASK);
	*out = (int)v;
	return 0;
}

static const cJSON *field(const cJSON *o, const char *name)
{
	const cJSON *j = cJSON_GetObjectItemCaseSensitive(o, name);

	/* Go's encoding/json reads null as "absent", and so do we. */
	return cJSON_IsNull(j) ? NULL : j;
}

static int parse_action(const cJSON *j, enum enf_act_kind *kind, struct cp_err *e, const char *where)
{
	if (!cJSON_IsString(j))
		return cp_fail(e, -EINVAL, "%s: expected a string such as \"SCMP_ACT_ERRNO\"", where);
	for (size_t i = 0; i < CP_ARRAY_SIZE(action_names); i++) {
		if (!strcmp(j->valuestring, action_names[i].name)) {
			*kind = action_names[i].kind;
			return 0;
		}
	}
	if (!strcmp(j->valuestring, "SCMP_ACT_NOTIFY"))
		return cp_fail(
			e, -EINVAL,
			"%s: SCMP_ACT_NOTIFY needs a seccomp agent (listenerPath), which capprof does not support",
			where);
	return cp_fail(e, -EINVAL, "%s: unknown action \"%s\"", where, j->valuestring);
}

static int parse_arch(const cJSON *j, uint32_t *tok, struct cp_err *e, const char *where)
{
	if (!cJSON_IsString(j))
		return cp_fail(e, -EINVAL, "%s: expected a string such as \"SCMP_ARCH_X86_64\"", where);
	*tok = cp_arch_from_docker_name(j->valuestring);
	/*
	 * An architecture newer than our libseccomp (SCMP_ARCH_LOONGARCH64 on
	 * 2.5) cannot be the one we run on: keep it as 0 and skip it.
	 */
	if (!*tok && strncmp(j->valuestring, "SCMP_ARCH_", 10) != 0)
		return cp_fail(e, -EINVAL, "%s: unknown architecture \"%s\"", where, j->valuestring);
	return 0;
}

static int parse_strv(const cJSON *j, char ***out, size_t *n, struct cp_err *e, const char *where)
{
	const cJSON *it;
	size_t i = 0;

	if (!j)
		return 0;
	if (!cJSON_IsArray(j))
		return cp_fail(e, -EINVAL, "%s: expected an array of strings", where);
	*out = cp_xcalloc((size_t)cJSON_GetArraySize(j) + 1, sizeof(char *));
	cJSON_ArrayForEach(it, j)
	{
		if (!cJSON_IsString(it))
			return cp_fail(e, -EINVAL, "%s[%zu]: expected a string", where, i);
		(*out)[(*n)++] = cp_xstrdup(it->valuestring);
		i++;
	}
	return 0;
}

static int parse_kernel(const char *s, unsigned *major, unsigned *minor)
{
	char *end;
	unsigned long a, b;

	if (!isdigit((unsigned char)*s))
		return -EINVAL;
	a = strtoul(s, &end, 10);
	if (*end != '.' || !isdigit((unsigned char)end[1]))
		return -EINVAL;
	b = strtoul(end + 1, &end, 10);
	if (*end || a > 0xffff || b > 0xffff)
		return -EINVAL;
	*major = (unsigned)a;
	*minor = (unsigned)b;
	return 0;
}

static int parse_cond(const cJSON *j, struct enf_cond *c, struct cp_err *e, const char *where)
{
	char w[160];
	const cJSON *caps, *k, *it;
	int r;
	size_t i = 0;

	if (!j)
		return 0;
	if (!cJSON_IsObject(j))
		return cp_fail(e, -EINVAL, "%s: expected an object", where);
	caps = field(j, "caps");
	if (caps) {
		snprintf(w, sizeof(w), "%s.caps", where);
		if (!cJSON_IsArray(caps))
			return cp_fail(e, -EINVAL, "%s: expected an array of strings", w);
		cJSON_ArrayForEach(it, caps)
		{
			int cap;

			if (!cJSON_IsString(it))
				return cp_fail(e, -EINVAL, "%s[%zu]: expected a string such as \"CAP_SYS_ADMIN\"", w,
					       i);
			/* A capability newer than libcap cannot be held by us: not an error. */
			cap = cp_cap_parse(it->valuestring);
			if (cap < 0 || cap >= 64)
				c->caps_unknown = true;
			else
				c->caps |= 1ull << cap;
			i++;
		}
		c->has_caps = i > 0;
	}
	snprintf(w, sizeof(w), "%s.arches", where);
	r = parse_strv(field(j, "arches"), &c->arches, &c->narches, e, w);
	if (r < 0)
		return r;
	k = field(j, "minKernel");
	if (k) {
		if (!cJSON_IsString(k) || parse_kernel(k->valuestring, &c->kmajor, &c->kminor) < 0)
			return cp_fail(e, -EINVAL, "%s.minKernel: expected a string \"MAJOR.MINOR\" such as \"4.8\"",
				       where);
		c->has_kernel = true;
	}
	return 0;
}

static int parse_args(const cJSON *j, struct enf_rule *rule, struct cp_err *e, const char *where)
{
	const cJSON *it;
	size_t i = 0;
	char w[160];

	if (!j)
		return 0;
	if (!cJSON_IsArray(j))
		return cp_fail(e, -EINVAL, "%s: expected an array", where);
	rule->args = cp_xcalloc((size_t)cJSON_GetArraySize(j) + 1, sizeof(*rule->args));
	cJSON_ArrayForEach(it, j)
	{
		struct enf_arg *a = &rule->args[i];
		const cJSON *idx, *op, *v2;
		uint64_t n;
		size_t o;
		int r;

		snprintf(w, sizeof(w), "%s[%zu]", where, i);
		if (!cJSON_IsObject(it))
			return cp_fail(e, -EINVAL, "%s: expected an object", w);
		idx = field(it, "index");
		if (!idx)
			return cp_fail(e, -EINVAL, "%s.index: missing", w);
		snprintf(w, sizeof(w), "%s[%zu].index", where, i);
		r = get_u64(idx, &n, e, w);
		if (r < 0)
			return r;
		if (n >= CP_NARGS)
			return cp_fail(e, -EINVAL, "%s: %llu out of range (0..%d)", w, (unsigned long long)n,
				       CP_NARGS - 1);
		a->index = (unsigned)n;
		snprintf(w, sizeof(w), "%s[%zu].value", where, i);
		if (!field(it, "value"))
			return cp_fail(e, -EINVAL, "%s: missing", w);
		r = get_u64(field(it, "value"), &a->value, e, w);
		if (r < 0)
			return r;
		v2 = field(it, "valueTwo");
		snprintf(w, sizeof(w), "%s[%zu].valueTwo", where, i);
		if (v2 && (r = get_u64(v2, &a->value_two, e, w)) < 0)
			return r;
		op = field(it, "op");
		snprintf(w, sizeof(w), "%s[%zu].op", where, i);
		if (!op)
			return cp_fail(e, -EINVAL, "%s: missing", w);
		if (!cJSON_IsString(op))
			return cp_fail(e, -EINVAL, "%s: expected a string such as \"SCMP_CMP_EQ\"", w);
		for (o = 0; o < CP_ARRAY_SIZE(op_names); o++)
			if (!strcmp(op->valuestring, op_names[o].name))
				break;
		if (o == CP_ARRAY_SIZE(op_names))
			return cp_fail(e, -EINVAL, "%s: unknown operator \"%s\"", w, op->valuestring);
		a->op = op_names[o].op;
		rule->nargs = ++i;
	}
	return 0;
}

static int parse_rule(const cJSON *j, struct enf_rule *rule, struct cp_err *e, size_t idx)
{
	char w[96], w2[128];
	const cJSON *name = field(j, "name"), *names = field(j, "names"), *act, *ret;
	int r;

	snprintf(w, sizeof(w), "syscalls[%zu]", idx);
	if (!cJSON_IsObject(j))
		return cp_fail(e, -EINVAL, "%s: expected an object", w);
	if (name && names)
		return cp_fail(e, -EINVAL, "%s: both \"name\" and \"names\" given; use \"names\"", w);
	if (name) {
		/* The old single-name form Docker still reads. */
		if (!cJSON_IsString(name))
			return cp_fail(e, -EINVAL, "%s.name: expected a string", w);
		rule->names = cp_xcalloc(2, sizeof(char *));
		rule->names[rule->nnames++] = cp_xstrdup(name->valuestring);
	} else {
		snprintf(w2, sizeof(w2), "%s.names", w);
		if (!names)
			return cp_fail(e, -EINVAL, "%s: missing", w2);
		r = parse_strv(names, &rule->names, &rule->nnames, e, w2);
		if (r < 0)
			return r;
	}
	act = field(j, "action");
	snprintf(w2, sizeof(w2), "%s.action", w);
	if (!act)
		return cp_fail(e, -EINVAL, "%s: missing", w2);
	r = parse_action(act, &rule->act.kind, e, w2);
	if (r < 0)
		return r;
	rule->act.ret = EPERM; /* runc's default for ERRNO and TRACE */
	ret = field(j, "errnoRet");
	if (ret) {
		snprintf(w2, sizeof(w2), "%s.errnoRet", w);
		if (rule->act.kind != ENF_ACT_ERRNO && rule->act.kind != ENF_ACT_TRACE)
			return cp_fail(e, -EINVAL, "%s: only valid with SCMP_ACT_ERRNO or SCMP_ACT_TRACE", w2);
		r = get_errno(ret, &rule->act.ret, e, w2);
		if (r < 0)
			return r;
	}
	snprintf(w2, sizeof(w2), "%s.args", w);
	r = parse_args(field(j, "args"), rule, e, w2);
	if (r < 0)
		return r;
	snprintf(w2, sizeof(w2), "%s.includes", w);
	r = parse_cond(field(j, "includes"), &rule->inc, e, w2);
	if (r < 0)
		return r;
	snprintf(w2, sizeof(w2), "%s.excludes", w);
	r = parse_cond(field(j, "excludes"), &rule->exc, e, w2);
	if (r < 0)
		return r;
	if (field(j, "comment") && !cJSON_IsString(field(j, "comment")))
		return cp_fail(e, -EINVAL, "%s.comment: expected a string", w);
	return 0;
}

static int parse_archmap(const cJSON *j, struct enf_profile *p, struct cp_err *e)
{
	const cJSON *it, *sub, *s;
	char w[96];
	size_t i = 0;

	if (!cJSON_IsArray(j))
		return cp_fail(e, -EINVAL, "archMap: expected an array");
	p->map = cp_xcalloc((size_t)cJSON_GetArraySize(j) + 1, sizeof(*p->map));
	cJSON_ArrayForEach(it, j)
	{
		struct enf_archmap *m = &p->map[i];
		size_t k = 0;
		int r;

		if (!cJSON_IsObject(it))
			return cp_fail(e, -EINVAL, "archMap[%zu]: expected an object", i);
		snprintf(w, sizeof(w), "archMap[%zu].architecture", i);
		if (!field(it, "architecture"))
			return cp_fail(e, -EINVAL, "%s: missing", w);
		r = parse_arch(field(it, "architecture"), &m->arch, e, w);
		if (r < 0)
			return r;
		p->nmap = ++i;
		sub = field(it, "subArchitectures");
		if (!sub)
			continue;
		if (!cJSON_IsArray(sub))
			return cp_fail(e, -EINVAL, "archMap[%zu].subArchitectures: expected an array", i - 1);
		m->sub = cp_xcalloc((size_t)cJSON_GetArraySize(sub) + 1, sizeof(uint32_t));
		cJSON_ArrayForEach(s, sub)
		{
			snprintf(w, sizeof(w), "archMap[%zu].subArchitectures[%zu]", i - 1, k++);
			r = parse_arch(s, &m->sub[m->nsub], e, w);
			if (r < 0)
				return r;
			m->nsub++;
		}
	}
	return 0;
}

static int parse_flags(const cJSON *j, struct enf_profile *p, struct cp_err *e)
{
	const cJSON *it;
	size_t i = 0;

	if (!cJSON_IsArray(j))
		return cp_fail(e, -EINVAL, "flags: expected an array");
	cJSON_ArrayForEach(it, j)
	{
		if (!cJSON_IsString(it))
			return cp_fail(e, -EINVAL, "flags[%zu]: expected a string", i);
		if (!strcmp(it->valuestring, "SECCOMP_FILTER_FLAG_LOG"))
			p->flag_log = true;
		else if (!strcmp(it->valuestring, "SECCOMP_FILTER_FLAG_SPEC_ALLOW"))
			p->flag_spec_allow = true;
		else if (strcmp(it->valuestring, "SECCOMP_FILTER_FLAG_TSYNC") != 0)
			/* TSYNC: we load before exec with one thread, so it changes nothing. */
			return cp_fail(e, -EINVAL, "flags[%zu]: unsupported flag \"%s\"", i, it->valuestring);
		i++;
	}
	return 0;
}

static int parse_root(const cJSON *root, struct enf_profile *p, struct cp_err *e)
{
	const cJSON *j, *it;
	size_t i = 0;
	int r;

	if (!cJSON_IsObject(root))
		return cp_fail(e, -EINVAL, "expected a JSON object (a Docker seccomp profile)");
	/* Docker ignores keys it does not know; so do we, but the caller warns. */
	cJSON_ArrayForEach(it, root)
	{
		static const char *const top[] = { "defaultAction", "defaultErrnoRet", "architectures",
						   "archMap",	    "syscalls",	       "flags",
						   "listenerPath",  "listenerMetadata" };
		bool known = false;

		for (size_t k = 0; k < CP_ARRAY_SIZE(top) && !known; k++)
			known = it->string && !strcmp(it->string, top[k]);
		if (!known && !p->unknown_key)
			p->unknown_key = cp_xstrdup(it->string ? it->string : "");
	}
	j = field(root, "defaultAction");
	if (!j)
		return cp_fail(e, -EINVAL, "defaultAction: missing");
	r = parse_action(j, &p->def.kind, e, "defaultAction");
	if (r < 0)
		return r;
	p->def.ret = EPERM;
	j = field(root, "defaultErrnoRet");
	if (j) {
		r = get_errno(j, &p->def.ret, e, "defaultErrnoRet");
		if (r < 0)
			return r;
	}
	j = field(root, "listenerPath");
	if (j && (!cJSON_IsString(j) || j->valuestring[0]))
		return cp_fail(e, -EINVAL, "listenerPath: seccomp agents (SCMP_ACT_NOTIFY) are not supported");
	j = field(root, "flags");
	if (j && (r = parse_flags(j, p, e)) < 0)
		return r;
	j = field(root, "architectures");
	if (j) {
		if (!cJSON_IsArray(j))
			return cp_fail(e, -EINVAL, "architectures: expected an array");
		p->arches = cp_xcalloc((size_t)cJSON_GetArraySize(j) + 1, sizeof(uint32_t));
		cJSON_ArrayForEach(it, j)
		{
			char w[48];

			snprintf(w, sizeof(w), "architectures[%zu]", i++);
			r = parse_arch(it, &p->arches[p->narches], e, w);
			if (r < 0)
				return r;
			p->narches++;
		}
	}
	j = field(root, "archMap");
	if (j) {
		/* Docker refuses the mix too: which list wins would be a guess. */
		if (p->narches && cJSON_GetArraySize(j) > 0)
			return cp_fail(e, -EINVAL, "archMap: give either \"architectures\" or \"archMap\", not both");
		r = parse_archmap(j, p, e);
		if (r < 0)
			return r;
	}
	j = field(root, "syscalls");
	if (!j)
		return 0;
	if (!cJSON_IsArray(j))
		return cp_fail(e, -EINVAL, "syscalls: expected an array");
	p->rules = cp_xcalloc((size_t)cJSON_GetArraySize(j) + 1, sizeof(*p->rules));
	i = 0;
	cJSON_ArrayForEach(it, j)
	{
		r = parse_rule(it, &p->rules[i], e, i);
		p->nrules = ++i;
		if (r < 0)
			return r;
	}
	return 0;
}

/*
 * Every key of Docker's seccomp profile (moby's types.Seccomp and what it
 * holds), including those capprof ignores (listenerMetadata).
 */
static const char *const docker_profile_keys[] = {
	"action",
	"archMap",
	"arches",
	"architecture",
	"architectures",
	"args",
	"caps",
	"comment",
	"defaultAction",
	"defaultErrnoRet",
	"errnoRet",
	"excludes",
	"flags",
	"includes",
	"index",
	"listenerMetadata",
	"listenerPath",
	"minKernel",
	"name",
	"names",
	"op",
	"subArchitectures",
	"syscalls",
	"value",
	"valueTwo",
	NULL,
};

int enf_profile_parse(const char *text, size_t len, struct enf_profile **out, struct cp_err *err)
{
	cp_autojson *root = NULL;
	cp_autoprofile *p = NULL;
	char **lit = NULL;
	size_t nlit, k = 0;
	bool ok = true;
	int r;

	r = json_parse_document(text, len, &root, err);
	if (r < 0)
		return r;
	r = json_check_spelling(root, docker_profile_keys, err);
	if (r < 0)
		return r;
	nlit = scan_numbers(text, len, &lit);
	attach_numbers(root, lit, nlit, &k, &ok);
	cp_strv_free_n(lit, nlit);
	if (!ok || k != nlit)
		return cp_fail(err, -EINVAL, "internal error: number literals do not match the document");
	p = cp_xcalloc(1, sizeof(*p));
	r = parse_root(root, p, err);
	if (r < 0)
		return r;
	*out = cp_steal_pointer(&p);
	return 0;
}

int enf_profile_load(const char *path, struct enf_profile **out, struct cp_err *err)
{
	cp_autofree char *text = NULL;
	size_t len;
	int r = cp_read_file(path, ENF_MAX_PROFILE, &text, &len);

	if (r == -EFBIG)
		return cp_fail(err, r, "larger than %u MiB, not a seccomp profile", ENF_MAX_PROFILE >> 20);
	if (r == -EISDIR)
		return cp_fail(err, r, "is a directory, not a seccomp profile");
	if (r < 0)
		return cp_fail(err, r, "%s", cp_read_strerror(r));
	return enf_profile_parse(text, len, out, err);
}
