// SPDX-License-Identifier: MIT
/*
 * Render a policy as Docker/Podman seccomp JSON, an OCI config.json
 * fragment, a Security Profiles Operator resource and systemd options.
 * Objects are built in sorted order so the text is byte-for-byte stable.
 */
#include "generator/gen.h"
#include "common/json.h"
#include "common/names.h"
#include "common/util.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>

/* Exact 64-bit numbers: cJSON's doubles would round values above 2^53. */
static cJSON *u64_raw(uint64_t v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)v);
	return cJSON_CreateRaw(buf);
}

static char *print_json(cJSON *root)
{
	char *t = cJSON_Print(root);
	char *r;

	if (!t)
		cp_oom();
	r = cp_xasprintf("%s\n", t);
	cJSON_free(t);
	return r;
}

static cJSON *names_json(const struct gen_rule *r)
{
	cJSON *a = cJSON_CreateArray();

	for (size_t i = 0; i < r->nnames; i++)
		cJSON_AddItemToArray(a, cJSON_CreateString(r->names[i]));
	return a;
}

static cJSON *arches_json(const struct gen_policy *p)
{
	cJSON *a = cJSON_CreateArray();

	for (size_t i = 0; i < p->narch; i++)
		cJSON_AddItemToArray(a, cJSON_CreateString(cp_arch_docker_name(p->arches[i])));
	return a;
}

/* --arch: Docker's archMap, each machine with the sub-architectures its filter covers. */
static cJSON *archmap_json(const struct gen_policy *p)
{
	cJSON *a = cJSON_CreateArray();

	for (size_t i = 0; i < p->nfam; i++) {
		cJSON *e = cJSON_CreateObject(), *sub = cJSON_CreateArray();

		cJSON_AddStringToObject(e, "architecture", cp_arch_docker_name(p->fams[i].arch));
		for (size_t k = 0; k < p->fams[i].nsub; k++)
			cJSON_AddItemToArray(sub, cJSON_CreateString(cp_arch_docker_name(p->fams[i].sub[k])));
		cJSON_AddItemToObject(e, "subArchitectures", sub);
		cJSON_AddItemToArray(a, e);
	}
	return a;
}

/* Docker (moby/profiles) and OCI share the shape; OCI has no comment and always valueTwo. */
static cJSON *syscalls_json(const struct gen_policy *p, bool oci)
{
	cJSON *list = cJSON_CreateArray();

	for (size_t i = 0; i < p->nrules; i++) {
		const struct gen_rule *r = &p->rules[i];
		cJSON *o = cJSON_CreateObject(), *args = cJSON_CreateArray();

		cJSON_AddItemToObject(o, "names", names_json(r));
		cJSON_AddStringToObject(o, "action", r->allow ? "SCMP_ACT_ALLOW" : "SCMP_ACT_ERRNO");
		if (!r->allow)
			cJSON_AddItemToObject(o, "errnoRet", u64_raw((uint64_t)r->errno_ret));
		for (size_t k = 0; k < r->nargs; k++) {
			cJSON *a = cJSON_CreateObject();

			cJSON_AddItemToObject(a, "index", u64_raw(r->args[k].index));
			cJSON_AddItemToObject(a, "value", u64_raw(r->args[k].value));
			if (oci || !strcmp(r->args[k].op, "SCMP_CMP_MASKED_EQ"))
				cJSON_AddItemToObject(a, "valueTwo", u64_raw(r->args[k].value_two));
			cJSON_AddStringToObject(a, "op", r->args[k].op);
			cJSON_AddItemToArray(args, a);
		}
		if (oci && !r->nargs)
			cJSON_Delete(args);
		else
			cJSON_AddItemToObject(o, "args", args);
		if (!oci)
			cJSON_AddStringToObject(o, "comment", r->comment ? r->comment : "");
		/* OCI configs are per machine and have no includes: they list every rule */
		if (!oci && r->nonly) {
			cJSON *arches = cJSON_AddArrayToObject(cJSON_AddObjectToObject(o, "includes"), "arches");

			for (size_t k = 0; k < r->nonly; k++)
				cJSON_AddItemToArray(arches, cJSON_CreateString(r->only[k]));
		}
		cJSON_AddItemToArray(list, o);
	}
	return list;
}

static cJSON *seccomp_json(const struct gen_policy *p, bool oci)
{
	cJSON *root = cJSON_CreateObject();

	/* --complain: unlisted calls are allowed and logged by the kernel (capprof learn reads them) */
	cJSON_AddStringToObject(root, "defaultAction", p->complain ? "SCMP_ACT_LOG" : "SCMP_ACT_ERRNO");
	if (!p->complain)
		cJSON_AddItemToObject(root, "defaultErrnoRet", u64_raw(GEN_EPERM));
	/* Docker and Podman refuse a profile with both architectures and archMap. */
	if (p->nfam && !oci)
		cJSON_AddItemToObject(root, "archMap", archmap_json(p));
	else
		cJSON_AddItemToObject(root, "architectures", arches_json(p));
	cJSON_AddItemToObject(root, "syscalls", syscalls_json(p, oci));
	return root;
}

char *gen_docker_json(const struct gen_policy *p)
{
	cp_autojson *root = seccomp_json(p, false);

	return print_json(root);
}

static cJSON *cap_list_json(const char **caps, size_t n)
{
	cJSON *a = cJSON_CreateArray();

	for (size_t i = 0; i < n; i++) {
		char buf[64];

		snprintf(buf, sizeof(buf), "CAP_%s", caps[i]);
		cJSON_AddItemToArray(a, cJSON_CreateString(buf));
	}
	return a;
}

char *gen_oci_json(const struct cp_rec *rec, const struct gen_policy *p, const struct gen_opts *o)
{
	cp_autojson *root = cJSON_CreateObject();
	const char *caps[CP_MAX_CAP];
	size_t n = gen_caps(rec, caps);
	cJSON *proc, *c, *lnx;

	(void)o;
	proc = cJSON_AddObjectToObject(root, "process");
	c = cJSON_AddObjectToObject(proc, "capabilities");
	/* A non-root process keeps capabilities across exec only as ambient ones. */
	if (rec->uid != 0 && n)
		cJSON_AddItemToObject(c, "ambient", cap_list_json(caps, n));
	cJSON_AddItemToObject(c, "bounding", cap_list_json(caps, n));
	cJSON_AddItemToObject(c, "effective", cap_list_json(caps, n));
	if (rec->uid != 0 && n)
		cJSON_AddItemToObject(c, "inheritable", cap_list_json(caps, n));
	cJSON_AddItemToObject(c, "permitted", cap_list_json(caps, n));
	cJSON_AddBoolToObject(proc, "noNewPrivileges", gen_nnp_ok(rec));
	lnx = cJSON_AddObjectToObject(root, "linux");
	cJSON_AddItemToObject(lnx, "seccomp", seccomp_json(p, true));
	return print_json(root);
}

/* YAML double-quoted scalars accept JSON string escapes: reuse cJSON's. */
void gen_yaml_str(struct cp_buf *b, const char *s)
{
	cJSON *j = cJSON_CreateString(s ? s : "");
	char *t = cJSON_PrintUnformatted(j);

	if (!t)
		cp_oom();
	cp_buf_puts(b, t);
	cJSON_free(t);
	cJSON_Delete(j);
}

/* A Kubernetes object name (DNS label) from the workload's command. */
static char *k8s_name(const struct cp_rec *rec)
{
	const char *cmd = rec->argc ? rec->argv[0] : "";
	const char *base = strrchr(cmd, '/');
	struct cp_buf b = { 0 };

	base = base ? base + 1 : cmd;
	cp_buf_puts(&b, "capprof-");
	for (const char *s = base; *s && b.len < 52; s++) {
		char ch = (char)tolower((unsigned char)*s);

		if (!isalnum((unsigned char)ch))
			ch = '-';
		if (ch == '-' && b.data[b.len - 1] == '-')
			continue;
		cp_buf_add(&b, &ch, 1);
	}
	while (b.data[b.len - 1] == '-')
		b.data[--b.len] = '\0';
	return b.data;
}

char *gen_spo_yaml(const struct cp_rec *rec, const struct gen_policy *p)
{
	struct cp_buf b = { 0 };
	cp_autofree char *name = k8s_name(rec);

	cp_buf_puts(&b, "apiVersion: security-profiles-operator.x-k8s.io/v1beta1\n"
			"kind: SeccompProfile\n"
			"metadata:\n");
	cp_buf_printf(&b, "  name: %s\n", name);
	cp_buf_puts(&b, "spec:\n"
			"  defaultAction: ");
	cp_buf_puts(&b, p->complain ? "SCMP_ACT_LOG\n" : "SCMP_ACT_ERRNO\n");
	cp_buf_puts(&b, "  architectures:\n");
	for (size_t i = 0; i < p->narch; i++)
		cp_buf_printf(&b, "  - %s\n", cp_arch_docker_name(p->arches[i]));
	cp_buf_puts(&b, "  syscalls:\n");
	for (size_t i = 0; i < p->nrules; i++) {
		const struct gen_rule *r = &p->rules[i];

		if (r->comment) {
			cp_buf_puts(&b, "  # ");
			cp_buf_puts(&b, r->comment);
			cp_buf_puts(&b, "\n");
		}
		cp_buf_printf(&b, "  - action: %s\n", r->allow ? "SCMP_ACT_ALLOW" : "SCMP_ACT_ERRNO");
		if (!r->allow)
			cp_buf_printf(&b, "    errnoRet: %d\n", r->errno_ret);
		cp_buf_puts(&b, "    names:\n");
		for (size_t k = 0; k < r->nnames; k++)
			cp_buf_printf(&b, "    - %s\n", r->names[k]);
		if (r->nargs) {
			cp_buf_puts(&b, "    args:\n");
			for (size_t k = 0; k < r->nargs; k++)
				cp_buf_printf(
					&b, "    - index: %u\n      value: %llu\n      valueTwo: %llu\n      op: %s\n",
					r->args[k].index, (unsigned long long)r->args[k].value,
					(unsigned long long)r->args[k].value_two, r->args[k].op);
		}
	}
	return b.data;
}

/* systemd's SystemCallArchitectures= spelling of a libseccomp architecture. */
static const char *systemd_arch(uint32_t t)
{
	static const struct {
		const char *seccomp, *systemd;
	} map[] = {
		{ "x86_64", "x86-64" },
		{ "x86", "x86" },
		{ "x32", "x32" },
		{ "aarch64", "arm64" },
		{ "arm", "arm" },
		{ "ppc64le", "ppc64-le" },
		{ "ppc64", "ppc64" },
		{ "s390x", "s390x" },
		{ "s390", "s390" },
		{ "riscv64", "riscv64" },
		{ "mips", "mips" },
		{ "mipsel", "mips-le" },
		{ "loongarch64", "loongarch64" },
	};
	const char *n = cp_arch_name(t);

	for (size_t i = 0; n && i < CP_ARRAY_SIZE(map); i++)
		if (!strcmp(map[i].seccomp, n))
			return map[i].systemd;
	return n;
}

char *gen_systemd(const struct cp_rec *rec, const struct gen_policy *p)
{
	struct cp_buf b = { 0 };
	const char *caps[CP_MAX_CAP];
	size_t n = gen_caps(rec, caps);
	size_t col;

	cp_buf_puts(&b, "# capprof: systemd sandboxing for the recorded workload.\n"
			"# systemd cannot match arguments: argument rules become plain allows.\n"
			"[Service]\n");
	cp_buf_puts(&b, "SystemCallArchitectures=");
	for (size_t i = 0; i < p->narch; i++)
		cp_buf_printf(&b, "%s%s", i ? " " : "", systemd_arch(p->arches[i]));
	cp_buf_puts(&b, "\nSystemCallErrorNumber=EPERM\nSystemCallFilter=");
	col = strlen("SystemCallFilter=");
	for (size_t i = 0, first = 1; i < p->nrules; i++) {
		const struct gen_rule *r = &p->rules[i];

		if (!r->allow || r->unobserved)
			continue;
		for (size_t k = 0; k < r->nnames; k++) {
			/* argument rules repeat a name; list it once */
			if (r->nargs && i > 0 && p->rules[i - 1].nargs &&
			    !strcmp(p->rules[i - 1].names[0], r->names[k]))
				continue;
			if (!first && col + strlen(r->names[k]) > 100) {
				cp_buf_puts(&b, "\nSystemCallFilter=");
				col = strlen("SystemCallFilter=");
			} else if (!first) {
				cp_buf_puts(&b, " ");
				col++;
			}
			cp_buf_puts(&b, r->names[k]);
			col += strlen(r->names[k]);
			first = 0;
		}
	}
	cp_buf_puts(&b, "\n");
	/* --with-reachable: each never-observed group on its own (additive) line, with why */
	for (size_t i = 0; i < p->nrules; i++) {
		const struct gen_rule *r = &p->rules[i];

		if (!r->allow || !r->unobserved)
			continue;
		cp_buf_printf(&b, "# %s\nSystemCallFilter=", r->comment ? r->comment : "not observed");
		for (size_t k = 0; k < r->nnames; k++)
			cp_buf_printf(&b, "%s%s", k ? " " : "", r->names[k]);
		cp_buf_puts(&b, "\n");
	}
	cp_buf_puts(&b, "CapabilityBoundingSet=");
	for (size_t i = 0; i < n; i++)
		cp_buf_printf(&b, "%sCAP_%s", i ? " " : "", caps[i]);
	cp_buf_puts(&b, "\n");
	if (rec->uid != 0) {
		cp_buf_puts(&b, "AmbientCapabilities=");
		for (size_t i = 0; i < n; i++)
			cp_buf_printf(&b, "%sCAP_%s", i ? " " : "", caps[i]);
		cp_buf_printf(&b, "\nUser=%u\n", rec->uid);
	}
	cp_buf_printf(&b, "NoNewPrivileges=%s\n", gen_nnp_ok(rec) ? "yes" : "no");
	return b.data;
}
