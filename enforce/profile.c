// SPDX-License-Identifier: MIT
/*
 * Docker-format seccomp profiles. The semantics follow what Docker (moby's
 * profiles/seccomp) and runc (libcontainer/seccomp) do with a profile, so
 * that `capprof run` enforces what `docker run --security-opt seccomp=...`
 * would; docs/run-verify.md lists them.
 */
#include "enforce/profile.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "common/json.h"
#include "common/json_strict.h"
#include "common/names.h"
#include "common/recording.h"
#include "common/util.h"
#include "common/trace_proto.h"

enum enf_act_kind {
	ENF_ACT_ALLOW,
	ENF_ACT_ERRNO,
	ENF_ACT_KILL_THREAD,
	ENF_ACT_KILL_PROCESS,
	ENF_ACT_TRAP,
	ENF_ACT_TRACE,
	ENF_ACT_LOG,
};

struct enf_action {
	enum enf_act_kind kind;
	int ret; /* errno for ERRNO, message for TRACE */
};

/* includes or excludes of one rule. */
struct enf_cond {
	bool has_caps;
	uint64_t caps;
	bool caps_unknown; /* a capability this libcap does not know: never held */
	char **arches;
	size_t narches;
	bool has_kernel;
	unsigned kmajor, kminor;
};

struct enf_arg {
	unsigned index;
	uint64_t value, value_two;
	enum scmp_compare op;
};

struct enf_rule {
	char **names;
	size_t nnames;
	struct enf_action act;
	struct enf_arg *args;
	size_t nargs;
	struct enf_cond inc, exc;
};

struct enf_archmap {
	uint32_t arch;
	uint32_t *sub;
	size_t nsub;
};

struct enf_profile {
	struct enf_action def;
	uint32_t *arches;
	size_t narches;
	struct enf_archmap *map;
	size_t nmap;
	struct enf_rule *rules;
	size_t nrules;
	bool flag_log, flag_spec_allow;
	char *unknown_key; /* first top-level key Docker ignores */
};

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
 * Docker matches includes/excludes.arches against Go's GOARCH; we accept
 * libseccomp's spelling too. Source: Go's list of GOARCH values.
 */
static const struct {
	const char *arch; /* libseccomp name */
	const char *goarch;
} goarch_names[] = {
	{ "x86_64", "amd64" },	    { "x86", "386" },
	{ "aarch64", "arm64" },	    { "arm", "arm" },
	{ "ppc64le", "ppc64le" },   { "ppc64", "ppc64" },
	{ "s390x", "s390x" },	    { "s390", "s390" },
	{ "riscv64", "riscv64" },   { "mips64", "mips64" },
	{ "mipsel64", "mips64le" }, { "mips", "mips" },
	{ "mipsel", "mipsle" },	    { "loongarch64", "loong64" },
};

struct perr {
	char *buf;
	size_t len;
};

static int fail(struct perr *e, const char *fmt, ...) CP_PRINTF(2, 3);
static int fail(struct perr *e, const char *fmt, ...)
{
	va_list ap;

	if (e->buf && e->len) {
		va_start(ap, fmt);
		vsnprintf(e->buf, e->len, fmt, ap);
		va_end(ap);
		cp_scrub_controls(e->buf); /* names quoted from the file */
	}
	return -EINVAL;
}

static void free_strv(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static void cond_free(struct enf_cond *c)
{
	free_strv(c->arches, c->narches);
}

void enf_profile_free(struct enf_profile *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->nrules; i++) {
		struct enf_rule *r = &p->rules[i];

		free_strv(r->names, r->nnames);
		free(r->args);
		cond_free(&r->inc);
		cond_free(&r->exc);
	}
	free(p->rules);
	for (size_t i = 0; i < p->nmap; i++)
		free(p->map[i].sub);
	free(p->map);
	free(p->arches);
	free(p->unknown_key);
	free(p);
}

void enf_profile_freep(struct enf_profile **pp)
{
	enf_profile_free(*pp);
}

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

static int get_u64(const cJSON *j, uint64_t *out, struct perr *e, const char *where)
{
	if (!cJSON_IsNumber(j))
		return fail(e, "%s: expected an unsigned integer", where);
	if (j->valuestring) {
		const char *s = j->valuestring;

		/* JSON has no hex; cp_parse_u64 would take 0x, so insist on digits. */
		for (const char *c = s; *c; c++)
			if (!isdigit((unsigned char)*c))
				return fail(e, "%s: expected an unsigned integer, got %s", where, s);
		if (cp_parse_u64(s, out) < 0)
			return fail(e, "%s: %s does not fit in 64 bits", where, s);
		return 0;
	}
	if (j->valuedouble < 0 || j->valuedouble != (double)(uint64_t)j->valuedouble)
		return fail(e, "%s: expected an unsigned integer", where);
	*out = (uint64_t)j->valuedouble;
	return 0;
}

static int get_errno(const cJSON *j, int *out, struct perr *e, const char *where)
{
	uint64_t v = 0;
	int r = get_u64(j, &v, e, where);

	if (r < 0)
		return r;
	/* The kernel passes errno in the 16-bit SECCOMP_RET_DATA; libc sees -4095..-1. */
	if (v > CP_TRACE_ERRNO_MASK)
		return fail(e, "%s: errno %llu out of range (0..%u)", where, (unsigned long long)v,
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

static int parse_action(const cJSON *j, enum enf_act_kind *kind, struct perr *e, const char *where)
{
	if (!cJSON_IsString(j))
		return fail(e, "%s: expected a string such as \"SCMP_ACT_ERRNO\"", where);
	for (size_t i = 0; i < CP_ARRAY_SIZE(action_names); i++) {
		if (!strcmp(j->valuestring, action_names[i].name)) {
			*kind = action_names[i].kind;
			return 0;
		}
	}
	if (!strcmp(j->valuestring, "SCMP_ACT_NOTIFY"))
		return fail(e,
			    "%s: SCMP_ACT_NOTIFY needs a seccomp agent (listenerPath), which capprof does not support",
			    where);
	return fail(e, "%s: unknown action \"%s\"", where, j->valuestring);
}

static int parse_arch(const cJSON *j, uint32_t *tok, struct perr *e, const char *where)
{
	if (!cJSON_IsString(j))
		return fail(e, "%s: expected a string such as \"SCMP_ARCH_X86_64\"", where);
	*tok = cp_arch_from_docker_name(j->valuestring);
	/*
	 * An architecture newer than our libseccomp (SCMP_ARCH_LOONGARCH64 on
	 * 2.5) cannot be the one we run on: keep it as 0 and skip it.
	 */
	if (!*tok && strncmp(j->valuestring, "SCMP_ARCH_", 10) != 0)
		return fail(e, "%s: unknown architecture \"%s\"", where, j->valuestring);
	return 0;
}

static int parse_strv(const cJSON *j, char ***out, size_t *n, struct perr *e, const char *where)
{
	const cJSON *it;
	size_t i = 0;

	if (!j)
		return 0;
	if (!cJSON_IsArray(j))
		return fail(e, "%s: expected an array of strings", where);
	*out = cp_xcalloc((size_t)cJSON_GetArraySize(j) + 1, sizeof(char *));
	cJSON_ArrayForEach(it, j)
	{
		if (!cJSON_IsString(it))
			return fail(e, "%s[%zu]: expected a string", where, i);
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

static int parse_cond(const cJSON *j, struct enf_cond *c, struct perr *e, const char *where)
{
	char w[160];
	const cJSON *caps, *k, *it;
	int r;
	size_t i = 0;

	if (!j)
		return 0;
	if (!cJSON_IsObject(j))
		return fail(e, "%s: expected an object", where);
	caps = field(j, "caps");
	if (caps) {
		snprintf(w, sizeof(w), "%s.caps", where);
		if (!cJSON_IsArray(caps))
			return fail(e, "%s: expected an array of strings", w);
		cJSON_ArrayForEach(it, caps)
		{
			int cap;

			if (!cJSON_IsString(it))
				return fail(e, "%s[%zu]: expected a string such as \"CAP_SYS_ADMIN\"", w, i);
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
			return fail(e, "%s.minKernel: expected a string \"MAJOR.MINOR\" such as \"4.8\"", where);
		c->has_kernel = true;
	}
	return 0;
}

static int parse_args(const cJSON *j, struct enf_rule *rule, struct perr *e, const char *where)
{
	const cJSON *it;
	size_t i = 0;
	char w[160];

	if (!j)
		return 0;
	if (!cJSON_IsArray(j))
		return fail(e, "%s: expected an array", where);
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
			return fail(e, "%s: expected an object", w);
		idx = field(it, "index");
		if (!idx)
			return fail(e, "%s.index: missing", w);
		snprintf(w, sizeof(w), "%s[%zu].index", where, i);
		r = get_u64(idx, &n, e, w);
		if (r < 0)
			return r;
		if (n >= CP_NARGS)
			return fail(e, "%s: %llu out of range (0..%d)", w, (unsigned long long)n, CP_NARGS - 1);
		a->index = (unsigned)n;
		snprintf(w, sizeof(w), "%s[%zu].value", where, i);
		if (!field(it, "value"))
			return fail(e, "%s: missing", w);
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
			return fail(e, "%s: missing", w);
		if (!cJSON_IsString(op))
			return fail(e, "%s: expected a string such as \"SCMP_CMP_EQ\"", w);
		for (o = 0; o < CP_ARRAY_SIZE(op_names); o++)
			if (!strcmp(op->valuestring, op_names[o].name))
				break;
		if (o == CP_ARRAY_SIZE(op_names))
			return fail(e, "%s: unknown operator \"%s\"", w, op->valuestring);
		a->op = op_names[o].op;
		rule->nargs = ++i;
	}
	return 0;
}

static int parse_rule(const cJSON *j, struct enf_rule *rule, struct perr *e, size_t idx)
{
	char w[96], w2[128];
	const cJSON *name = field(j, "name"), *names = field(j, "names"), *act, *ret;
	int r;

	snprintf(w, sizeof(w), "syscalls[%zu]", idx);
	if (!cJSON_IsObject(j))
		return fail(e, "%s: expected an object", w);
	if (name && names)
		return fail(e, "%s: both \"name\" and \"names\" given; use \"names\"", w);
	if (name) {
		/* The old single-name form Docker still reads. */
		if (!cJSON_IsString(name))
			return fail(e, "%s.name: expected a string", w);
		rule->names = cp_xcalloc(2, sizeof(char *));
		rule->names[rule->nnames++] = cp_xstrdup(name->valuestring);
	} else {
		snprintf(w2, sizeof(w2), "%s.names", w);
		if (!names)
			return fail(e, "%s: missing", w2);
		r = parse_strv(names, &rule->names, &rule->nnames, e, w2);
		if (r < 0)
			return r;
	}
	act = field(j, "action");
	snprintf(w2, sizeof(w2), "%s.action", w);
	if (!act)
		return fail(e, "%s: missing", w2);
	r = parse_action(act, &rule->act.kind, e, w2);
	if (r < 0)
		return r;
	rule->act.ret = EPERM; /* runc's default for ERRNO and TRACE */
	ret = field(j, "errnoRet");
	if (ret) {
		snprintf(w2, sizeof(w2), "%s.errnoRet", w);
		if (rule->act.kind != ENF_ACT_ERRNO && rule->act.kind != ENF_ACT_TRACE)
			return fail(e, "%s: only valid with SCMP_ACT_ERRNO or SCMP_ACT_TRACE", w2);
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
		return fail(e, "%s.comment: expected a string", w);
	return 0;
}

static int parse_archmap(const cJSON *j, struct enf_profile *p, struct perr *e)
{
	const cJSON *it, *sub, *s;
	char w[96];
	size_t i = 0;

	if (!cJSON_IsArray(j))
		return fail(e, "archMap: expected an array");
	p->map = cp_xcalloc((size_t)cJSON_GetArraySize(j) + 1, sizeof(*p->map));
	cJSON_ArrayForEach(it, j)
	{
		struct enf_archmap *m = &p->map[i];
		size_t k = 0;
		int r;

		if (!cJSON_IsObject(it))
			return fail(e, "archMap[%zu]: expected an object", i);
		snprintf(w, sizeof(w), "archMap[%zu].architecture", i);
		if (!field(it, "architecture"))
			return fail(e, "%s: missing", w);
		r = parse_arch(field(it, "architecture"), &m->arch, e, w);
		if (r < 0)
			return r;
		p->nmap = ++i;
		sub = field(it, "subArchitectures");
		if (!sub)
			continue;
		if (!cJSON_IsArray(sub))
			return fail(e, "archMap[%zu].subArchitectures: expected an array", i - 1);
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

static int parse_flags(const cJSON *j, struct enf_profile *p, struct perr *e)
{
	const cJSON *it;
	size_t i = 0;

	if (!cJSON_IsArray(j))
		return fail(e, "flags: expected an array");
	cJSON_ArrayForEach(it, j)
	{
		if (!cJSON_IsString(it))
			return fail(e, "flags[%zu]: expected a string", i);
		if (!strcmp(it->valuestring, "SECCOMP_FILTER_FLAG_LOG"))
			p->flag_log = true;
		else if (!strcmp(it->valuestring, "SECCOMP_FILTER_FLAG_SPEC_ALLOW"))
			p->flag_spec_allow = true;
		else if (strcmp(it->valuestring, "SECCOMP_FILTER_FLAG_TSYNC") != 0)
			/* TSYNC: we load before exec with one thread, so it changes nothing. */
			return fail(e, "flags[%zu]: unsupported flag \"%s\"", i, it->valuestring);
		i++;
	}
	return 0;
}

static int parse_root(const cJSON *root, struct enf_profile *p, struct perr *e)
{
	const cJSON *j, *it;
	size_t i = 0;
	int r;

	if (!cJSON_IsObject(root))
		return fail(e, "expected a JSON object (a Docker seccomp profile)");
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
		return fail(e, "defaultAction: missing");
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
		return fail(e, "listenerPath: seccomp agents (SCMP_ACT_NOTIFY) are not supported");
	j = field(root, "flags");
	if (j && (r = parse_flags(j, p, e)) < 0)
		return r;
	j = field(root, "architectures");
	if (j) {
		if (!cJSON_IsArray(j))
			return fail(e, "architectures: expected an array");
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
			return fail(e, "archMap: give either \"architectures\" or \"archMap\", not both");
		r = parse_archmap(j, p, e);
		if (r < 0)
			return r;
	}
	j = field(root, "syscalls");
	if (!j)
		return 0;
	if (!cJSON_IsArray(j))
		return fail(e, "syscalls: expected an array");
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

int enf_profile_parse(const char *text, size_t len, struct enf_profile **out, char *err, size_t errlen)
{
	struct perr e = { err, errlen };
	cp_autojson *root = NULL;
	cp_autoprofile *p = NULL;
	char **lit = NULL;
	size_t nlit, k = 0;
	bool ok = true;
	int r;

	r = json_parse_document(text, len, &root, err, errlen);
	if (r < 0)
		return r;
	r = json_check_spelling(root, docker_profile_keys, err, errlen);
	if (r < 0)
		return r;
	nlit = scan_numbers(text, len, &lit);
	attach_numbers(root, lit, nlit, &k, &ok);
	free_strv(lit, nlit);
	if (!ok || k != nlit)
		return fail(&e, "internal error: number literals do not match the document");
	p = cp_xcalloc(1, sizeof(*p));
	r = parse_root(root, p, &e);
	if (r < 0)
		return r;
	*out = cp_steal_pointer(&p);
	return 0;
}

int enf_profile_load(const char *path, struct enf_profile **out, char *err, size_t errlen)
{
	cp_autofree char *text = NULL;
	size_t len;
	int r = cp_read_file(path, ENF_MAX_PROFILE, &text, &len);

	if (r < 0) {
		if (r == -EFBIG)
			snprintf(err, errlen, "larger than %u MiB, not a seccomp profile", ENF_MAX_PROFILE >> 20);
		else if (r == -EISDIR)
			snprintf(err, errlen, "is a directory, not a seccomp profile");
		else
			snprintf(err, errlen, "%s", cp_read_strerror(r));
		return r;
	}
	return enf_profile_parse(text, len, out, err, errlen);
}

int enf_kernel_version(unsigned *major, unsigned *minor)
{
	struct utsname u;
	char *end;

	if (uname(&u) < 0)
		return -errno;
	*major = (unsigned)strtoul(u.release, &end, 10);
	*minor = *end == '.' ? (unsigned)strtoul(end + 1, NULL, 10) : 0;
	return 0;
}

static size_t profile_arches(const struct enf_profile *p, uint32_t native, uint32_t *tokens, size_t max)
{
	size_t n = 0;

#define ADD_ARCH(t)                               \
	do {                                      \
		bool dup = false;                 \
		for (size_t d_ = 0; d_ < n; d_++) \
			dup |= tokens[d_] == (t); \
		if (!dup && (t) && n < max)       \
			tokens[n++] = (t);        \
	} while (0)

	tokens[n++] = native;
	for (size_t i = 0; i < p->narches; i++)
		ADD_ARCH(p->arches[i]);
	/* archMap: only the entry of the machine we run on counts, as in Docker. */
	for (size_t i = 0; i < p->nmap; i++) {
		if (p->map[i].arch != native)
			continue;
		for (size_t s = 0; s < p->map[i].nsub; s++)
			ADD_ARCH(p->map[i].sub[s]);
	}
#undef ADD_ARCH
	return n;
}

size_t enf_profile_arches(const struct enf_profile *p, uint32_t *tokens, size_t max)
{
	return profile_arches(p, cp_arch_native(), tokens, max);
}

static bool arch_matches(uint32_t token, char *const *names, size_t n)
{
	const char *sname = cp_arch_name(token), *go = NULL;

	for (size_t i = 0; i < CP_ARRAY_SIZE(goarch_names); i++)
		if (sname && !strcmp(goarch_names[i].arch, sname))
			go = goarch_names[i].goarch;
	for (size_t i = 0; i < n; i++)
		if ((sname && !strcmp(names[i], sname)) || (go && !strcmp(names[i], go)))
			return true;
	return false;
}

static bool kernel_at_least(unsigned maj, unsigned min, unsigned want_maj, unsigned want_min)
{
	return maj > want_maj || (maj == want_maj && min >= want_min);
}

/* Does a rule apply, in Docker's order: arches, caps, minKernel. */
static bool rule_applies(const struct enf_rule *r, uint32_t arch, const uint64_t *caps, unsigned kmaj, unsigned kmin)
{
	if (r->exc.narches && arch_matches(arch, r->exc.arches, r->exc.narches))
		return false;
	if (r->inc.narches && !arch_matches(arch, r->inc.arches, r->inc.narches))
		return false;
	if (caps) {
		/* excludes: any held capability drops the rule; includes: all must be held. */
		if (r->exc.has_caps && (*caps & r->exc.caps))
			return false;
		if (r->inc.has_caps && (r->inc.caps_unknown || (*caps & r->inc.caps) != r->inc.caps))
			return false;
		if (r->exc.has_kernel && kernel_at_least(kmaj, kmin, r->exc.kmajor, r->exc.kminor))
			return false;
		if (r->inc.has_kernel && !kernel_at_least(kmaj, kmin, r->inc.kmajor, r->inc.kminor))
			return false;
	}
	return true;
}

static bool allows(const struct enf_action *a)
{
	return a->kind == ENF_ACT_ALLOW || a->kind == ENF_ACT_LOG;
}

static uint32_t scmp_action(const struct enf_action *a, bool trace_denials)
{
	if (trace_denials) {
		switch (a->kind) {
		case ENF_ACT_ALLOW:
		case ENF_ACT_LOG:
			break;
		case ENF_ACT_ERRNO:
			return SCMP_ACT_TRACE(CP_TRACE_DENY | (uint16_t)a->ret);
		case ENF_ACT_TRACE:
			/* Without a tracer of its own the workload would see ENOSYS. */
			return SCMP_ACT_TRACE(CP_TRACE_DENY | ENOSYS);
		case ENF_ACT_KILL_THREAD:
		case ENF_ACT_KILL_PROCESS:
		case ENF_ACT_TRAP:
			return SCMP_ACT_TRACE(CP_TRACE_DENY);
		}
	}
	switch (a->kind) {
	case ENF_ACT_ALLOW:
		return SCMP_ACT_ALLOW;
	case ENF_ACT_ERRNO:
		return SCMP_ACT_ERRNO((uint16_t)a->ret);
	case ENF_ACT_KILL_THREAD:
		return SCMP_ACT_KILL_THREAD;
	case ENF_ACT_KILL_PROCESS:
		return SCMP_ACT_KILL_PROCESS;
	case ENF_ACT_TRAP:
		return SCMP_ACT_TRAP;
	case ENF_ACT_TRACE:
		return SCMP_ACT_TRACE((uint16_t)a->ret);
	case ENF_ACT_LOG:
		return SCMP_ACT_LOG;
	}
	return SCMP_ACT_KILL_PROCESS;
}

static void ctx_releasep(scmp_filter_ctx *c)
{
	if (*c)
		seccomp_release(*c);
}

static int add_rule(scmp_filter_ctx ctx, uint32_t act, int nr, const struct enf_rule *r)
{
	struct scmp_arg_cmp cmp[CP_NARGS];
	unsigned seen = 0;
	bool same_arg = false;
	int ret;

	if (!r->nargs)
		return seccomp_rule_add(ctx, act, nr, 0);
	if (r->nargs > CP_NARGS)
		same_arg = true;
	for (size_t i = 0; i < r->nargs && !same_arg; i++) {
		same_arg |= (seen >> r->args[i].index) & 1;
		seen |= 1u << r->args[i].index;
	}
	for (size_t i = 0; i < r->nargs; i++) {
		cmp[i % CP_NARGS] = (struct scmp_arg_cmp){ .arg = r->args[i].index,
							   .op = r->args[i].op,
							   .datum_a = r->args[i].value,
							   .datum_b = r->args[i].value_two };
		/*
		 * libseccomp refuses two conditions on one argument in a rule.
		 * runc and crun then add each condition as a rule of its own,
		 * which makes them alternatives (OR), not a conjunction.
		 */
		if (same_arg) {
			ret = seccomp_rule_add_array(ctx, act, nr, 1, &cmp[i % CP_NARGS]);
			if (ret < 0)
				return ret;
		}
	}
	if (same_arg)
		return 0;
	return seccomp_rule_add_array(ctx, act, nr, (unsigned)r->nargs, cmp);
}

/*
 * Rules already handed to libseccomp, so that a repeated (action, syscall,
 * conditions) is added once. libseccomp's cost grows faster than linearly
 * with the rules it is given (Docker's default profile repeated 50 times,
 * 1,650 rules, took 33 s), and merged profiles repeat names a lot. An
 * open-addressing hash set keeps the profile's order for the rules it keeps.
 */
struct seen_rules {
	struct seen_rule {
		const struct enf_rule *rule; /* NULL: empty slot */
		uint32_t act;
		int nr;
	} * slot;
	size_t cap;
};

static bool same_conds(const struct enf_rule *a, const struct enf_rule *b)
{
	if (a->nargs != b->nargs)
		return false;
	for (size_t i = 0; i < a->nargs; i++)
		if (a->args[i].index != b->args[i].index || a->args[i].op != b->args[i].op ||
		    a->args[i].value != b->args[i].value || a->args[i].value_two != b->args[i].value_two)
			return false;
	return true;
}

static uint64_t rule_hash(uint32_t act, int nr, const struct enf_rule *r)
{
	uint64_t h = ((uint64_t)act << 32) ^ (uint32_t)nr ^ (r->nargs * 0x9e3779b97f4a7c15ull);

	for (size_t i = 0; i < r->nargs; i++) {
		h ^= r->args[i].value + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
		h ^= r->args[i].value_two + ((uint64_t)r->args[i].index << 8) + r->args[i].op;
		h *= 0xff51afd7ed558ccdull;
	}
	h ^= h >> 33;
	return h * 0xc4ceb9fe1a85ec53ull;
}

static void seen_freep(struct seen_rules *s)
{
	free(s->slot);
}

/* True if this (act, nr, conditions) was added before; remembers it otherwise. */
static bool seen_before(struct seen_rules *s, uint32_t act, int nr, const struct enf_rule *r)
{
	size_t i = rule_hash(act, nr, r) & (s->cap - 1);

	for (; s->slot[i].rule; i = (i + 1) & (s->cap - 1))
		if (s->slot[i].act == act && s->slot[i].nr == nr && same_conds(s->slot[i].rule, r))
			return true;
	s->slot[i] = (struct seen_rule){ r, act, nr };
	return false;
}

int enf_profile_compile(const struct enf_profile *p, const struct enf_compile_opts *o, scmp_filter_ctx *out, char *err,
			size_t errlen)
{
	cp_cleanup(ctx_releasep) scmp_filter_ctx ctx = NULL;
	struct perr e = { err, errlen };
	uint32_t arches[CP_MAX_ARCH * 4], def, native = o->machine ? o->machine : cp_arch_native();
	unsigned kmaj = o->kernel_major, kmin = o->kernel_minor;
	size_t narch = profile_arches(p, native, arches, CP_ARRAY_SIZE(arches));
	cp_cleanup(seen_freep) struct seen_rules seen = { 0 };
	int r;

	if (!kmaj && !kmin && (r = enf_kernel_version(&kmaj, &kmin)) < 0)
		return fail(&e, "cannot read the kernel version: %s", strerror(-r)), r;
	def = scmp_action(&p->def, o->trace_denials);
	ctx = seccomp_init(def);
	if (!ctx)
		return fail(&e, "defaultAction: libseccomp refused the action"), -EINVAL;
	/* We set no_new_privs ourselves, only when asked to (--no-new-privileges). */
	r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
	if (!r && p->flag_log)
		r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_LOG, 1);
	if (!r && p->flag_spec_allow)
		r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_SSB, 1);
	if (r < 0)
		return fail(&e, "flags: libseccomp: %s", strerror(-r)), r;
	/* another machine: its architecture replaces ours (rule numbers stay ours; libseccomp translates) */
	if (native != cp_arch_native()) {
		r = seccomp_arch_add(ctx, native);
		if (!r)
			r = seccomp_arch_remove(ctx, SCMP_ARCH_NATIVE);
		if (r < 0)
			return fail(&e, "machine: libseccomp cannot compile for %s: %s", cp_arch_docker_name(native),
				    strerror(-r)),
			       r;
	}
	for (size_t i = 1; i < narch; i++) {
		r = seccomp_arch_add(ctx, arches[i]);
		if (r < 0 && r != -EEXIST)
			return fail(&e, "architectures: libseccomp cannot add %s: %s", cp_arch_docker_name(arches[i]),
				    strerror(-r)),
			       r;
	}
	{
		size_t names = 0;

		for (size_t i = 0; i < p->nrules; i++)
			names += p->rules[i].nnames;
		for (seen.cap = 16; seen.cap < 2 * names; seen.cap *= 2)
			;
		seen.slot = cp_xcalloc(seen.cap, sizeof(*seen.slot));
	}
	for (size_t i = 0; i < p->nrules; i++) {
		const struct enf_rule *rule = &p->rules[i];
		uint32_t act;

		/* includes/excludes.arches name the machine, not the filter's arches (Docker). */
		if (!rule_applies(rule, native, &o->caps, kmaj, kmin))
			continue;
		act = scmp_action(&rule->act, o->trace_denials);
		/* libseccomp refuses rules that repeat the default; runc skips them. */
		if (act == def)
			continue;
		for (size_t n = 0; n < rule->nnames; n++) {
			int nr = seccomp_syscall_resolve_name(rule->names[n]);

			/*
			 * A name libseccomp does not know on any architecture is
			 * skipped, as runc does: profiles list syscalls of newer
			 * kernels and other architectures.
			 */
			if (nr == __NR_SCMP_ERROR || seen_before(&seen, act, nr, rule))
				continue;
			r = add_rule(ctx, act, nr, rule);
			if (r < 0)
				return fail(&e, "syscalls[%zu]: libseccomp refused the rule for \"%s\": %s", i,
					    rule->names[n], strerror(-r)),
				       r;
		}
	}
	*out = cp_steal_pointer(&ctx);
	return 0;
}

#define ENF_MAX_NR 8192 /* above every syscall number of every arch (MIPS n32: 6000-6999; x32 bit stripped) */

/* Does a rule's action fail the call with ENOSYS (a probe the caller falls back from)? */
static bool is_enosys(const struct enf_action *a)
{
	return a->kind == ENF_ACT_ERRNO && a->ret == ENOSYS;
}

/*
 * Add one allowing rule to the view of one architecture. Per argument, the
 * union over rules: an EQ condition adds its value; any other operator, or
 * no condition on that argument, means any value (overflow). A rule that
 * compares args[0] and another that compares args[1] thus give "any" on
 * both, which over-states what the profile allows but never under-states it.
 */
static void rec_rule(struct cp_arch *a, const struct enf_rule *rule)
{
	for (size_t n = 0; n < rule->nnames; n++) {
		int nr = cp_syscall_nr(a->token, rule->names[n]);
		bool eq[CP_NARGS] = { false }, other[CP_NARGS] = { false };
		struct cp_sys *s;

		if (nr < 0 || nr >= ENF_MAX_NR)
			continue;
		s = rec_sys(a, (uint32_t)nr);
		s->count = 1;
		for (size_t i = 0; i < rule->nargs; i++) {
			const struct enf_arg *g = &rule->args[i];

			if (g->op == SCMP_CMP_EQ) {
				rec_valset_add(&s->vals[g->index], g->value);
				eq[g->index] = true;
			} else {
				other[g->index] = true;
			}
		}
		for (int k = 0; k < CP_NARGS; k++)
			if (other[k] || !eq[k])
				s->vals[k].overflow = true;
	}
}

/* A name the profile fails with ENOSYS: present with count 0 unless allowed. */
static void rec_enosys(struct cp_arch *a, const struct enf_rule *rule)
{
	for (size_t n = 0; n < rule->nnames; n++) {
		int nr = cp_syscall_nr(a->token, rule->names[n]);

		if (nr >= 0 && nr < ENF_MAX_NR)
			rec_sys(a, (uint32_t)nr);
	}
}

/* Does a rule apply to a holder of *caps (NULL: any capabilities), kernel conditions met? */
static bool rec_rule_applies(const struct enf_rule *r, uint32_t arch, const uint64_t *caps)
{
	if (!rule_applies(r, arch, NULL, 0, 0))
		return false;
	if (!caps)
		return true;
	if (r->exc.has_caps && (*caps & r->exc.caps))
		return false;
	return !r->inc.has_caps || (!r->inc.caps_unknown && (*caps & r->inc.caps) == r->inc.caps);
}

int enf_profile_to_rec(const struct enf_profile *p, const uint64_t *caps, struct cp_rec **out)
{
	cp_autorec *rec = rec_new();
	uint32_t arches[CP_MAX_ARCH];
	size_t narch = enf_profile_arches(p, arches, CP_ARRAY_SIZE(arches));

	for (size_t ai = 0; ai < narch; ai++) {
		struct cp_arch *a = rec_arch(rec, arches[ai]);

		if (allows(&p->def)) {
			/* A deny list: everything but what is denied without conditions. */
			for (uint32_t nr = 0; nr < ENF_MAX_NR; nr++)
				if (cp_syscall_name(a->token, nr))
					rec_sys(a, nr)->count = 1;
			for (size_t i = 0; i < p->nrules; i++) {
				const struct enf_rule *rule = &p->rules[i];

				if (allows(&rule->act) || rule->nargs || !rec_rule_applies(rule, a->token, caps))
					continue;
				for (size_t n = 0; n < rule->nnames; n++) {
					int nr = cp_syscall_nr(a->token, rule->names[n]);
					struct cp_sys *s = nr >= 0 ? rec_sys_get(a, (uint32_t)nr) : NULL;

					if (!s)
						continue;
					if (is_enosys(&rule->act)) {
						s->count = 0;
						continue;
					}
					free(s);
					a->sys[nr] = NULL;
				}
			}
			continue;
		}
		for (size_t i = 0; i < p->nrules; i++) {
			const struct enf_rule *rule = &p->rules[i];

			if (!rec_rule_applies(rule, a->token, caps))
				continue;
			if (allows(&rule->act))
				rec_rule(a, rule);
			else if (is_enosys(&rule->act))
				rec_enosys(a, rule);
		}
		if (is_enosys(&p->def)) {
			/* Everything not allowed fails with ENOSYS. */
			for (uint32_t nr = 0; nr < ENF_MAX_NR; nr++)
				if (cp_syscall_name(a->token, nr))
					rec_sys(a, nr);
		}
	}
	rec->complete = true;
	*out = cp_steal_pointer(&rec);
	return 0;
}

const char *enf_profile_unknown_key(const struct enf_profile *p)
{
	return p->unknown_key;
}

/* Does the profile allow name on arch for a holder of caps, under some condition at least? */
static bool may_allow(const struct enf_profile *p, const char *name, uint32_t arch, uint64_t caps, unsigned kmaj,
		      unsigned kmin)
{
	bool named = false;

	for (size_t i = 0; i < p->nrules; i++) {
		const struct enf_rule *r = &p->rules[i];

		if (!rule_applies(r, arch, &caps, kmaj, kmin))
			continue;
		for (size_t n = 0; n < r->nnames; n++) {
			if (strcmp(r->names[n], name) != 0)
				continue;
			if (allows(&r->act))
				return true;
			/* A deny under conditions leaves the other values to the default. */
			named |= r->nargs == 0;
		}
	}
	return !named && allows(&p->def);
}

size_t enf_profile_vital_denied(const struct enf_profile *p, uint64_t caps, struct enf_vital *out, size_t max)
{
	/* What a process cannot live without, on any C library (why each is vital). */
	static const struct {
		const char *name;
		const char *why;
		uint32_t arch; /* 0: every architecture */
		const char *fallback; /* vital only when this one is denied too */
	} vital[] = {
		{ "execve", "the command cannot be started", 0, NULL },
		/* glibc's _exit tries exit_group, then exit. */
		{ "exit_group", "no process can end (with exit denied too): the C library's _exit then crashes", 0,
		  "exit" },
		{ "rt_sigreturn", "no signal handler can return", 0, NULL },
		{ "arch_prctl", "the C library cannot set up thread-local storage", SCMP_ARCH_X86_64, NULL },
		{ "mmap", "the dynamic loader cannot map a library", 0, NULL },
	};
	uint32_t native = cp_arch_native();
	unsigned kmaj = 0, kmin = 0;
	size_t n = 0;

	(void)enf_kernel_version(&kmaj, &kmin);
	for (size_t i = 0; i < CP_ARRAY_SIZE(vital); i++) {
		if (vital[i].arch && vital[i].arch != native)
			continue;
		if (may_allow(p, vital[i].name, native, caps, kmaj, kmin))
			continue;
		if (vital[i].fallback && may_allow(p, vital[i].fallback, native, caps, kmaj, kmin))
			continue;
		if (n < max)
			out[n] = (struct enf_vital){ vital[i].name, vital[i].why };
		n++;
	}
	return n;
}

unsigned enf_profile_arg_mask(const struct enf_profile *p, const char *name)
{
	unsigned mask = 0;

	for (size_t i = 0; i < p->nrules; i++) {
		const struct enf_rule *r = &p->rules[i];

		if (!allows(&r->act))
			continue;
		for (size_t n = 0; n < r->nnames; n++) {
			if (strcmp(r->names[n], name) != 0)
				continue;
			for (size_t a = 0; a < r->nargs; a++)
				mask |= 1u << r->args[a].index;
		}
	}
	return mask;
}

size_t enf_profile_remove_name(struct enf_profile *p, const char *name)
{
	size_t removed = 0;

	for (size_t i = 0; i < p->nrules; i++) {
		struct enf_rule *r = &p->rules[i];
		size_t k = 0;

		if (!allows(&r->act))
			continue;
		for (size_t n = 0; n < r->nnames; n++) {
			if (strcmp(r->names[n], name) != 0) {
				r->names[k++] = r->names[n];
				continue;
			}
			free(r->names[n]);
			removed++;
		}
		r->nnames = k;
	}
	return removed;
}
