// SPDX-License-Identifier: MIT
/* The recording's JSON form (docs/recording-schema.md): parsing it. Writing: rec_json_write.c. */
#include "common/err.h"
#include "common/json.h"
#include "common/json_strict.h"
#include "common/names.h"
#include "common/rec_json.h"
#include "common/recording.h"
#include "common/util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* ---- parsing ---- */

static int get_u64(const cJSON *j, uint64_t *out)
{
	if (cJSON_IsNumber(j)) {
		double d = j->valuedouble;

		if (d < 0 || d > (double)JSON_SAFE_INT || d != (double)(uint64_t)d)
			return -EINVAL;
		*out = (uint64_t)d;
		return 0;
	}
	if (cJSON_IsString(j))
		return cp_parse_u64(j->valuestring, out);
	return -EINVAL;
}

static int get_int(const cJSON *j, long lo, long hi, long *out)
{
	if (!cJSON_IsNumber(j) || j->valuedouble < (double)lo || j->valuedouble > (double)hi ||
	    j->valuedouble != (double)(long)j->valuedouble)
		return -EINVAL;
	*out = (long)j->valuedouble;
	return 0;
}

static const char *opt_string(const cJSON *o, const char *k, bool *bad)
{
	const cJSON *j = cJSON_GetObjectItemCaseSensitive(o, k);

	if (!j || cJSON_IsNull(j))
		return NULL;
	if (!cJSON_IsString(j)) {
		*bad = true;
		return NULL;
	}
	return j->valuestring;
}

static int parse_args(const cJSON *j, uint64_t *args, struct cp_err *e, const char *where)
{
	const cJSON *it;
	int i = 0;

	if (!j)
		return 0;
	if (!cJSON_IsArray(j) || cJSON_GetArraySize(j) > CP_NARGS)
		return cp_fail(e, -EINVAL, "%s.args: expected an array of at most 6 numbers", where);
	cJSON_ArrayForEach(it, j)
	{
		if (get_u64(it, &args[i]) < 0)
			return cp_fail(e, -EINVAL, "%s.args[%d]: expected a non-negative integer", where, i);
		i++;
	}
	return 0;
}

static int parse_evidence(const cJSON *j, struct cp_evidence *ev, struct cp_err *e, const char *where)
{
	bool bad = false;
	const char *sc, *arch, *path, *en, *exe;
	long pid = 0;
	const cJSON *p;

	if (!cJSON_IsObject(j))
		return cp_fail(e, -EINVAL, "%s: expected an object", where);
	sc = opt_string(j, "syscall", &bad);
	arch = opt_string(j, "arch", &bad);
	path = opt_string(j, "path", &bad);
	en = opt_string(j, "errno", &bad);
	exe = opt_string(j, "exe", &bad);
	if (bad)
		return cp_fail(e, -EINVAL, "%s: syscall, arch, path, errno and exe must be strings", where);
	p = cJSON_GetObjectItemCaseSensitive(j, "pid");
	if (p && get_int(p, 0, INT32_MAX, &pid) < 0)
		return cp_fail(e, -EINVAL, "%s.pid: expected a process id", where);
	ev->pid = (int32_t)pid;
	if (arch && strcmp(arch, "unknown")) {
		ev->arch = cp_arch_from_name(arch);
		if (!ev->arch)
			return cp_fail(e, -EINVAL, "%s.arch: unknown architecture \"%s\"", where, arch);
	}
	if (en) {
		ev->err = cp_errno_parse(en);
		if (ev->err < 0)
			return cp_fail(e, -EINVAL, "%s.errno: unknown errno \"%s\"", where, en);
	}
	ev->syscall = sc ? cp_xstrdup(sc) : NULL;
	ev->path = path ? cp_xstrdup(path) : NULL;
	ev->exe = exe ? cp_xstrdup(exe) : NULL;
	return parse_args(cJSON_GetObjectItemCaseSensitive(j, "args"), ev->args, e, where);
}

static int parse_sys(struct cp_arch *a, const char *archname, const cJSON *so, struct cp_err *e)
{
	const char *name = so->string;
	const cJSON *count, *first, *args, *inh;
	struct cp_sys *s;
	char where[160];
	int nr;

	snprintf(where, sizeof(where), "architectures.%s.syscalls.%.64s", archname, name);
	nr = cp_syscall_nr(a->token, name);
	if (nr < 0)
		return cp_fail(e, -EINVAL, "%s: unknown syscall \"%.64s\" for %s", where, name, archname);
	if (!cJSON_IsObject(so))
		return cp_fail(e, -EINVAL, "%s: expected an object", where);
	s = rec_sys(a, (uint32_t)nr);
	if (rec_sys_needed(s))
		return cp_fail(e, -EINVAL, "%s: listed twice", where);
	count = cJSON_GetObjectItemCaseSensitive(so, "count");
	if (!count || get_u64(count, &s->count) < 0)
		return cp_fail(e, -EINVAL, "%s.count: expected a non-negative integer", where);
	inh = cJSON_GetObjectItemCaseSensitive(so, "inherited");
	if (inh && !cJSON_IsBool(inh))
		return cp_fail(e, -EINVAL, "%s.inherited: expected true or false", where);
	s->inherited = cJSON_IsTrue(inh);
	/* Only an inherited call may have been seen 0 times. */
	if (!s->count && !s->inherited)
		s->count = 1;
	first = cJSON_GetObjectItemCaseSensitive(so, "first");
	if (first) {
		bool bad = false;
		const char *exe;
		const cJSON *p;
		long pid = 0;

		if (!cJSON_IsObject(first))
			return cp_fail(e, -EINVAL, "%s.first: expected an object", where);
		exe = opt_string(first, "exe", &bad);
		if (bad)
			return cp_fail(e, -EINVAL, "%s.first.exe: expected a string", where);
		s->first_exe = exe ? cp_xstrdup(exe) : NULL;
		p = cJSON_GetObjectItemCaseSensitive(first, "pid");
		if (p && get_int(p, 0, INT32_MAX, &pid) < 0)
			return cp_fail(e, -EINVAL, "%s.first.pid: expected a process id", where);
		s->first_pid = (int32_t)pid;
		p = cJSON_GetObjectItemCaseSensitive(first, "ip");
		if (p && get_u64(p, &s->first_ip) < 0)
			return cp_fail(e, -EINVAL, "%s.first.ip: expected an address", where);
		if (parse_args(cJSON_GetObjectItemCaseSensitive(first, "args"), s->first_args, e, where) < 0)
			return -EINVAL;
	}
	args = cJSON_GetObjectItemCaseSensitive(so, "args");
	if (args) {
		const cJSON *ai;

		if (!cJSON_IsObject(args))
			return cp_fail(e, -EINVAL, "%s.args: expected an object", where);
		cJSON_ArrayForEach(ai, args)
		{
			uint64_t idx;
			const cJSON *vals, *v;

			if (cp_parse_u64(ai->string, &idx) < 0 || idx >= CP_NARGS)
				return cp_fail(e, -EINVAL, "%s.args: \"%.16s\" is not an argument index 0-5", where,
					       ai->string);
			vals = cJSON_GetObjectItemCaseSensitive(ai, "values");
			if (!cJSON_IsArray(vals))
				return cp_fail(e, -EINVAL, "%s.args.%s.values: expected an array", where, ai->string);
			cJSON_ArrayForEach(v, vals)
			{
				uint64_t x;

				if (get_u64(v, &x) < 0)
					return cp_fail(e, -EINVAL, "%s.args.%s.values: expected non-negative integers",
						       where, ai->string);
				rec_valset_add(&s->vals[idx], x);
			}
			if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(ai, "overflow")))
				s->vals[idx].overflow = true;
		}
	}
	return 0;
}

static int parse_root(const cJSON *root, struct cp_rec *rec, struct cp_err *e)
{
	const cJSON *j, *it;
	bool bad = false;
	long v;
	const char *s;

	if (!cJSON_IsObject(root))
		return cp_fail(e, -EINVAL, "top level: expected an object");
	s = opt_string(root, "schema", &bad);
	if (!s || strcmp(s, CP_SCHEMA_NAME))
		return cp_fail(e, -EINVAL, "schema: not a capprof recording (expected \"%s\")", CP_SCHEMA_NAME);
	j = cJSON_GetObjectItemCaseSensitive(root, "version");
	if (get_int(j, 0, 1000000, &v) < 0)
		return cp_fail(e, -EINVAL, "version: expected an integer");
	if (v != CP_SCHEMA_VERSION)
		return cp_fail(e, -EINVAL, "version: %ld is not supported (this capprof reads version %d)", v,
			       CP_SCHEMA_VERSION);

	j = cJSON_GetObjectItemCaseSensitive(root, "command");
	if (!cJSON_IsArray(j))
		return cp_fail(e, -EINVAL, "command: expected an array of strings");
	rec->argc = (size_t)cJSON_GetArraySize(j);
	rec->argv = cp_xcalloc(rec->argc + 1, sizeof(char *));
	{
		size_t i = 0;

		cJSON_ArrayForEach(it, j)
		{
			if (!cJSON_IsString(it))
				return cp_fail(e, -EINVAL, "command[%zu]: expected a string", i);
			rec->argv[i++] = cp_xstrdup(it->valuestring);
		}
	}
#define OPTSTR(field, key)                                                     \
	do {                                                                   \
		const char *t_ = opt_string(root, key, &bad);                  \
		if (bad)                                                       \
			return cp_fail(e, -EINVAL, key ": expected a string"); \
		rec->field = t_ ? cp_xstrdup(t_) : NULL;                       \
	} while (0)
	OPTSTR(capprof_version, "capprof");
	OPTSTR(cwd, "cwd");
	OPTSTR(start, "start");
	OPTSTR(kernel, "kernel");
	OPTSTR(machine, "machine");
	OPTSTR(incomplete_reason, "incomplete_reason");
	OPTSTR(baseline, "baseline");
#undef OPTSTR
	j = cJSON_GetObjectItemCaseSensitive(root, "duration_ms");
	if (j && get_u64(j, &rec->duration_ms) < 0)
		return cp_fail(e, -EINVAL, "duration_ms: expected a non-negative integer");
	j = cJSON_GetObjectItemCaseSensitive(root, "complete");
	if (j && !cJSON_IsBool(j))
		return cp_fail(e, -EINVAL, "complete: expected true or false");
	rec->complete = !j || cJSON_IsTrue(j);
	j = cJSON_GetObjectItemCaseSensitive(root, "capabilities_traced");
	if (j && !cJSON_IsBool(j))
		return cp_fail(e, -EINVAL, "capabilities_traced: expected true or false");
	rec->caps_traced = cJSON_IsTrue(j);
	j = cJSON_GetObjectItemCaseSensitive(root, "exit");
	if (j) {
		const cJSON *c = cJSON_GetObjectItemCaseSensitive(j, "code");
		const cJSON *sg = cJSON_GetObjectItemCaseSensitive(j, "signal");

		if (!cJSON_IsObject(j) || get_int(c, 0, 255, &v) < 0)
			return cp_fail(e, -EINVAL, "exit.code: expected an integer 0-255");
		rec->exit_code = (int)v;
		if (sg) {
			if (get_int(sg, 1, 64, &v) < 0)
				return cp_fail(e, -EINVAL, "exit.signal: expected a signal number 1-64");
			rec->exit_signal = (int)v;
		}
	}
	j = cJSON_GetObjectItemCaseSensitive(root, "uid");
	if (j && get_int(j, 0, UINT32_MAX, &v) < 0)
		return cp_fail(e, -EINVAL, "uid: expected a user id");
	rec->uid = j ? (uint32_t)v : 0;
	j = cJSON_GetObjectItemCaseSensitive(root, "gid");
	if (j && get_int(j, 0, UINT32_MAX, &v) < 0)
		return cp_fail(e, -EINVAL, "gid: expected a group id");
	rec->gid = j ? (uint32_t)v : 0;
	j = cJSON_GetObjectItemCaseSensitive(root, "environment");
	if (j) {
		const cJSON *sb = cJSON_GetObjectItemCaseSensitive(j, "sandbox");
		const cJSON *d = cJSON_GetObjectItemCaseSensitive(j, "docker");

		if (!cJSON_IsObject(j) || (sb && !cJSON_IsBool(sb)))
			return cp_fail(e, -EINVAL, "environment: expected {\"sandbox\": bool, \"docker\": {...}}");
		rec->env_sandbox = cJSON_IsTrue(sb);
		if (d) {
			const char *img = opt_string(d, "image", &bad);
			const cJSON *args = cJSON_GetObjectItemCaseSensitive(d, "args");

			if (!cJSON_IsObject(d) || bad || !img || (args && !cJSON_IsArray(args)))
				return cp_fail(e, -EINVAL,
					       "environment.docker: expected {\"image\": string, \"args\": [string]}");
			rec->env_docker_image = cp_xstrdup(img);
			rec->env_docker_args = cp_xcalloc((size_t)cJSON_GetArraySize(args) + 1, sizeof(char *));
			cJSON_ArrayForEach(it, args)
			{
				if (!cJSON_IsString(it))
					return cp_fail(e, -EINVAL, "environment.docker.args[%zu]: expected a string",
						       rec->env_ndocker_args);
				rec->env_docker_args[rec->env_ndocker_args++] = cp_xstrdup(it->valuestring);
			}
		}
	}
	j = cJSON_GetObjectItemCaseSensitive(root, "output");
	if (j) {
		const char *h = opt_string(j, "sha256", &bad), *m = opt_string(j, "method", &bad);
		const cJSON *b = cJSON_GetObjectItemCaseSensitive(j, "bytes");

		/* No hash only with a method saying why (recordings before "method" always had one). */
		if (!cJSON_IsObject(j) || bad || (!h && !m) || (h && strlen(h) != 64) ||
		    (b && get_u64(b, &rec->output_bytes) < 0))
			return cp_fail(
				e, -EINVAL,
				"output: expected {\"method\": string, \"sha256\": 64 hex digits, \"bytes\": n}");
		if (h)
			rec->output_sha256 = cp_xstrdup(h);
		if (m)
			rec->output_method = cp_xstrdup(m);
	}

	j = cJSON_GetObjectItemCaseSensitive(root, "architectures");
	if (!cJSON_IsObject(j))
		return cp_fail(e, -EINVAL, "architectures: expected an object");
	cJSON_ArrayForEach(it, j)
	{
		uint32_t tok = cp_arch_from_name(it->string);
		const cJSON *sc, *so;
		struct cp_arch *a;

		if (!tok)
			return cp_fail(e, -EINVAL, "architectures: unknown architecture \"%.64s\"", it->string);
		if (rec_arch_find(rec, tok))
			return cp_fail(e, -EINVAL, "architectures.%s: listed twice", it->string);
		a = rec_arch(rec, tok);
		if (!a)
			return cp_fail(e, -EINVAL, "architectures: more than %d architectures", CP_MAX_ARCH);
		sc = cJSON_GetObjectItemCaseSensitive(it, "syscalls");
		if (!cJSON_IsObject(sc))
			return cp_fail(e, -EINVAL, "architectures.%s.syscalls: expected an object", it->string);
		cJSON_ArrayForEach(so, sc)
		{
			if (parse_sys(a, it->string, so, e) < 0)
				return -EINVAL;
		}
	}

	j = cJSON_GetObjectItemCaseSensitive(root, "executables");
	if (j && !cJSON_IsArray(j))
		return cp_fail(e, -EINVAL, "executables: expected an array");
	{
		int i = 0;

		cJSON_ArrayForEach(it, j)
		{
			const char *path = opt_string(it, "path", &bad), *mach, *fc;
			const cJSON *x;
			struct cp_exe *ex;

			if (!cJSON_IsObject(it) || bad || !path)
				return cp_fail(e, -EINVAL, "executables[%d].path: expected a string", i);
			ex = rec_exe(rec, path);
			mach = opt_string(it, "machine", &bad);
			fc = opt_string(it, "file_caps", &bad);
			if (bad)
				return cp_fail(e, -EINVAL, "executables[%d]: machine and file_caps must be strings", i);
			free(ex->machine);
			free(ex->file_caps);
			ex->machine = mach ? cp_xstrdup(mach) : NULL;
			ex->file_caps = fc ? cp_xstrdup(fc) : NULL;
			x = cJSON_GetObjectItemCaseSensitive(it, "elf_class");
			if (x && (get_int(x, 0, 64, &v) < 0 || (v != 0 && v != 32 && v != 64)))
				return cp_fail(e, -EINVAL, "executables[%d].elf_class: expected 0, 32 or 64", i);
			ex->elf_class = x ? (int)v : 0;
			ex->setuid = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(it, "setuid"));
			ex->setgid = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(it, "setgid"));
			x = cJSON_GetObjectItemCaseSensitive(it, "count");
			if (x && get_u64(x, &ex->count) < 0)
				return cp_fail(e, -EINVAL, "executables[%d].count: expected a non-negative integer", i);
			if (!ex->count)
				ex->count = 1;
			i++;
		}
	}

	j = cJSON_GetObjectItemCaseSensitive(root, "capabilities");
	if (j && !cJSON_IsObject(j))
		return cp_fail(e, -EINVAL, "capabilities: expected an object");
	cJSON_ArrayForEach(it, j)
	{
		int cap = cp_cap_parse(it->string);
		const char *vd;
		const cJSON *h;
		struct cp_capuse *u;
		char where[96];

		if (cap < 0)
			return cp_fail(e, -EINVAL, "capabilities: unknown capability \"%.64s\"", it->string);
		snprintf(where, sizeof(where), "capabilities.%s", cp_cap_name(cap));
		u = &rec->caps[cap];
		if (u->hits)
			return cp_fail(e, -EINVAL, "%s: listed twice", where);
		if (!cJSON_IsObject(it))
			return cp_fail(e, -EINVAL, "%s: expected an object", where);
		h = cJSON_GetObjectItemCaseSensitive(it, "hits");
		if (h && get_u64(h, &u->hits) < 0)
			return cp_fail(e, -EINVAL, "%s.hits: expected a non-negative integer", where);
		if (!u->hits)
			u->hits = 1;
		h = cJSON_GetObjectItemCaseSensitive(it, "inherited");
		if (h && !cJSON_IsBool(h))
			return cp_fail(e, -EINVAL, "%s.inherited: expected true or false", where);
		u->inherited = cJSON_IsTrue(h);
		vd = opt_string(it, "verdict", &bad);
		if (bad)
			return cp_fail(e, -EINVAL, "%s.verdict: expected a string", where);
		u->verdict = CP_VERDICT_HIT;
		if (vd) {
			size_t k;

			for (k = 0; k < CP_ARRAY_SIZE(rec_verdict_names); k++)
				if (!strcmp(vd, rec_verdict_names[k]))
					break;
			if (k == CP_ARRAY_SIZE(rec_verdict_names))
				return cp_fail(e, -EINVAL, "%s.verdict: expected hit, required or tolerated", where);
			u->verdict = (enum cp_verdict)k;
		}
		vd = opt_string(it, "without", &bad);
		if (bad)
			return cp_fail(e, -EINVAL, "%s.without: expected a string", where);
		if (vd)
			u->without = cp_xstrdup(vd);
		h = cJSON_GetObjectItemCaseSensitive(it, "needs_syscalls");
		if (h) {
			const cJSON *t;

			if (!cJSON_IsArray(h))
				return cp_fail(e, -EINVAL, "%s.needs_syscalls: expected an array", where);
			u->trade = cp_xcalloc((size_t)cJSON_GetArraySize(h) + 1, sizeof(char *));
			cJSON_ArrayForEach(t, h)
			{
				if (!cJSON_IsString(t) || !t->valuestring[0] || strlen(t->valuestring) > 64)
					return cp_fail(e, -EINVAL, "%s.needs_syscalls[%zu]: expected a syscall name",
						       where, u->ntrade);
				u->trade[u->ntrade++] = cp_xstrdup(t->valuestring);
			}
		}
		h = cJSON_GetObjectItemCaseSensitive(it, "evidence");
		if (h) {
			char w2[112];

			snprintf(w2, sizeof(w2), "%s.evidence", where);
			if (parse_evidence(h, &u->ev, e, w2) < 0)
				return -EINVAL;
		}
	}

	j = cJSON_GetObjectItemCaseSensitive(root, "unseen");
	if (j) {
		if (!cJSON_IsObject(j))
			return cp_fail(e, -EINVAL, "unseen: expected an object");
		cJSON_ArrayForEach(it, j)
		{
			const cJSON *h = cJSON_GetObjectItemCaseSensitive(it, "hits");
			const cJSON *ev = cJSON_GetObjectItemCaseSensitive(it, "evidence");
			char w[96];
			int k;

			for (k = 0; k < CP_UNSEEN_MAX && strcmp(it->string, rec_unseen_name(k)); k++)
				;
			if (k == CP_UNSEEN_MAX)
				continue; /* a kind a newer capprof knows */
			snprintf(w, sizeof(w), "unseen.%s", rec_unseen_name(k));
			if (!cJSON_IsObject(it) || !h || get_u64(h, &rec->unseen[k].hits) < 0 || !ev)
				return cp_fail(e, -EINVAL,
					       "%s: expected {\"hits\": n, \"why\": text, \"evidence\": {...}}", w);
			strncat(w, ".evidence", sizeof(w) - strlen(w) - 1);
			if (parse_evidence(ev, &rec->unseen[k].ev, e, w) < 0)
				return -EINVAL;
		}
	}
	j = cJSON_GetObjectItemCaseSensitive(root, "intra_workload_ptrace");
	if (j) {
		const cJSON *h = cJSON_GetObjectItemCaseSensitive(j, "hits");
		const cJSON *ev = cJSON_GetObjectItemCaseSensitive(j, "evidence");

		if (!cJSON_IsObject(j) || !h || get_u64(h, &rec->intra_ptrace.hits) < 0 || !ev)
			return cp_fail(e, -EINVAL,
				       "intra_workload_ptrace: expected {\"hits\": n, \"evidence\": {...}}");
		if (parse_evidence(ev, &rec->intra_ptrace.ev, e, "intra_workload_ptrace.evidence") < 0)
			return -EINVAL;
	}
	j = cJSON_GetObjectItemCaseSensitive(root, "denied");
	if (j && !cJSON_IsArray(j))
		return cp_fail(e, -EINVAL, "denied: expected an array");
	{
		int i = 0;

		cJSON_ArrayForEach(it, j)
		{
			struct cp_evidence ev = { 0 };
			char where[32];
			int r;

			snprintf(where, sizeof(where), "denied[%d]", i++);
			r = parse_evidence(it, &ev, e, where);
			if (r == 0)
				rec_add_denied(rec, &ev);
			rec_evidence_clear(&ev);
			if (r < 0)
				return r;
		}
	}

	j = cJSON_GetObjectItemCaseSensitive(root, "workload_traced");
	if (j && !cJSON_IsArray(j))
		return cp_fail(e, -EINVAL, "workload_traced: expected an array");
	{
		int i = 0;

		cJSON_ArrayForEach(it, j)
		{
			struct cp_evidence ev = { 0 };
			const cJSON *x;
			uint64_t data = 0, count = 1;
			char where[48];
			int r;

			snprintf(where, sizeof(where), "workload_traced[%d]", i++);
			r = parse_evidence(it, &ev, e, where);
			x = cJSON_GetObjectItemCaseSensitive(it, "ret_data");
			if (!r && x && (get_u64(x, &data) < 0 || data > 0xffff))
				r = cp_fail(e, -EINVAL, "%s.ret_data: expected 0..65535", where);
			x = cJSON_GetObjectItemCaseSensitive(it, "count");
			if (!r && x && get_u64(x, &count) < 0)
				r = cp_fail(e, -EINVAL, "%s.count: expected a non-negative integer", where);
			if (!r)
				rec_add_workload_traced(rec, &ev, (uint32_t)data, count);
			rec_evidence_clear(&ev);
			if (r < 0)
				return r;
		}
	}
	return 0;
}

/* After a failed parse: does the text end inside a string, object or array? */
static bool looks_truncated(const char *text, size_t len)
{
	bool in_str = false, esc = false;
	long depth = 0;

	for (size_t i = 0; i < len; i++) {
		char c = text[i];

		if (in_str) {
			if (esc)
				esc = false;
			else if (c == '\\')
				esc = true;
			else if (c == '"')
				in_str = false;
		} else if (c == '"') {
			in_str = true;
		} else if (c == '{' || c == '[') {
			depth++;
		} else if (c == '}' || c == ']') {
			depth--;
		}
	}
	return in_str || depth > 0;
}

int json_parse_document(const char *text, size_t len, cJSON **out, struct cp_err *err)
{
	const char *end = NULL;
	cJSON *root;
	int r;

	r = json_check_text(text, len, err);
	if (r < 0)
		return r;
	root = cJSON_ParseWithLengthOpts(text, len, &end, false);
	if (!root) {
		size_t off = end && end >= text ? (size_t)(end - text) : 0;

		if (looks_truncated(text, len))
			return cp_fail(err, -EINVAL, "truncated JSON (the document ends early)");
		return cp_fail(err, -EINVAL, "malformed JSON near byte %zu", off);
	}
	for (size_t off = (size_t)(end - text); off < len; off++) {
		if (text[off] != ' ' && text[off] != '\t' && text[off] != '\n' && text[off] != '\r') {
			cJSON_Delete(root);
			return cp_fail(err, -EINVAL, "malformed JSON: trailing data at byte %zu", off);
		}
	}
	/* Every reader, not only the profile's: recordings and data files are inputs of a CI gate too. */
	r = json_check_keys(root, err);
	if (r < 0) {
		cJSON_Delete(root);
		return r;
	}
	*out = root;
	return 0;
}

int rec_parse(const char *text, size_t len, struct cp_rec **out, struct cp_err *err)
{
	cp_autojson *root = NULL;
	cp_autorec *rec = NULL;
	int r;

	r = json_parse_document(text, len, &root, err);
	if (r < 0)
		return r;
	rec = rec_new();
	r = parse_root(root, rec, err);
	if (r < 0)
		return r;
	*out = cp_steal_pointer(&rec);
	return 0;
}

int rec_load(const char *path, struct cp_rec **out, struct cp_err *err)
{
	cp_autofree char *text = NULL;
	size_t len;
	int r = cp_read_file(path, CP_MAX_RECORDING, &text, &len);

	if (r == -EFBIG)
		return cp_fail(err, r, "larger than %u MiB, not a recording", CP_MAX_RECORDING >> 20);
	if (r < 0)
		return cp_fail(err, r, "%s", cp_read_strerror(r));
	return rec_parse(text, len, out, err);
}
