// SPDX-License-Identifier: MIT
/* The recording's JSON form (docs/recording-schema.md): writing it. Parsing: rec_json_parse.c. */
#include "common/json.h"
#include "common/names.h"
#include "common/rec_json.h"
#include "common/recording.h"
#include "common/util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Numbers above 2^53 do not survive a double: write them as hex strings. */
static cJSON *u64_json(uint64_t v)
{
	char buf[32];

	if (v <= JSON_SAFE_INT)
		return cJSON_CreateNumber((double)v);
	snprintf(buf, sizeof(buf), "0x%llx", (unsigned long long)v);
	return cJSON_CreateString(buf);
}

static void add_u64(cJSON *o, const char *k, uint64_t v)
{
	cJSON_AddItemToObject(o, k, u64_json(v));
}

static cJSON *args_json(const uint64_t *args)
{
	cJSON *a = cJSON_CreateArray();

	for (int i = 0; i < CP_NARGS; i++)
		cJSON_AddItemToArray(a, u64_json(args[i]));
	return a;
}

static cJSON *evidence_json(const struct cp_evidence *ev)
{
	cJSON *o = cJSON_CreateObject();
	const char *arch = cp_arch_name(ev->arch);
	const char *en = cp_errno_name(ev->err);

	cJSON_AddStringToObject(o, "syscall", ev->syscall ? ev->syscall : "");
	cJSON_AddStringToObject(o, "arch", arch ? arch : "unknown");
	cJSON_AddItemToObject(o, "args", args_json(ev->args));
	if (ev->path)
		cJSON_AddStringToObject(o, "path", ev->path);
	if (en)
		cJSON_AddStringToObject(o, "errno", en);
	cJSON_AddNumberToObject(o, "pid", ev->pid);
	cJSON_AddStringToObject(o, "exe", ev->exe ? ev->exe : "");
	return o;
}

const char *const rec_verdict_names[CP_VERDICT_TOLERATED + 1] = {
	[CP_VERDICT_HIT] = "hit",
	[CP_VERDICT_REQUIRED] = "required",
	[CP_VERDICT_TOLERATED] = "tolerated",
};

static int cmp_arch(const void *a, const void *b)
{
	const char *x = cp_arch_name((*(const struct cp_arch *const *)a)->token);
	const char *y = cp_arch_name((*(const struct cp_arch *const *)b)->token);

	return strcmp(x ? x : "", y ? y : "");
}

static cJSON *sys_json(const char *name, const struct cp_sys *s)
{
	const struct cp_argspec *spec = rec_argspec(name);
	cJSON *o = cJSON_CreateObject();
	cJSON *first = cJSON_CreateObject();

	add_u64(o, "count", s->count);
	if (s->inherited)
		cJSON_AddTrueToObject(o, "inherited");
	cJSON_AddNumberToObject(first, "pid", s->first_pid);
	cJSON_AddStringToObject(first, "exe", s->first_exe ? s->first_exe : "");
	cJSON_AddItemToObject(first, "args", args_json(s->first_args));
	if (s->first_ip)
		add_u64(first, "ip", s->first_ip);
	cJSON_AddItemToObject(o, "first", first);
	if (spec) {
		cJSON *args = cJSON_CreateObject();

		for (int k = 0; k < 4 && spec->args[k].index >= 0; k++) {
			const struct cp_valset *vs = &s->vals[spec->args[k].index];
			cJSON *a = cJSON_CreateObject(), *vals = cJSON_CreateArray();
			char idx[8];

			snprintf(idx, sizeof(idx), "%d", spec->args[k].index);
			cJSON_AddStringToObject(a, "name", spec->args[k].name);
			for (uint32_t i = 0; i < vs->n; i++)
				cJSON_AddItemToArray(vals, u64_json(vs->v[i]));
			cJSON_AddItemToObject(a, "values", vals);
			if (vs->overflow)
				cJSON_AddTrueToObject(a, "overflow");
			cJSON_AddItemToObject(args, idx, a);
		}
		cJSON_AddItemToObject(o, "args", args);
	}
	return o;
}

char *rec_to_json(const struct cp_rec *rec)
{
	cp_autojson *root = cJSON_CreateObject();
	const struct cp_arch *arches[CP_MAX_ARCH];
	cJSON *o, *archo, *caps;
	char *text;

	cJSON_AddStringToObject(root, "schema", CP_SCHEMA_NAME);
	cJSON_AddNumberToObject(root, "version", CP_SCHEMA_VERSION);
	cJSON_AddStringToObject(root, "capprof", rec->capprof_version ? rec->capprof_version : "");
	o = cJSON_AddArrayToObject(root, "command");
	for (size_t i = 0; i < rec->argc; i++)
		cJSON_AddItemToArray(o, cJSON_CreateString(rec->argv[i]));
	cJSON_AddStringToObject(root, "cwd", rec->cwd ? rec->cwd : "");
	cJSON_AddStringToObject(root, "start", rec->start ? rec->start : "");
	add_u64(root, "duration_ms", rec->duration_ms);
	cJSON_AddBoolToObject(root, "complete", rec->complete);
	if (!rec->complete && rec->incomplete_reason)
		cJSON_AddStringToObject(root, "incomplete_reason", rec->incomplete_reason);
	o = cJSON_AddObjectToObject(root, "exit");
	cJSON_AddNumberToObject(o, "code", rec->exit_code);
	if (rec->exit_signal)
		cJSON_AddNumberToObject(o, "signal", rec->exit_signal);
	cJSON_AddNumberToObject(root, "uid", rec->uid);
	cJSON_AddNumberToObject(root, "gid", rec->gid);
	cJSON_AddStringToObject(root, "kernel", rec->kernel ? rec->kernel : "");
	cJSON_AddStringToObject(root, "machine", rec->machine ? rec->machine : "");
	cJSON_AddBoolToObject(root, "capabilities_traced", rec->caps_traced);
	if (rec->baseline)
		cJSON_AddStringToObject(root, "baseline", rec->baseline);
	if (rec->env_sandbox || rec->env_docker_image) {
		o = cJSON_AddObjectToObject(root, "environment");
		if (rec->env_sandbox)
			cJSON_AddTrueToObject(o, "sandbox");
		if (rec->env_docker_image) {
			cJSON *d = cJSON_AddObjectToObject(o, "docker"), *a;

			cJSON_AddStringToObject(d, "image", rec->env_docker_image);
			a = cJSON_AddArrayToObject(d, "args");
			for (size_t i = 0; i < rec->env_ndocker_args; i++)
				cJSON_AddItemToArray(a, cJSON_CreateString(rec->env_docker_args[i]));
		}
	}
	if (rec->output_sha256 || rec->output_method) {
		o = cJSON_AddObjectToObject(root, "output");
		if (rec->output_method)
			cJSON_AddStringToObject(o, "method", rec->output_method);
		if (rec->output_sha256) {
			cJSON_AddStringToObject(o, "sha256", rec->output_sha256);
			add_u64(o, "bytes", rec->output_bytes);
		}
	}

	for (size_t i = 0; i < rec->narch; i++)
		arches[i] = &rec->arch[i];
	qsort(arches, rec->narch, sizeof(arches[0]), cmp_arch);
	archo = cJSON_AddObjectToObject(root, "architectures");
	for (size_t i = 0; i < rec->narch; i++) {
		const struct cp_arch *a = arches[i];
		const char *an = cp_arch_name(a->token);
		struct cp_named_sys *list = NULL;
		size_t n;
		cJSON *ao, *so;

		if (!an)
			continue;
		n = rec_sorted_syscalls(a, &list);
		ao = cJSON_AddObjectToObject(archo, an);
		so = cJSON_AddObjectToObject(ao, "syscalls");
		for (size_t k = 0; k < n; k++)
			cJSON_AddItemToObject(so, list[k].name, sys_json(list[k].name, a->sys[list[k].nr]));
		free(list);
	}

	o = cJSON_AddArrayToObject(root, "executables");
	for (size_t i = 0; i < rec->nexes; i++) {
		const struct cp_exe *e = &rec->exes[i];
		cJSON *eo = cJSON_CreateObject();

		cJSON_AddStringToObject(eo, "path", e->path);
		cJSON_AddNumberToObject(eo, "elf_class", e->elf_class);
		if (e->machine)
			cJSON_AddStringToObject(eo, "machine", e->machine);
		cJSON_AddBoolToObject(eo, "setuid", e->setuid);
		cJSON_AddBoolToObject(eo, "setgid", e->setgid);
		if (e->file_caps)
			cJSON_AddStringToObject(eo, "file_caps", e->file_caps);
		add_u64(eo, "count", e->count);
		cJSON_AddItemToArray(o, eo);
	}

	/* Capabilities sorted by name, as every other list. */
	caps = cJSON_AddObjectToObject(root, "capabilities");
	{
		const char *names[CP_MAX_CAP] = { NULL };
		int idx[CP_MAX_CAP] = { 0 }, n = 0;

		for (int c = 0; c < CP_MAX_CAP; c++) {
			if (!rec->caps[c].hits || !cp_cap_name(c))
				continue;
			int j = n++;
			while (j > 0 && strcmp(names[j - 1], cp_cap_name(c)) > 0) {
				names[j] = names[j - 1];
				idx[j] = idx[j - 1];
				j--;
			}
			names[j] = cp_cap_name(c);
			idx[j] = c;
		}
		for (int k = 0; k < n; k++) {
			const struct cp_capuse *u = &rec->caps[idx[k]];
			cJSON *co = cJSON_CreateObject();

			add_u64(co, "hits", u->hits);
			cJSON_AddStringToObject(co, "verdict", rec_verdict_names[u->verdict]);
			if (u->inherited)
				cJSON_AddTrueToObject(co, "inherited");
			if (u->without)
				cJSON_AddStringToObject(co, "without", u->without);
			if (u->ntrade) {
				cJSON *ta = cJSON_AddArrayToObject(co, "needs_syscalls");

				for (size_t i = 0; i < u->ntrade; i++)
					cJSON_AddItemToArray(ta, cJSON_CreateString(u->trade[i]));
			}
			cJSON_AddItemToObject(co, "evidence", evidence_json(&u->ev));
			cJSON_AddItemToObject(caps, names[k], co);
		}
	}
	o = cJSON_AddArrayToObject(root, "denied");
	for (size_t i = 0; i < rec->ndenied; i++)
		cJSON_AddItemToArray(o, evidence_json(&rec->denied[i]));
	/* Only when there were any: recordings without them keep their text. */
	if (rec->nwtraced) {
		o = cJSON_AddArrayToObject(root, "workload_traced");
		for (size_t i = 0; i < rec->nwtraced; i++) {
			cJSON *w = evidence_json(&rec->wtraced[i].ev);

			add_u64(w, "ret_data", rec->wtraced[i].data);
			add_u64(w, "count", rec->wtraced[i].count);
			cJSON_AddItemToArray(o, w);
		}
	}
	for (int k = 0; k < CP_UNSEEN_MAX; k++) {
		cJSON *u;

		if (!rec->unseen[k].hits)
			continue;
		o = cJSON_GetObjectItemCaseSensitive(root, "unseen");
		if (!o)
			o = cJSON_AddObjectToObject(root, "unseen");
		u = cJSON_AddObjectToObject(o, rec_unseen_name(k));
		add_u64(u, "hits", rec->unseen[k].hits);
		cJSON_AddStringToObject(u, "why", rec_unseen_why(k));
		cJSON_AddItemToObject(u, "evidence", evidence_json(&rec->unseen[k].ev));
	}
	if (rec->intra_ptrace.hits) {
		o = cJSON_AddObjectToObject(root, "intra_workload_ptrace");
		add_u64(o, "hits", rec->intra_ptrace.hits);
		cJSON_AddItemToObject(o, "evidence", evidence_json(&rec->intra_ptrace.ev));
	}

	text = cJSON_Print(root);
	if (!text)
		cp_oom();
	return text;
}

int rec_save(const struct cp_rec *rec, const char *path)
{
	cp_autofree char *text = rec_to_json(rec);
	size_t n = strlen(text);
	int r;

	text = cp_xrealloc(text, n + 2);
	text[n] = '\n';
	text[n + 1] = '\0';
	r = cp_write_atomic(path, text, n + 1, 0666);
	return r;
}
