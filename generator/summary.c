// SPDX-License-Identifier: MIT
/*
 * --summary: what a person reviewing the profile wants to know. Compares
 * with Docker's default seccomp profile (profiles/docker-default.json) and
 * Docker's default capability set.
 */
#include "generator/gen.h"
#include "generator/reach.h"
#include "common/names.h"
#include "common/util.h"

#include <cjson/cJSON.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>

/* Docker's default capability set (profiles/README.md, "Docker's default capabilities") */
static const char *const docker_default_caps[] = {
	"AUDIT_WRITE",	    "CHOWN",   "DAC_OVERRIDE", "FOWNER", "FSETID",  "KILL",   "MKNOD",
	"NET_BIND_SERVICE", "NET_RAW", "SETFCAP",      "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT",
};

/*
 * Capabilities whose checks never fail a call: the kernel silently does
 * less (FSETID: set-id bits cleared on write/chown) or a limit applies
 * (SYS_RESOURCE), so a recording cannot show them.
 */
static const char *const unmeasurable_caps[][2] = {
	{ "FSETID", "the kernel clears set-id bits silently instead of failing" },
	{ "SYS_RESOURCE", "limits and reserves apply silently or fail with other errors" },
	{ "BLOCK_SUSPEND", "EPOLLWAKEUP is ignored silently without it" },
};

static bool is_docker_cap(const char *c)
{
	for (size_t i = 0; i < CP_ARRAY_SIZE(docker_default_caps); i++)
		if (!strcmp(docker_default_caps[i], c))
			return true;
	return false;
}

/* Go's GOARCH spelling, which Docker's includes.arches uses. */
static const char *goarch(uint32_t t)
{
	switch (t) {
	case SCMP_ARCH_X86_64:
		return "amd64";
	case SCMP_ARCH_X86:
		return "386";
	case SCMP_ARCH_X32:
		return "x32";
	case SCMP_ARCH_AARCH64:
		return "arm64";
	case SCMP_ARCH_ARM:
		return "arm";
	default:
		return cp_arch_name(t);
	}
}

static bool str_in(const cJSON *arr, const char *s)
{
	const cJSON *it;

	cJSON_ArrayForEach(it, arr) if (cJSON_IsString(it) && s && !strcmp(it->valuestring, s)) return true;
	return false;
}

enum dflt { D_NO = 0, D_ALLOW, D_ARGS, D_CAP };

/* How Docker's default profile treats name on the native architecture. */
static enum dflt docker_default_of(const cJSON *root, const char *name)
{
	const char *ga = goarch(cp_arch_native());
	const cJSON *sc = cJSON_GetObjectItemCaseSensitive(root, "syscalls"), *e;
	enum dflt best = D_NO;

	cJSON_ArrayForEach(e, sc)
	{
		const cJSON *inc = cJSON_GetObjectItemCaseSensitive(e, "includes");
		const cJSON *exc = cJSON_GetObjectItemCaseSensitive(e, "excludes");
		const cJSON *act = cJSON_GetObjectItemCaseSensitive(e, "action");
		const cJSON *args = cJSON_GetObjectItemCaseSensitive(e, "args");
		const cJSON *ia = cJSON_GetObjectItemCaseSensitive(inc, "arches");
		enum dflt d;

		if (!cJSON_IsString(act) || strcmp(act->valuestring, "SCMP_ACT_ALLOW") ||
		    !str_in(cJSON_GetObjectItemCaseSensitive(e, "names"), name))
			continue;
		if (cJSON_GetArraySize(ia) && !str_in(ia, ga))
			continue;
		if (str_in(cJSON_GetObjectItemCaseSensitive(exc, "arches"), ga))
			continue;
		if (cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(inc, "caps")))
			d = D_CAP;
		else if (cJSON_GetArraySize(args))
			d = D_ARGS;
		else
			d = D_ALLOW;
		if (best == D_NO || d == D_ALLOW || (d == D_ARGS && best == D_CAP))
			best = d;
	}
	return best;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* All distinct recorded names, sorted. */
static size_t recorded_names(const struct cp_rec *rec, const char ***out)
{
	const char **v = NULL;
	size_t n = 0, k = 0;

	for (size_t i = 0; i < rec->narch; i++)
		for (uint32_t nr = 0; nr < rec->arch[i].nsys; nr++) {
			const char *name = rec->arch[i].sys[nr] ? cp_syscall_name(rec->arch[i].token, nr) : NULL;

			if (!name)
				continue;
			v = cp_xreallocarray(v, n + 1, sizeof(*v));
			v[n++] = name;
		}
	if (n)
		qsort(v, n, sizeof(*v), cmp_str);
	for (size_t i = 0; i < n; i++)
		if (!k || strcmp(v[k - 1], v[i]))
			v[k++] = v[i];
	*out = v;
	return k;
}

static void list_line(struct cp_buf *b, const char *title, const char **v, size_t n)
{
	size_t col;

	cp_buf_printf(b, "  %s (%zu):", title, n);
	if (!n) {
		cp_buf_puts(b, " none\n");
		return;
	}
	col = 80;
	for (size_t i = 0; i < n; i++) {
		if (col + strlen(v[i]) > 76) {
			cp_buf_puts(b, "\n     ");
			col = 5;
		}
		cp_buf_printf(b, " %s", v[i]);
		col += strlen(v[i]) + 1;
	}
	cp_buf_puts(b, "\n");
}

static size_t arch_count(const struct cp_arch *a)
{
	size_t c = 0;

	for (uint32_t nr = 0; nr < a->nsys; nr++)
		c += a->sys[nr] != NULL;
	return c;
}

static void evidence_text(struct cp_buf *b, const struct cp_evidence *ev)
{
	const char *en = cp_errno_name(ev->err);

	cp_buf_printf(b, "%s(", ev->syscall ? ev->syscall : "?");
	if (ev->path)
		gen_yaml_str(b, ev->path);
	cp_buf_printf(b, ") failed with %s without it, by %s (pid %d)", en ? en : "an error",
		      ev->exe && *ev->exe ? ev->exe : "?", ev->pid);
}

/* Was name called, on any architecture? */
static bool recorded(const struct cp_rec *rec, const char *name)
{
	for (size_t i = 0; i < rec->narch; i++) {
		int nr = cp_syscall_nr(rec->arch[i].token, name);
		const struct cp_sys *s = nr >= 0 ? rec_sys_get(&rec->arch[i], (uint32_t)nr) : NULL;

		if (s && s->count)
			return true;
	}
	return false;
}

char *gen_summary(const struct cp_rec *rec, const struct gen_opts *o)
{
	static const char *const verdicts[] = { "hit", "required", "tolerated" };
	struct cp_buf b = { 0 };
	const char *caps[CP_MAX_CAP], **names = NULL;
	size_t ncaps = gen_caps(rec, caps), nnames = recorded_names(rec, &names);
	cJSON *dd = NULL;

	cp_buf_puts(&b, "capprof summary of:");
	for (size_t i = 0; i < rec->argc; i++)
		cp_buf_printf(&b, " %s", rec->argv[i]);
	cp_buf_printf(&b, "\n  user: uid %u gid %u; recording %s\n\n", rec->uid, rec->gid,
		      rec->complete ? "complete" : "INCOMPLETE");

	cp_buf_printf(&b, "Capabilities (%zu)%s\n", ncaps, rec->caps_traced ? "" : " [capabilities were not traced]");
	if (ncaps)
		cp_buf_printf(&b, "  %-18s %-10s %s\n", "CAPABILITY", "VERDICT", "EVIDENCE");
	for (size_t i = 0; i < ncaps; i++) {
		const struct cp_capuse *u = &rec->caps[cp_cap_parse(caps[i])];

		cp_buf_printf(&b, "  %-18s %-10s ", caps[i], verdicts[u->verdict]);
		evidence_text(&b, &u->ev);
		cp_buf_puts(&b, "\n");
		gen_cap_verdict_text(&b, cp_cap_parse(caps[i]), u, "      ");
	}
	{
		/* What emit grants: tolerated capabilities are left out. */
		size_t ntol = 0;

		for (size_t i = 0; i < ncaps; i++)
			ntol += rec->caps[cp_cap_parse(caps[i])].verdict == CP_VERDICT_TOLERATED;
		if (ntol) {
			cp_buf_puts(&b, "  emit grants:");
			for (size_t i = 0; i < ncaps; i++)
				if (rec->caps[cp_cap_parse(caps[i])].verdict != CP_VERDICT_TOLERATED)
					cp_buf_printf(&b, " %s", caps[i]);
			cp_buf_printf(&b, " (%zu tolerated left out)\n", ntol);
		}
	}

	cp_buf_printf(&b, "\nSyscalls: %zu distinct names (", nnames);
	for (size_t i = 0; i < rec->narch; i++)
		cp_buf_printf(&b, "%s%s: %zu", i ? ", " : "", cp_arch_name(rec->arch[i].token),
			      arch_count(&rec->arch[i]));
	cp_buf_puts(&b, ")\n");

	if (o->docker_default && json_parse_document(o->docker_default, strlen(o->docker_default), &dd, NULL) == 0) {
		const char **more = cp_xcalloc(nnames + 1, sizeof(char *));
		const char **capgated = cp_xcalloc(nnames + 1, sizeof(char *));
		const char **argrule = cp_xcalloc(nnames + 1, sizeof(char *));
		size_t nm = 0, nc = 0, na = 0;

		for (size_t i = 0; i < nnames; i++) {
			switch (docker_default_of(dd, names[i])) {
			case D_NO:
				more[nm++] = names[i];
				break;
			case D_CAP:
				capgated[nc++] = names[i];
				break;
			case D_ARGS:
				argrule[na++] = names[i];
				break;
			case D_ALLOW:
				break;
			}
		}
		cp_buf_printf(&b, "  compared with Docker's default profile (%s):\n", "docker-default.json");
		list_line(&b, "more privilege: denied by Docker's default", more, nm);
		list_line(&b, "allowed by Docker's default only with a capability", capgated, nc);
		list_line(&b, "allowed by Docker's default only with some arguments", argrule, na);
		{
			const cJSON *e, *n;
			size_t dn = 0, kept = 0;
			const char **seen = NULL;

			/* Unconditional names of Docker's default, counted once. */
			cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(dd, "syscalls"))
			{
				cJSON_ArrayForEach(n, cJSON_GetObjectItemCaseSensitive(e, "names"))
				{
					if (!cJSON_IsString(n) || docker_default_of(dd, n->valuestring) != D_ALLOW)
						continue;
					if (cp_syscall_nr(cp_arch_native(), n->valuestring) < 0)
						continue;
					seen = cp_xreallocarray(seen, dn + 1, sizeof(*seen));
					seen[dn++] = n->valuestring;
				}
			}
			if (dn)
				qsort(seen, dn, sizeof(*seen), cmp_str);
			for (size_t i = 0, k = 0; i < dn; i++) {
				if (k && !strcmp(seen[k - 1], seen[i]))
					continue;
				seen[k++] = seen[i];
				kept = k;
			}
			{
				size_t both = 0;

				for (size_t i = 0; i < nnames; i++)
					if (bsearch(&names[i], seen, kept, sizeof(*seen), cmp_str))
						both++;
				cp_buf_printf(&b,
					      "  less privilege: Docker's default allows %zu syscalls unconditionally "
					      "here; this profile keeps %zu of them and denies %zu\n",
					      kept, both, kept - both);
			}
			free(seen);
		}
		free(more);
		free(capgated);
		free(argrule);
		cJSON_Delete(dd);
	} else {
		cp_buf_puts(&b, "  (Docker's default profile not found: no comparison)\n");
	}

	{
		const char *beyond[CP_MAX_CAP], *dropped[CP_ARRAY_SIZE(docker_default_caps)];
		size_t nb = 0, nd = 0;

		for (size_t i = 0; i < ncaps; i++)
			if (!is_docker_cap(caps[i]))
				beyond[nb++] = caps[i];
		for (size_t i = 0; i < CP_ARRAY_SIZE(docker_default_caps); i++) {
			size_t k;

			for (k = 0; k < ncaps && strcmp(caps[k], docker_default_caps[i]); k++)
				;
			if (k == ncaps)
				dropped[nd++] = docker_default_caps[i];
		}
		if (nd)
			qsort(dropped, nd, sizeof(*dropped), cmp_str);
		cp_buf_puts(&b, "\nCapabilities compared with Docker's default set:\n");
		list_line(&b, "more privilege: beyond Docker's default", beyond, nb);
		list_line(&b, "less privilege: Docker's default ones not needed", dropped, nd);

		cp_buf_puts(&b, "\nWarnings:\n");
		for (size_t i = 0; i < nb; i++)
			cp_buf_printf(&b, "  - %s is beyond Docker's default capability set\n", beyond[i]);
	}
	for (size_t i = 0; i < rec->nexes; i++) {
		const struct cp_exe *e = &rec->exes[i];

		if (!e->setuid && !e->setgid && !e->file_caps)
			continue;
		cp_buf_printf(&b, "  - %s ran with%s%s%s%s: no-new-privileges would break it\n", e->path,
			      e->setuid ? " setuid" : "", e->setgid ? " setgid" : "", e->file_caps ? " file caps " : "",
			      e->file_caps ? e->file_caps : "");
	}
	for (size_t i = 0; i < CP_ARRAY_SIZE(unmeasurable_caps); i++)
		cp_buf_printf(&b, "  - %s cannot be measured: %s\n", unmeasurable_caps[i][0], unmeasurable_caps[i][1]);
	if (!rec->complete) {
		cp_buf_printf(&b, "  - the recording is incomplete: %s\n",
			      rec->incomplete_reason ? rec->incomplete_reason : "reason unknown");
	}
	for (int k = 0; k < CP_UNSEEN_MAX; k++) {
		if (!rec->unseen[k].hits)
			continue;
		cp_buf_printf(&b, "  - not seen: %s (first: %s by pid %d %s)\n", rec_unseen_why(k),
			      rec->unseen[k].ev.syscall ? rec->unseen[k].ev.syscall : "?", rec->unseen[k].ev.pid,
			      rec->unseen[k].ev.exe ? rec->unseen[k].ev.exe : "");
		if (k == CP_UNSEEN_IO_URING)
			cp_buf_printf(&b, "    the profile emitted from this recording %s io_uring_setup: %s\n",
				      recorded(rec, "io_uring_setup") ? "allows" : "does not allow",
				      recorded(rec, "io_uring_setup") ?
					      "a small profile does not bound what the ring does; leave io_uring_setup "
					      "out to make the workload fall back to syscalls, if it can" :
					      "the ring cannot be set up under it");
	}
	if (rec->uid == 0 && !ncaps && rec->caps_traced)
		cp_buf_puts(&b, "  - no capability was needed: consider running as a non-root --user\n");
	if (o->reach)
		reach_summary(&b, o->reach);
	free(names);
	return b.data;
}
