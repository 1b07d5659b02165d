// SPDX-License-Identifier: MIT
/*
 * The real trial: run the workload traced on the host (or on a fresh overlay
 * of it with --sandbox), under the profile with its deny actions turned into
 * RET_TRACE so that every denial is seen, and the trial's capabilities.
 */
#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <seccomp.h>
#include <sha2.h>
#include <sys/mman.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/err.h"
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
	int in, out, err; /* -1, or the workload's stdin, stdout, stderr */
};

/* In the traced child, before exec: the workload's privileges, filter last. */
static int child_setup(void *arg)
{
	const struct child_arg *a = arg;
	struct enf_privs pv = { .caps = a->caps, .user = a->user, .no_new_privs = a->nnp, .filter = a->filter };
	enum enf_step step;
	int r = 0;

	if ((a->in >= 0 && dup2(a->in, 0) < 0) || (a->out >= 0 && dup2(a->out, 1) < 0) ||
	    (a->err >= 0 && dup2(a->err, 2) < 0))
		return -errno;
	r = a->sandbox ? sbx_enter(a->sandbox) : 0;
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

/* The profile's text with one more allow rule for names (a trade). */
static int profile_with(const char *text, size_t len, const struct vfy_names *names, char **out, struct cp_err *err)
{
	cJSON *root = cJSON_ParseWithLength(text, len), *sys, *rule, *arr;

	if (!root || !cJSON_IsObject(root)) {
		cJSON_Delete(root);
		cp_fail(err, -EINVAL, "profile: not a JSON object");
		return -EINVAL; /* spelled out: the analyser cannot see cp_fail return it, and *out is unset */
	}
	sys = cJSON_GetObjectItemCaseSensitive(root, "syscalls");
	if (!sys)
		sys = cJSON_AddArrayToObject(root, "syscalls");
	if (!cJSON_IsArray(sys)) {
		cJSON_Delete(root);
		cp_fail(err, -EINVAL, "profile: syscalls: expected an array");
		return -EINVAL; /* spelled out: the analyser cannot see cp_fail return it, and *out is unset */
	}
	rule = cJSON_CreateObject();
	arr = cJSON_AddArrayToObject(rule, "names");
	for (size_t i = 0; i < names->n; i++)
		cJSON_AddItemToArray(arr, cJSON_CreateString(names->v[i]));
	cJSON_AddStringToObject(rule, "action", "SCMP_ACT_ALLOW");
	cJSON_AddStringToObject(rule, "comment", "capprof verify --minimize: a trade for a capability");
	cJSON_AddItemToArray(sys, rule);
	*out = cJSON_PrintUnformatted(root);
	cJSON_Delete(root);
	if (!*out)
		cp_oom();
	return 0;
}

static int memfd(const char *name)
{
	int fd = memfd_create(name, MFD_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

int vfy_traced_run(void *ctx, const struct vfy_trial *t, struct vfy_outcome *out, struct cp_err *err)
{
	const struct vfy_traced *v = ctx;
	struct enf_compile_opts co = { .caps = t->caps, .trace_denials = true };
	enf_autofilter filter = NULL;
	cp_autoprofile *prof = NULL;
	cp_autoclose int rfd = -1;
	cp_autoclose int wfd = -1;
	struct child_arg ca = {
		.caps = t->caps, .user = v->user, .nnp = v->nnp, .errfd = -1, .in = -1, .out = -1, .err = -1
	};
	struct trace_opts o = { .argv = v->argv,
				.path = v->path,
				.child_setup = child_setup,
				.child_arg = &ca,
				.hash_output = !t->capture };
	cp_autoclose int in = -1;
	cp_autoclose int cout = -1;
	cp_autoclose int cerr = -1;
	cp_autofree char *added = NULL;
	const char *text = v->text;
	size_t len = v->len;
	struct trace_result res = { 0 };
	struct sbx *sb = NULL;
	struct cp_err perr = { 0 };
	char msg[256];
	int p[2], r;
	ssize_t n;

	if (t->add.n) {
		r = profile_with(v->text, v->len, &t->add, &added, err);
		if (r < 0)
			return r;
		text = added;
		len = strlen(added);
	}
	if (t->capture) {
		in = open("/dev/null", O_RDONLY | O_CLOEXEC);
		cout = memfd("capprof-stdout");
		cerr = memfd("capprof-stderr");
		if (in < 0 || cout < 0 || cerr < 0) {
			return cp_fail(err, -errno, "cannot make the capture files: %s", strerror(errno));
		}
		ca.in = in;
		ca.out = cout;
		ca.err = cerr;
	}
	r = enf_profile_parse(text, len, &prof, &perr);
	if (r < 0) {
		return cp_fail(err, r, "profile: %s", cp_err_str(&perr));
	}
	for (size_t i = 0; i < t->drop.n; i++)
		enf_profile_remove_name(prof, t->drop.v[i]);
	r = enf_profile_compile(prof, &co, &filter, &perr);
	if (r < 0) {
		return cp_fail(err, r, "profile: %s", cp_err_str(&perr));
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
		r = sbx_begin(NULL, &sb, err);
		if (r < 0)
			return r;
		ca.sandbox = sb;
	}
	r = trace_run(&o, out->rec, &res);
	if (sb) {
		int sr = sbx_end(sb, err);

		if (sr < 0)
			return sr;
	}
	if (r < 0) {
		return cp_fail(err, r, "tracing failed: %s", strerror(-r));
	}
	n = read(rfd, msg, sizeof(msg) - 1);
	if (n > 0) {
		msg[n] = '\0';
		return cp_fail(err, -EPERM, "%s", msg);
	}
	out->exit_code = res.exit_code;
	out->denials_seen = true;
	if (t->capture) {
		char hex[SHA256_DIGEST_STRING_LENGTH];
		int r1 = vfy_read_capture(cout, &out->out, &out->nout);
		int r2 = vfy_read_capture(cerr, &out->err, &out->nerr);

		if ((r1 < 0 && r1 != -EFBIG) || (r2 < 0 && r2 != -EFBIG)) {
			return cp_fail(err, r1 < 0 ? r1 : r2, "cannot read the captured output: %s",
				       strerror(-(r1 < 0 ? r1 : r2)));
		}
		out->captured = true;
		/* As record hashes stdout, so that the run compares with the recording too. */
		if (out->out) {
			SHA256Data((const uint8_t *)out->out, out->nout, hex);
			out->rec->output_sha256 = cp_xstrdup(hex);
			out->rec->output_bytes = out->nout;
		}
	}
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
