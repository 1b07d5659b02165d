// SPDX-License-Identifier: MIT
/*
 * The real trial: run the workload traced on the host (or on a fresh overlay
 * of it with --sandbox), under the profile with its deny actions turned into
 * RET_TRACE so that every denial is seen, and the trial's capabilities.
 */
#include <errno.h>
#include <fcntl.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/names.h"
#include "common/util.h"
#include "enforce/caps.h"
#include "enforce/profile.h"
#include "sandbox/sandbox.h"
#include "tracer/tracer.h"
#include "verify/verify.h"

struct child_arg {
	scmp_filter_ctx filter;
	uint64_t caps;
	const struct enf_user *user;
	bool nnp;
	struct sbx *sandbox; /* entered before the privileges are set */
	int errfd; /* a failure's reason goes to the parent here */
};

/* In the traced child, before exec: the workload's privileges, filter last. */
static int child_setup(void *arg)
{
	const struct child_arg *a = arg;
	struct enf_privs pv = { .caps = a->caps, .user = a->user, .no_new_privs = a->nnp, .filter = a->filter };
	enum enf_step step;
	int r = a->sandbox ? sbx_enter(a->sandbox) : 0;

	if (r < 0)
		return r; /* sbx_end reports it */
	r = enf_privs_apply(&pv, &step);
	if (r < 0) {
		char msg[256];
		int n = snprintf(msg, sizeof(msg), "%s: %s", enf_step_name(step), strerror(-r));

		if (n > 0 && write(a->errfd, msg, (size_t)n) < 0)
			return r;
	}
	return r;
}

static void ctx_releasep(scmp_filter_ctx *c)
{
	if (*c)
		seccomp_release(*c);
}

int vfy_traced_run(void *ctx, const struct vfy_trial *t, struct vfy_outcome *out, char *err, size_t errlen)
{
	const struct vfy_traced *v = ctx;
	struct enf_compile_opts co = { .caps = t->caps, .trace_denials = true };
	cp_cleanup(ctx_releasep) scmp_filter_ctx filter = NULL;
	cp_autoprofile *prof = NULL;
	cp_autoclose int rfd = -1;
	cp_autoclose int wfd = -1;
	struct child_arg ca = { .caps = t->caps, .user = v->user, .nnp = v->nnp, .errfd = -1 };
	struct trace_opts o = {
		.argv = v->argv, .path = v->path, .child_setup = child_setup, .child_arg = &ca, .hash_output = true
	};
	struct trace_result res = { 0 };
	struct sbx *sb = NULL;
	char perr[1024], msg[256];
	int p[2], r;
	ssize_t n;

	r = enf_profile_parse(v->text, v->len, &prof, perr, sizeof(perr));
	if (r < 0) {
		cp_set_err(err, errlen, "profile: %s", perr);
		return r;
	}
	for (size_t i = 0; i < t->drop.n; i++)
		enf_profile_remove_name(prof, t->drop.v[i]);
	r = enf_profile_compile(prof, &co, &filter, perr, sizeof(perr));
	if (r < 0) {
		cp_set_err(err, errlen, "profile: %s", perr);
		return r;
	}
	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	rfd = p[0];
	wfd = ca.errfd = p[1];
	fcntl(rfd, F_SETFL, O_NONBLOCK);
	ca.filter = filter;
	out->rec = rec_new();
	/* The report and the workload's copied output share stdout: keep their order. */
	fflush(stdout);
	/* --sandbox: every run starts from a fresh overlay of the host. */
	if (v->sandbox) {
		r = sbx_begin(NULL, &sb, perr, sizeof(perr));
		if (r < 0) {
			cp_set_err(err, errlen, "%s", perr);
			return r;
		}
		ca.sandbox = sb;
	}
	r = trace_run(&o, out->rec, &res);
	if (sb) {
		int sr = sbx_end(sb, perr, sizeof(perr));

		if (sr < 0) {
			cp_set_err(err, errlen, "%s", perr);
			return sr;
		}
	}
	if (r < 0) {
		cp_set_err(err, errlen, "tracing failed: %s", strerror(-r));
		return r;
	}
	n = read(rfd, msg, sizeof(msg) - 1);
	if (n > 0) {
		msg[n] = '\0';
		cp_set_err(err, errlen, "%s", msg);
		return -EPERM;
	}
	out->exit_code = res.exit_code;
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

size_t vfy_syscall_candidates(const struct cp_rec *rec, const struct enf_profile *prof, uint64_t caps,
			      struct vfy_names *out)
{
	cp_autorec *allowed = NULL;
	const char **names = NULL;
	size_t n = 0, cap = 0;

	enf_profile_to_rec(prof, &caps, &allowed);
	for (size_t ai = 0; ai < rec->narch; ai++) {
		const struct cp_arch *a = &rec->arch[ai];
		const struct cp_arch *pa = rec_arch_find(allowed, a->token);

		for (uint32_t nr = 0; nr < a->nsys; nr++) {
			const char *name = a->sys[nr] ? cp_syscall_name(a->token, nr) : NULL;
			const struct cp_sys *ps = pa ? rec_sys_get(pa, nr) : NULL;
			bool dup = false;

			if (!name || !ps || !ps->count)
				continue;
			for (size_t i = 0; i < n && !dup; i++)
				dup = !strcmp(names[i], name);
			if (dup)
				continue;
			if (n == cap) {
				cap = cap ? cap * 2 : 64;
				names = cp_xreallocarray(names, cap, sizeof(*names));
			}
			names[n++] = name;
		}
	}
	if (n)
		qsort(names, n, sizeof(*names), cmp_str);
	out->v = names;
	out->n = n;
	return n;
}
