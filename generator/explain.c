// SPDX-License-Identifier: MIT
/*
 * explain: why each entry of a profile is there, from the recording's
 * evidence: who made a syscall first and with which arguments, and for a
 * capability the failing call it fixed.
 */
#include "generator/gen.h"
#include "common/names.h"
#include "common/util.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const char *const verdicts[] = { "hit", "required", "tolerated" };

static void args_text(struct cp_buf *b, const uint64_t *args)
{
	for (int i = 0; i < CP_NARGS; i++)
		cp_buf_printf(b, "%s0x%llx", i ? ", " : "", (unsigned long long)args[i]);
}

static void sys_detail(struct cp_buf *b, uint32_t arch, const char *name, const struct cp_sys *s)
{
	const struct cp_argspec *spec = rec_argspec(name);
	char sym[256];

	cp_buf_printf(b, "syscall %s (%s): %llu call%s%s\n", name, cp_arch_name(arch), (unsigned long long)s->count,
		      s->count == 1 ? "" : "s",
		      s->inherited ? " traced; inherited from the baseline (allowed unseen while recording)" : "");
	cp_buf_printf(b, "  first call: pid %d, %s", s->first_pid, s->first_exe && *s->first_exe ? s->first_exe : "?");
	if (s->first_ip) {
		cp_buf_printf(b, ", at 0x%llx", (unsigned long long)s->first_ip);
		if (gen_symbolize(s->first_exe, s->first_ip, sym, sizeof(sym)) == 0)
			cp_buf_printf(b, " (%s)", sym);
	}
	cp_buf_puts(b, "\n  first args: ");
	args_text(b, s->first_args);
	cp_buf_puts(b, "\n");
	for (int k = 0; spec && k < 4 && spec->args[k].index >= 0; k++) {
		const struct cp_valset *v = &s->vals[spec->args[k].index];

		cp_buf_printf(b, "  %s (arg%d) values:", spec->args[k].name, spec->args[k].index);
		if (!v->n)
			cp_buf_puts(b, " none recorded");
		for (uint32_t i = 0; i < v->n; i++) {
			const char *fam =
				!strcmp(name, "socket") && spec->args[k].index == 0 ? gen_family_name(v->v[i]) : NULL;

			cp_buf_printf(b, " 0x%llx%s%s", (unsigned long long)v->v[i], fam ? " " : "", fam ? fam : "");
		}
		if (v->overflow)
			cp_buf_printf(b, " ... (more than %d: no argument rule)", CP_MAX_VALUES);
		cp_buf_puts(b, "\n");
	}
}

static void cap_detail(struct cp_buf *b, const char *cap, const struct cp_capuse *u)
{
	const struct cp_evidence *ev = &u->ev;
	const char *en = cp_errno_name(ev->err);

	cp_buf_printf(b, "capability %s: %s, %llu hit%s%s\n", cap, verdicts[u->verdict], (unsigned long long)u->hits,
		      u->hits == 1 ? "" : "s",
		      u->inherited ? " (inherited from the baseline: granted from the start, not re-proven)" : "");
	cp_buf_printf(b, "  fixed: %s(", ev->syscall ? ev->syscall : "?");
	if (ev->path)
		gen_yaml_str(b, ev->path);
	cp_buf_printf(b, ") failing with %s\n  args: ", en ? en : "an error");
	args_text(b, ev->args);
	cp_buf_printf(b, "\n  by pid %d, %s", ev->pid, ev->exe && *ev->exe ? ev->exe : "?");
	if (ev->arch && cp_arch_name(ev->arch))
		cp_buf_printf(b, " (%s)", cp_arch_name(ev->arch));
	cp_buf_puts(b, "\n");
	gen_cap_verdict_text(b, cp_cap_parse(cap), u, "  ");
}

static void explain_all(struct cp_buf *b, const struct cp_rec *rec)
{
	const char *caps[CP_MAX_CAP];
	size_t ncaps = gen_caps(rec, caps);

	for (size_t i = 0; i < rec->narch; i++) {
		const struct cp_arch *a = &rec->arch[i];
		struct cp_named_sys *v = NULL;
		size_t n = rec_sorted_syscalls(a, &v);

		for (size_t k = 0; k < n; k++) {
			const struct cp_sys *s = a->sys[v[k].nr];

			cp_buf_printf(b, "%-24s %-8s %8llu calls, first by pid %d %s (", v[k].name,
				      cp_arch_name(a->token), (unsigned long long)s->count, s->first_pid,
				      s->first_exe && *s->first_exe ? s->first_exe : "?");
			args_text(b, s->first_args);
			cp_buf_puts(b, s->inherited ? ") inherited from the baseline\n" : ")\n");
		}
		free(v);
	}
	for (size_t i = 0; i < ncaps; i++) {
		const struct cp_capuse *u = &rec->caps[cp_cap_parse(caps[i])];
		const char *en = cp_errno_name(u->ev.err);

		cp_buf_printf(b, "CAP_%-20s %-8s %s(", caps[i], verdicts[u->verdict],
			      u->ev.syscall ? u->ev.syscall : "?");
		if (u->ev.path)
			gen_yaml_str(b, u->ev.path);
		cp_buf_printf(b, ") failed with %s without it, by pid %d %s%s\n", en ? en : "an error", u->ev.pid,
			      u->ev.exe && *u->ev.exe ? u->ev.exe : "?",
			      u->inherited ? " (inherited from the baseline)" : "");
		gen_cap_verdict_text(b, cp_cap_parse(caps[i]), u, "    ");
	}
}

/* Upper case or a CAP_ prefix means a capability ("CHOWN"); lower case a syscall ("chown"). */
static bool looks_like_cap(const char *name)
{
	if (!strncasecmp(name, "cap_", 4))
		return true;
	for (const char *p = name; *p; p++)
		if (islower((unsigned char)*p))
			return false;
	return true;
}

static bool syscall_known(const struct cp_rec *rec, const char *name)
{
	if (cp_syscall_nr(cp_arch_native(), name) >= 0)
		return true;
	for (size_t i = 0; i < rec->narch; i++)
		if (cp_syscall_nr(rec->arch[i].token, name) >= 0)
			return true;
	return false;
}

int gen_explain(const struct cp_rec *rec, const char *name, char **out, struct cp_err *err)
{
	struct cp_buf b = { 0 };
	size_t found = 0;

	cp_buf_puts(&b, "");
	if (!name) {
		explain_all(&b, rec);
		*out = b.data;
		return 0;
	}
	if (looks_like_cap(name)) {
		int cap = cp_cap_parse(name);

		if (cap < 0) {
			cp_buf_free(&b);
			return cp_fail(err, -EINVAL, "\"%s\" is not a capability libcap knows", name);
		}
		if (rec->caps[cap].hits) {
			cap_detail(&b, cp_cap_name(cap), &rec->caps[cap]);
			found++;
		}
	} else {
		if (!syscall_known(rec, name)) {
			cp_buf_free(&b);
			return cp_fail(err, -EINVAL,
				       "\"%s\" is not a syscall libseccomp knows (capabilities in upper case)", name);
		}
		for (size_t i = 0; i < rec->narch; i++) {
			int nr = cp_syscall_nr(rec->arch[i].token, name);
			const struct cp_sys *s = nr >= 0 ? rec_sys_get(&rec->arch[i], (uint32_t)nr) : NULL;

			if (!s)
				continue;
			sys_detail(&b, rec->arch[i].token, name, s);
			found++;
		}
	}
	if (!found) {
		cp_buf_free(&b);
		return cp_fail(err, -ENOENT, "%s is not in the recording: the workload did not need it", name);
	}
	*out = b.data;
	return 0;
}
