// SPDX-License-Identifier: MIT
/*
 * gen_emit: one recording in, one format out. The capability-only formats
 * (--caps, --docker-run, --compose, --k8s) live here; the seccomp renderers
 * are in seccomp_out.c and the human summary in summary.c.
 */
#include "generator/gen.h"
#include "common/util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static char *emit_caps(const struct cp_rec *rec)
{
	const char *caps[CP_MAX_CAP];
	size_t n = gen_caps(rec, caps);
	struct cp_buf b = { 0 };

	cp_buf_puts(&b, "");
	for (size_t i = 0; i < n; i++)
		cp_buf_printf(&b, "%s\n", caps[i]);
	return b.data;
}

/* docker run's flags for rec (already the view gen_emit renders): each a flag and its value. */
static void docker_run_words(const struct cp_rec *rec, const struct gen_opts *o, struct cp_strv *out)
{
	const char *caps[CP_MAX_CAP];
	size_t n = gen_caps(rec, caps);

	cp_strv_add(out, "--cap-drop");
	cp_strv_add(out, "ALL");
	for (size_t i = 0; i < n; i++) {
		cp_strv_add(out, "--cap-add");
		cp_strv_add(out, caps[i]);
	}
	cp_strv_add(out, "--security-opt");
	cp_strv_addf(out, "seccomp=%s", o->profile_path);
	if (gen_nnp_ok(rec)) {
		cp_strv_add(out, "--security-opt");
		cp_strv_add(out, "no-new-privileges");
	}
}

void gen_docker_run_args(const struct cp_rec *rec, const struct gen_opts *o, struct cp_strv *out)
{
	struct cp_rec view;

	if (!o->keep_tolerated) {
		gen_least_view(rec, &view);
		rec = &view;
	}
	docker_run_words(rec, o, out);
}

/* One flag a line: `docker run $(grep -v '^#' flags) IMAGE` splits them back into words. */
static char *emit_docker_run(const struct cp_rec *rec, const struct gen_opts *o)
{
	cp_autostrv words = { 0 };
	struct cp_buf b = { 0 };

	docker_run_words(rec, o, &words);
	cp_buf_puts(&b, "");
	for (size_t i = 0; i + 1 < words.n; i += 2)
		cp_buf_printf(&b, "%s %s\n", words.v[i], words.v[i + 1]);
	if (rec->uid != 0)
		cp_buf_printf(&b,
			      "# the workload ran as uid %u gid %u: add --user %u:%u (no capability survives "
			      "exec for a non-root user)\n",
			      rec->uid, rec->gid, rec->uid, rec->gid);
	return b.data;
}

static char *emit_compose(const struct cp_rec *rec, const struct gen_opts *o)
{
	const char *caps[CP_MAX_CAP];
	size_t n = gen_caps(rec, caps);
	struct cp_buf b = { 0 };
	cp_autofree char *opt = cp_xasprintf("seccomp=%s", o->profile_path);

	cp_buf_puts(&b, "# capprof: merge these settings into your service\n"
			"services:\n"
			"  app:\n"
			"    cap_drop:\n"
			"      - ALL\n");
	if (n) {
		cp_buf_puts(&b, "    cap_add:\n");
		for (size_t i = 0; i < n; i++)
			cp_buf_printf(&b, "      - %s\n", caps[i]);
	}
	cp_buf_puts(&b, "    security_opt:\n      - ");
	gen_yaml_str(&b, opt);
	cp_buf_puts(&b, "\n");
	if (gen_nnp_ok(rec))
		cp_buf_puts(&b, "      - \"no-new-privileges:true\"\n");
	if (rec->uid != 0)
		cp_buf_printf(&b, "    user: \"%u:%u\"\n", rec->uid, rec->gid);
	return b.data;
}

/*
 * --arch: schedule only on nodes whose kubernetes.io/arch (Go's GOARCH) the
 * profile was written for; a node of another architecture would load a
 * profile nobody checked for it.
 */
static void k8s_arch_affinity(struct cp_buf *b, const struct gen_opts *o)
{
	const char *seen[GEN_MAX_FAMILY];
	size_t n = 0;

	cp_buf_puts(b, "  affinity:\n"
		       "    nodeAffinity:\n"
		       "      requiredDuringSchedulingIgnoredDuringExecution:\n"
		       "        nodeSelectorTerms:\n"
		       "        - matchExpressions:\n"
		       "          - key: kubernetes.io/arch\n"
		       "            operator: In\n"
		       "            values:\n");
	for (size_t i = 0; i < o->ntargets; i++) {
		const struct gen_family *f = gen_arch_family(o->targets[i]);
		bool dup = false;

		for (size_t k = 0; f && k < n; k++)
			dup |= !strcmp(seen[k], f->goarch);
		if (!f || dup || n == GEN_MAX_FAMILY)
			continue;
		seen[n++] = f->goarch;
		cp_buf_printf(b, "            - %s\n", f->goarch);
	}
}

static char *emit_k8s(const struct cp_rec *rec, const struct gen_opts *o)
{
	const char *caps[CP_MAX_CAP];
	size_t n = gen_caps(rec, caps);
	struct cp_buf b = { 0 };

	cp_buf_puts(&b, "# capprof: the seccomp profile goes to <kubelet root>/seccomp/ on every node\n"
			"# (or use --spo to let the Security Profiles Operator distribute it)\n"
			"apiVersion: v1\n"
			"kind: Pod\n"
			"metadata:\n"
			"  name: capprof-workload\n"
			"spec:\n"
			"  containers:\n"
			"  - name: app\n"
			"    image: \"IMAGE\"\n"
			"    securityContext:\n");
	cp_buf_printf(&b, "      allowPrivilegeEscalation: %s\n", gen_nnp_ok(rec) ? "false" : "true");
	cp_buf_puts(&b, "      capabilities:\n"
			"        drop:\n"
			"        - ALL\n");
	if (n) {
		cp_buf_puts(&b, "        add:\n");
		for (size_t i = 0; i < n; i++)
			cp_buf_printf(&b, "        - %s\n", caps[i]);
	}
	if (rec->uid != 0)
		cp_buf_printf(&b, "      runAsNonRoot: true\n      runAsUser: %u\n      runAsGroup: %u\n", rec->uid,
			      rec->gid);
	cp_buf_puts(&b, "      seccompProfile:\n"
			"        type: Localhost\n"
			"        localhostProfile: ");
	gen_yaml_str(&b, o->profile_path);
	cp_buf_puts(&b, "\n");
	if (o->ntargets)
		k8s_arch_affinity(&b, o);
	return b.data;
}

void gen_least_view(const struct cp_rec *rec, struct cp_rec *view)
{
	*view = *rec;
	for (int c = 0; c < CP_MAX_CAP; c++)
		if (view->caps[c].verdict == CP_VERDICT_TOLERATED)
			view->caps[c].hits = 0;
}

int gen_emit(const struct cp_rec *rec, const struct gen_opts *o, char **out, struct cp_err *err)
{
	struct gen_policy *p = NULL;
	struct gen_opts so = *o;
	struct cp_rec view;

	/*
	 * Least privilege: a capability verify --minimize found tolerated is
	 * not granted. A shallow view of the recording (renderers only read).
	 */
	if (!o->keep_tolerated && o->format != GEN_SUMMARY) {
		gen_least_view(rec, &view);
		rec = &view;
	}
	switch (o->format) {
	case GEN_CAPS:
		*out = emit_caps(rec);
		return 0;
	case GEN_DOCKER_RUN:
		*out = emit_docker_run(rec, o);
		return 0;
	case GEN_COMPOSE:
		*out = emit_compose(rec, o);
		return 0;
	case GEN_K8S:
		*out = emit_k8s(rec, o);
		return 0;
	case GEN_SUMMARY:
		*out = gen_summary(rec, o);
		return 0;
	case GEN_SYSTEMD:
		/* systemd loads the filter itself and matches no arguments */
		so.runtime = NULL;
		so.no_args = true;
		break;
	case GEN_DOCKER:
	case GEN_OCI:
	case GEN_SPO:
		break;
	default:
		return cp_fail(err, -EINVAL, "emit: unknown output format %d", (int)o->format);
	}
	if (o->ntargets)
		gen_policy_build_arches(rec, &so, &p);
	else
		gen_policy_build(rec, &so, &p);
	if (o->format == GEN_DOCKER)
		*out = gen_docker_json(p);
	else if (o->format == GEN_OCI)
		*out = gen_oci_json(rec, p, o);
	else if (o->format == GEN_SPO)
		*out = gen_spo_yaml(rec, p);
	else
		*out = gen_systemd(rec, p);
	gen_policy_free(p);
	return 0;
}
