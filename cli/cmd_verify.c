// SPDX-License-Identifier: MIT
/*
 * capprof verify: re-run the recorded command enforced under a profile and a
 * capability set, traced, with the filter's deny actions turned into
 * RET_TRACE so that every denial is seen (the workload still gets the
 * profile's errno). Pass: no denial and the recorded exit status.
 * --minimize drops each capability in turn and marks it required or
 * tolerated in the recording.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "common/names.h"
#include "common/recording.h"
#include "enforce/caps.h"
#include "enforce/profile.h"
#include "tracer/tracer.h"

static void usage(FILE *f)
{
	fputs("Usage: capprof verify [-i FILE] --profile JSON [--cap-add CAP]... [--minimize] [-- CMD [ARG]...]\n"
	      "Re-run the recorded command (or CMD) in the recorded directory, enforced under the\n"
	      "profile and capabilities and traced: report every denied syscall and whether the\n"
	      "outcome matches the recording.\n\n"
	      "  -i, --input FILE          the recording (default capprof.json)\n"
	      "  -p, --profile JSON        the Docker seccomp profile to verify\n"
	      "  -c, --cap-add CAP         capability to grant (default: those the recording used)\n"
	      "  -n, --no-new-privileges   set no_new_privs (default: when no set-id or file-capability\n"
	      "                            binary ran in the recording)\n"
	      "      --new-privileges      do not set no_new_privs\n"
	      "  -m, --minimize            drop each granted capability in turn, re-run, and mark it\n"
	      "                            required or tolerated in the recording (rewritten atomically)\n"
	      "  -h, --help                this help\n\n"
	      "Exit status: 0 pass, 1 fail, 125 error. See docs/run-verify.md.\n",
	      f);
}

struct child_arg {
	scmp_filter_ctx filter;
	uint64_t caps;
	const struct enf_user *user;
	bool nnp;
};

/* In the traced child, before exec: the workload's privileges, filter last. */
static int child_setup(void *arg)
{
	const struct child_arg *a = arg;
	struct enf_privs pv = { .caps = a->caps, .user = a->user, .no_new_privs = a->nnp, .filter = a->filter };
	enum enf_step step;
	int r = enf_privs_apply(&pv, &step);

	if (r < 0)
		cli_error("verify: %s: %s", enf_step_name(step), strerror(-r));
	return r;
}

struct verify {
	const struct enf_profile *prof;
	char *const *argv;
	const char *path;
	struct enf_user user;
	bool nnp;
};

struct outcome {
	int exit_code;
	struct cp_rec *rec; /* denials in rec->denied */
};

static void ctx_releasep(scmp_filter_ctx *c)
{
	if (*c)
		seccomp_release(*c);
}

static int run_once(const struct verify *v, uint64_t caps, struct outcome *out)
{
	struct enf_compile_opts co = { .caps = caps, .trace_denials = true };
	cp_cleanup(ctx_releasep) scmp_filter_ctx ctx = NULL;
	struct child_arg ca = { .caps = caps, .user = &v->user, .nnp = v->nnp };
	struct trace_opts o = { .argv = v->argv, .path = v->path, .child_setup = child_setup, .child_arg = &ca };
	struct trace_result res = { 0 };
	char err[512];
	int r;

	r = enf_profile_compile(v->prof, &co, &ctx, err, sizeof(err));
	if (r < 0) {
		cli_error("verify: profile: %s", err);
		return r;
	}
	ca.filter = ctx;
	out->rec = rec_new();
	r = trace_run(&o, out->rec, &res);
	if (r < 0) {
		cli_error("verify: tracing failed: %s", strerror(-r));
		return r;
	}
	out->exit_code = res.exit_code;
	return 0;
}

/* Denials that fail a run: an ENOSYS a rule asks for is glibc's probe-and-fall-back. */
static size_t hard_denials(const struct cp_rec *r)
{
	size_t n = 0;

	for (size_t i = 0; i < r->ndenied; i++)
		n += r->denied[i].err != ENOSYS;
	return n;
}

static void print_denial(const struct verify *v, const struct cp_evidence *d)
{
	const char *en = d->err ? cp_errno_name(d->err) : NULL;
	unsigned mask = enf_profile_arg_mask(v->prof, d->syscall);

	printf("  denied: %s (%s) pid %d exe %s args [", d->syscall, cp_arch_name(d->arch) ? cp_arch_name(d->arch) : "?",
	       d->pid, d->exe ? d->exe : "?");
	for (int a = 0; a < CP_NARGS; a++)
		printf("%s%#llx", a ? ", " : "", (unsigned long long)d->args[a]);
	printf("] -> %s\n", d->err ? (en ? en : "errno") : "killed");
	if (d->err == ENOSYS)
		printf("    (ENOSYS: the C library falls back from this call; not counted as a failure)\n");
	/* The smallest change: widen the conditions the profile already has, else allow the name. */
	if (mask) {
		printf("    fix: add to \"syscalls\": {\"names\": [\"%s\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\": [",
		       d->syscall);
		for (int a = 0, first = 1; a < CP_NARGS; a++) {
			if (!(mask & (1u << a)))
				continue;
			printf("%s{\"index\": %d, \"value\": %llu, \"op\": \"SCMP_CMP_EQ\"}", first ? "" : ", ", a,
			       (unsigned long long)d->args[a]);
			first = 0;
		}
		printf("]}\n");
	} else {
		printf("    fix: add \"%s\" to the names of a \"SCMP_ACT_ALLOW\" rule\n", d->syscall);
	}
}

/* Print each distinct (syscall, errno) once, with its first evidence. */
static void print_denials(const struct verify *v, const struct cp_rec *r)
{
	for (size_t i = 0; i < r->ndenied; i++) {
		bool seen = false;

		for (size_t j = 0; j < i && !seen; j++)
			seen = !strcmp(r->denied[j].syscall, r->denied[i].syscall) &&
			       r->denied[j].err == r->denied[i].err;
		if (!seen)
			print_denial(v, &r->denied[i]);
	}
}

static bool same_outcome(const struct cp_rec *rec, const struct outcome *o)
{
	return o->exit_code == rec->exit_code && !hard_denials(o->rec);
}

static void print_missing_caps(const struct cp_rec *rec, uint64_t caps, bool outcome_same)
{
	for (int c = 0; c < CP_MAX_CAP; c++) {
		const struct cp_capuse *u = &rec->caps[c];

		if (!u->hits || (caps & (1ull << c)))
			continue;
		printf("  capability %s not granted (recorded: %s", cp_cap_name(c),
		       u->ev.syscall ? u->ev.syscall : "?");
		if (u->ev.path)
			printf(" on %s", u->ev.path);
		printf(" by pid %d %s)%s\n", u->ev.pid, u->ev.exe ? u->ev.exe : "",
		       outcome_same ? ": the outcome is the same without it (tolerated)" : "");
		if (!outcome_same)
			printf("    fix: --cap-add %s\n", cp_cap_name(c));
	}
}

static int minimize(const struct verify *v, struct cp_rec *rec, uint64_t caps, const char *input)
{
	int changed = 0, r;

	for (int c = 0; c < CP_MAX_CAP; c++) {
		struct outcome o = { 0 };
		bool same;

		if (!(caps & (1ull << c)))
			continue;
		r = run_once(v, caps & ~(1ull << c), &o);
		if (r < 0) {
			rec_free(o.rec);
			return r;
		}
		same = same_outcome(rec, &o);
		printf("  %-18s %s (exit %d%s)\n", cp_cap_name(c), same ? "tolerated" : "required", o.exit_code,
		       hard_denials(o.rec) ? ", denials" : "");
		rec_free(o.rec);
		if (rec->caps[c].hits) {
			rec->caps[c].verdict = same ? CP_VERDICT_TOLERATED : CP_VERDICT_REQUIRED;
			changed++;
		}
	}
	if (changed) {
		r = rec_save(rec, input);
		if (r < 0) {
			cli_error("%s: cannot rewrite the recording: %s", input, strerror(-r));
			return r;
		}
		printf("verify: verdicts written to %s\n", input);
	}
	return 0;
}

static bool wants_new_privs(const struct cp_rec *rec)
{
	for (size_t i = 0; i < rec->nexes; i++)
		if (rec->exes[i].setuid || rec->exes[i].setgid || rec->exes[i].file_caps)
			return true;
	return false;
}

int cmd_verify(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "input", required_argument, NULL, 'i' },
		{ "profile", required_argument, NULL, 'p' },
		{ "cap-add", required_argument, NULL, 'c' },
		{ "no-new-privileges", no_argument, NULL, 'n' },
		{ "new-privileges", no_argument, NULL, 'N' },
		{ "minimize", no_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *input = "capprof.json", *profile = NULL;
	cp_autofree char **capnames = NULL;
	cp_autofree char *path = NULL, *abs_input = NULL;
	cp_autoprofile *prof = NULL;
	cp_autorec *rec = NULL;
	struct verify v = { 0 };
	struct outcome o = { 0 };
	size_t ncaps = 0;
	uint64_t caps = 0;
	int nnp = -1, c, r, ret;
	bool min = false, caps_given = false, pass;
	char err[512];

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+i:p:c:nmh", opts, NULL)) != -1) {
		switch (c) {
		case 'i':
			input = optarg;
			break;
		case 'p':
			profile = optarg;
			break;
		case 'c':
			capnames = cp_xreallocarray(capnames, ncaps + 1, sizeof(char *));
			capnames[ncaps++] = optarg;
			caps_given = true;
			break;
		case 'n':
			nnp = 1;
			break;
		case 'N':
			nnp = 0;
			break;
		case 'm':
			min = true;
			break;
		case 'h':
			usage(stdout);
			return CP_EXIT_OK;
		default:
			if (optopt && strchr("ipc", optopt))
				cli_error("verify: option \"%s\" needs an argument", argv[optind - 1]);
			else
				cli_error("verify: unknown option \"%s\" (try 'capprof verify --help')", argv[optind - 1]);
			return CP_EXIT_FAILURE;
		}
	}
	if (!profile) {
		/* Deriving one needs the generator (emit --docker); until then, name it. */
		cli_error("verify: --profile JSON is required (make one with 'capprof emit --docker -o JSON')");
		return CP_EXIT_FAILURE;
	}
	r = rec_load(input, &rec, err, sizeof(err));
	if (r < 0) {
		cli_error("%s: %s", input, err);
		return CP_EXIT_FAILURE;
	}
	r = enf_profile_load(profile, &prof, err, sizeof(err));
	if (r < 0) {
		cli_error("%s: %s", profile, err);
		return CP_EXIT_FAILURE;
	}
	if (caps_given) {
		r = enf_caps_parse(capnames, ncaps, &caps, err, sizeof(err));
		if (r < 0) {
			cli_error("verify: %s", err);
			return CP_EXIT_FAILURE;
		}
	} else {
		for (int k = 0; k < CP_MAX_CAP; k++)
			if (rec->caps[k].hits)
				caps |= 1ull << k;
	}
	v.argv = optind < argc ? argv + optind : rec->argv;
	if (!v.argv || !v.argv[0]) {
		cli_error("%s: no recorded command (give one after --)", input);
		return CP_EXIT_FAILURE;
	}
	/* The recording is rewritten after we chdir to the recorded directory. */
	abs_input = realpath(input, NULL);
	if (!abs_input) {
		cli_error("%s: %s", input, strerror(errno));
		return CP_EXIT_FAILURE;
	}
	if (rec->cwd && chdir(rec->cwd) < 0) {
		cli_error("%s: recorded directory %s: %s", input, rec->cwd, strerror(errno));
		return CP_EXIT_FAILURE;
	}
	r = trace_resolve_command(v.argv[0], &path);
	if (r < 0) {
		cli_error("%s: %s", v.argv[0], r == -ENOENT ? "command not found" : strerror(-r));
		return CP_EXIT_FAILURE;
	}
	/* Same user as the recording. */
	if (rec->uid != geteuid()) {
		cp_autofree char *spec = cp_xasprintf("%u:%u", rec->uid, rec->gid);

		if (enf_user_parse(spec, &v.user, err, sizeof(err)) < 0) {
			cli_error("verify: recorded user: %s", err);
			return CP_EXIT_FAILURE;
		}
	}
	v.prof = prof;
	v.path = path;
	v.nnp = nnp >= 0 ? nnp : !wants_new_privs(rec);

	r = run_once(&v, caps, &o);
	if (r < 0) {
		rec_free(o.rec);
		enf_user_free(&v.user);
		return CP_EXIT_FAILURE;
	}
	pass = same_outcome(rec, &o);
	printf("verify: %s: exit status %d (recorded %d), %zu denial%s\n", pass ? "PASS" : "FAIL", o.exit_code,
	       rec->exit_code, o.rec->ndenied, o.rec->ndenied == 1 ? "" : "s");
	print_denials(&v, o.rec);
	print_missing_caps(rec, caps, pass);
	if (rec->output_sha256)
		printf("  note: the recording has an output hash; this verify compares exit status and denials only\n");
	ret = pass ? CP_EXIT_OK : CP_EXIT_DIFFERS;
	rec_free(o.rec);
	if (min) {
		if (!pass) {
			printf("verify: --minimize skipped: the full capability set does not pass\n");
		} else {
			printf("verify: minimizing capabilities:\n");
			if (minimize(&v, rec, caps, abs_input) < 0)
				ret = CP_EXIT_FAILURE;
		}
	}
	enf_user_free(&v.user);
	fflush(stdout);
	return ret;
}
