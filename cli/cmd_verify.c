// SPDX-License-Identifier: MIT
/*
 * capprof verify: re-run the recorded command enforced under a profile and a
 * capability set, traced, with the filter's deny actions turned into
 * RET_TRACE so that every denial is seen (the workload still gets the
 * profile's errno). Without --profile, the profile and capabilities are the
 * ones `capprof emit --docker` and `emit --caps` make from the recording.
 * Pass: no denial, the recorded exit status and the recorded output hash.
 * --minimize drops each capability in turn and marks it required or
 * tolerated in the recording; --minimize=syscalls drops each allowed
 * syscall in turn and reports those the workload did not need.
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
#include "common/util.h"
#include "enforce/caps.h"
#include "enforce/profile.h"
#include "generator/gen.h"
#include "sandbox/sandbox.h" /* --sandbox, --docker (docs/sandbox-and-docker.md) */
#include "tracer/tracer.h"

static void usage(FILE *f)
{
	fputs("Usage: capprof verify [-i FILE] [--profile JSON] [--cap-add CAP]... [--minimize[=caps|syscalls|all]]\n"
	      "                      [--runtime runc|crun|none] [--nnp] [--no-args] [--ignore-output] [-o FILE]\n"
	      "                      [--sandbox | --docker IMAGE [--docker-arg ARG]...] [-- CMD [ARG]...]\n"
	      "Re-run the recorded command (or CMD) in the recorded directory as the recorded user,\n"
	      "enforced under the profile and capabilities and traced: report every denied syscall and\n"
	      "whether the outcome (exit status, output) matches the recording.\n\n"
	      "  -i, --input FILE          the recording (default capprof.json)\n"
	      "  -p, --profile JSON        the Docker seccomp profile to verify (default: the one\n"
	      "                            'capprof emit --docker' makes from the recording)\n"
	      "  -c, --cap-add CAP         capability to grant (default: 'capprof emit --caps')\n"
	      "      --runtime NAME        deriving the profile: as emit --runtime (default runc when\n"
	      "                            its data is installed, else none)\n"
	      "      --nnp, --no-args      deriving the profile: as emit --nnp, --no-args\n"
	      "  -n, --no-new-privileges   set no_new_privs (default: when no set-id or file-capability\n"
	      "                            binary ran in the recording)\n"
	      "      --new-privileges      do not set no_new_privs\n"
	      "      --ignore-output       do not compare the output hash with the recording's\n"
	      "  -m, --minimize[=WHAT]     caps (the default): drop each granted capability in turn and\n"
	      "                            mark it required or tolerated in the recording (rewritten\n"
	      "                            atomically); syscalls: drop each allowed syscall the workload\n"
	      "                            made in turn and report those not needed; all: both\n"
	      "  -o, --output FILE         write the profile verified (after --minimize=syscalls, the\n"
	      "                            reduced one) to FILE\n"
	      "      --sandbox             run on a fresh throw-away overlay of the host (as record\n"
	      "                            --sandbox), so the run starts from the recorded state\n"
	      "      --docker IMAGE        run in a container of IMAGE: 'docker run' with exactly the\n"
	      "                            flags 'capprof emit --docker-run' prints; compares exit\n"
	      "                            status and output (a container shows no denials)\n"
	      "      --docker-arg ARG      pass ARG to 'docker run' (repeat)\n"
	      "  -h, --help                this help\n\n"
	      "Exit status: 0 pass, 1 fail, 125 error. See docs/run-verify.md, docs/sandbox-and-docker.md.\n",
	      f);
}

struct child_arg {
	scmp_filter_ctx filter;
	uint64_t caps;
	const struct enf_user *user;
	bool nnp;
	struct sbx *sandbox; /* --sandbox: entered before the privileges are set */
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
	if (r < 0)
		cli_error("verify: %s: %s", enf_step_name(step), strerror(-r));
	return r;
}

struct verify {
	const struct cp_rec *rec;
	const char *text; /* the profile's JSON: each run parses it afresh */
	size_t len;
	const struct enf_profile *prof; /* parsed once, for the fix hints */
	char *const *argv;
	const char *path;
	struct enf_user user;
	bool nnp;
	bool ignore_output;
	bool sandbox;
};

/* Names a run leaves out of the profile's allow rules (--minimize=syscalls). */
struct drop {
	const char **v;
	size_t n;
};

struct outcome {
	int exit_code;
	struct cp_rec *rec; /* denials in rec->denied, output hash */
};

static void ctx_releasep(scmp_filter_ctx *c)
{
	if (*c)
		seccomp_release(*c);
}

static int run_once(const struct verify *v, uint64_t caps, const struct drop *drop, struct outcome *out)
{
	struct enf_compile_opts co = { .caps = caps, .trace_denials = true };
	cp_cleanup(ctx_releasep) scmp_filter_ctx ctx = NULL;
	cp_autoprofile *prof = NULL;
	struct child_arg ca = { .caps = caps, .user = &v->user, .nnp = v->nnp };
	struct trace_opts o = {
		.argv = v->argv, .path = v->path, .child_setup = child_setup, .child_arg = &ca, .hash_output = true
	};
	struct trace_result res = { 0 };
	struct sbx *sb = NULL;
	char err[1024];
	int r;

	r = enf_profile_parse(v->text, v->len, &prof, err, sizeof(err));
	if (r < 0) {
		cli_error("verify: profile: %s", err);
		return r;
	}
	for (size_t i = 0; drop && i < drop->n; i++)
		enf_profile_remove_name(prof, drop->v[i]);
	r = enf_profile_compile(prof, &co, &ctx, err, sizeof(err));
	if (r < 0) {
		cli_error("verify: profile: %s", err);
		return r;
	}
	ca.filter = ctx;
	out->rec = rec_new();
	/* Our report and the workload's copied output share stdout: keep their order. */
	fflush(stdout);
	/* --sandbox: every run starts from a fresh overlay of the host. */
	if (v->sandbox) {
		r = sbx_begin(NULL, &sb, err, sizeof(err));
		if (r < 0) {
			cli_error("verify: %s", err);
			return r;
		}
		ca.sandbox = sb;
	}
	r = trace_run(&o, out->rec, &res);
	if (sb) {
		int sr = sbx_end(sb, err, sizeof(err));

		if (sr < 0) {
			cli_error("verify: %s", err);
			return sr;
		}
	}
	if (r < 0) {
		cli_error("verify: tracing failed: %s", strerror(-r));
		return r;
	}
	out->exit_code = res.exit_code;
	return 0;
}

static bool dropped(const struct drop *drop, const char *name)
{
	for (size_t i = 0; drop && i < drop->n; i++)
		if (!strcmp(drop->v[i], name))
			return true;
	return false;
}

/*
 * Denials that fail a run: not an ENOSYS (glibc's probe-and-fall-back), and
 * not of a name --minimize=syscalls took out on purpose (whether the
 * workload copes with that shows in its exit status and output).
 */
static size_t hard_denials(const struct cp_rec *r, const struct drop *drop, const char **first)
{
	size_t n = 0;

	for (size_t i = 0; i < r->ndenied; i++) {
		if (r->denied[i].err == ENOSYS || dropped(drop, r->denied[i].syscall))
			continue;
		if (!n && first)
			*first = r->denied[i].syscall;
		n++;
	}
	return n;
}

/* Why a run's stdout has no hash, from its output method (tracer/outcap.h). */
static const char *output_why(const char *method, bool recorded)
{
	static const struct {
		const char *method, *recorded, *now;
	} why[] = {
		{ "terminal", "the recorded run's stdout was a terminal", "stdout is a terminal" },
		{ "null", "the recorded run's stdout was /dev/null", "stdout is /dev/null" },
		{ "device", "the recorded run's stdout was a device", "stdout is a device" },
		{ "closed", "the recorded run's stdout was closed", "stdout is closed" },
		{ "disabled", "the recording was made with --no-output-hash", "output hashing is off" },
		{ "file", "the recorded run rewound or truncated its stdout file", "the workload rewound or truncated its stdout file" },
		{ "pipe", "the reader of the recorded run's stdout went away", "the reader of stdout went away" },
		{ "socket", "the reader of the recorded run's stdout went away", "the reader of stdout went away" },
	};

	for (size_t i = 0; method && i < CP_ARRAY_SIZE(why); i++)
		if (!strcmp(method, why[i].method))
			return recorded ? why[i].recorded : why[i].now;
	if (recorded)
		return "the recording has no output hash (its stdout was a terminal, or record --no-output-hash)";
	return "stdout cannot be hashed without changing its kind (a network socket?)";
}

/* How the output compares: 1 same, 0 differs, -1 not compared (why in *why). */
static int output_same(const struct verify *v, const struct cp_rec *run, const char **why)
{
	if (v->ignore_output) {
		*why = "--ignore-output";
		return -1;
	}
	if (!v->rec->output_sha256) {
		*why = output_why(v->rec->output_method, true);
		return -1;
	}
	if (!run->output_sha256) {
		*why = output_why(run->output_method, false);
		return -1;
	}
	/*
	 * Both are the bytes the workload wrote to stdout, whether read back
	 * from a file or copied through a pipe: the methods may differ.
	 */
	return strcmp(v->rec->output_sha256, run->output_sha256) == 0 &&
	       v->rec->output_bytes == run->output_bytes;
}

static bool same_outcome(const struct verify *v, const struct outcome *o, const struct drop *drop)
{
	const char *why;

	return o->exit_code == v->rec->exit_code && output_same(v, o->rec, &why) != 0 &&
	       !hard_denials(o->rec, drop, NULL);
}

/* Why a run's outcome is not the recorded one, in a few words. */
static void outcome_reason(const struct verify *v, const struct outcome *o, const struct drop *drop, char *buf,
			   size_t len)
{
	const char *first = NULL, *why;
	size_t n = hard_denials(o->rec, drop, &first);

	if (o->exit_code != v->rec->exit_code)
		snprintf(buf, len, "exit %d, recorded %d", o->exit_code, v->rec->exit_code);
	else if (!output_same(v, o->rec, &why))
		snprintf(buf, len, "output differs");
	else if (n)
		snprintf(buf, len, "%zu denial%s, first %s", n, n == 1 ? "" : "s", first);
	else
		snprintf(buf, len, "same outcome");
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

static void print_output(const struct verify *v, const struct cp_rec *run)
{
	const char *why;
	int same = output_same(v, run, &why);

	if (same < 0)
		printf("  output: not compared (%s)\n", why);
	else if (same)
		printf("  output: same as recorded (sha256 %.16s..., %llu bytes)\n", run->output_sha256,
		       (unsigned long long)run->output_bytes);
	else
		printf("  output: differs: sha256 %.16s... %llu bytes, recorded %.16s... %llu bytes "
		       "(--ignore-output if the output varies from run to run)\n",
		       run->output_sha256, (unsigned long long)run->output_bytes, v->rec->output_sha256,
		       (unsigned long long)v->rec->output_bytes);
}

static int minimize_caps(const struct verify *v, struct cp_rec *rec, uint64_t caps, const char *input)
{
	int changed = 0, r;
	char why[256];

	printf("verify: minimizing capabilities:\n");
	for (int c = 0; c < CP_MAX_CAP; c++) {
		struct outcome o = { 0 };
		bool same;

		if (!(caps & (1ull << c)))
			continue;
		r = run_once(v, caps & ~(1ull << c), NULL, &o);
		if (r < 0) {
			rec_free(o.rec);
			return r;
		}
		same = same_outcome(v, &o, NULL);
		outcome_reason(v, &o, NULL, why, sizeof(why));
		printf("  %-18s %s (%s)\n", cp_cap_name(c), same ? "tolerated" : "required", why);
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

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Syscalls the workload made (any architecture) that the profile allows: sorted, unique. */
static size_t minimize_candidates(const struct verify *v, uint64_t caps, const char ***out)
{
	cp_autorec *allowed = NULL;
	const char **names = NULL;
	size_t n = 0, cap = 0;

	enf_profile_to_rec(v->prof, &caps, &allowed);
	for (size_t ai = 0; ai < v->rec->narch; ai++) {
		const struct cp_arch *a = &v->rec->arch[ai];
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
	*out = names;
	return n;
}

/*
 * Drop each candidate in turn on top of those already found unneeded; keep
 * it dropped when the outcome is still the recorded one. The names kept out
 * are returned in *drop.
 */
static int minimize_syscalls(const struct verify *v, uint64_t caps, struct drop *drop)
{
	cp_autofree const char **cand = NULL;
	size_t n = minimize_candidates(v, caps, &cand);
	char why[256];
	int r;

	drop->v = cp_xcalloc(n + 1, sizeof(*drop->v));
	drop->n = 0;
	printf("verify: minimizing syscalls (%zu the workload made and the profile allows):\n", n);
	for (size_t i = 0; i < n; i++) {
		struct outcome o = { 0 };
		bool same;

		/* The filter is loaded before the workload's own exec: that one always runs. */
		if (!strcmp(cand[i], "execve")) {
			printf("  %-22s needed (the workload is started with it under the filter)\n", cand[i]);
			continue;
		}
		drop->v[drop->n++] = cand[i];
		r = run_once(v, caps, drop, &o);
		if (r < 0) {
			rec_free(o.rec);
			return r;
		}
		same = same_outcome(v, &o, drop);
		outcome_reason(v, &o, drop, why, sizeof(why));
		printf("  %-22s %s (%s)\n", cand[i], same ? "not needed" : "needed", why);
		rec_free(o.rec);
		if (!same)
			drop->n--;
	}
	printf("verify: syscalls not needed (%zu):", drop->n);
	for (size_t i = 0; i < drop->n; i++)
		printf(" %s", drop->v[i]);
	printf("\n");
	return 0;
}

/* The derived policy without the dropped names, rendered as emit --docker would. */
static char *policy_without(struct gen_policy *p, const struct drop *drop)
{
	size_t k = 0;

	for (size_t i = 0; i < p->nrules; i++) {
		struct gen_rule *r = &p->rules[i];
		size_t m = 0;

		for (size_t n = 0; n < r->nnames; n++) {
			if (r->allow && dropped(drop, r->names[n]))
				free(r->names[n]);
			else
				r->names[m++] = r->names[n];
		}
		r->nnames = m;
		if (!m) {
			free(r->names);
			free(r->comment);
			continue;
		}
		p->rules[k++] = *r;
	}
	p->nrules = k;
	return gen_docker_json(p);
}

/* --docker IMAGE: docker run with the flags of emit --docker-run (sandbox/docker.c). */
static int verify_docker(const struct verify *v, const struct dkr_opts *d, const char *profile, const char *runtime)
{
	cp_autorec *run = rec_new();
	cp_autofree char *flags = NULL;
	const char *why;
	char err[1024];
	int code, r;
	bool pass;

	fflush(stdout);
	r = dkr_verify(v->rec, d, profile, runtime, run, &flags, &code, err, sizeof(err));
	if (r < 0) {
		cli_error("verify --docker %s: %s", d->image, err);
		return CP_EXIT_FAILURE;
	}
	pass = code == v->rec->exit_code && output_same(v, run, &why) != 0;
	printf("verify: %s: exit status %d (recorded %d) in a container of %s\n", pass ? "PASS" : "FAIL", code,
	       v->rec->exit_code, d->image);
	print_output(v, run);
	printf("  docker run flags:");
	for (const char *p = flags; p && *p;) {
		size_t n = strcspn(p, "\n");

		if (*p != '#')
			printf(" %.*s", (int)n, p);
		p += n + (p[n] == '\n');
	}
	printf("\n");
	if (!pass)
		printf("  (a container reports no denials: 'capprof verify' without --docker shows them)\n");
	return pass ? CP_EXIT_OK : CP_EXIT_DIFFERS;
}

enum { O_RUNTIME = 256, O_NNP_ONLY, O_NO_ARGS, O_IGNORE_OUTPUT, O_SANDBOX, O_DOCKER, O_DOCKER_ARG };

int cmd_verify(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "input", required_argument, NULL, 'i' },
		{ "profile", required_argument, NULL, 'p' },
		{ "cap-add", required_argument, NULL, 'c' },
		{ "no-new-privileges", no_argument, NULL, 'n' },
		{ "new-privileges", no_argument, NULL, 'N' },
		{ "minimize", optional_argument, NULL, 'm' },
		{ "output", required_argument, NULL, 'o' },
		{ "runtime", required_argument, NULL, O_RUNTIME },
		{ "nnp", no_argument, NULL, O_NNP_ONLY },
		{ "no-args", no_argument, NULL, O_NO_ARGS },
		{ "ignore-output", no_argument, NULL, O_IGNORE_OUTPUT },
		{ "sandbox", no_argument, NULL, O_SANDBOX },
		{ "docker", required_argument, NULL, O_DOCKER },
		{ "docker-arg", required_argument, NULL, O_DOCKER_ARG },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *input = "capprof.json", *profile = NULL, *output = NULL, *runtime = NULL;
	cp_autofree char **capnames = NULL;
	cp_autofree char *path = NULL, *abs_input = NULL, *text = NULL, *abs_output = NULL;
	cp_autoprofile *prof = NULL;
	cp_autorec *rec = NULL;
	struct gen_opts go = { .format = GEN_DOCKER };
	struct gen_runtime *rt = NULL;
	struct gen_policy *pol = NULL;
	struct verify v = { 0 };
	struct outcome o = { 0 };
	struct drop drop = { 0 };
	size_t ncaps = 0, len = 0;
	uint64_t caps = 0;
	int nnp = -1, c, r, ret = CP_EXIT_FAILURE;
	bool min_caps = false, min_sys = false, caps_given = false, pass;
	char err[1024];
	struct dkr_opts dk = { 0 };
	cp_autofree char **dargs = NULL;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+i:p:c:nm::o:h", opts, NULL)) != -1) {
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
			if (!optarg || !strcmp(optarg, "caps")) {
				min_caps = true;
			} else if (!strcmp(optarg, "syscalls")) {
				min_sys = true;
			} else if (!strcmp(optarg, "all")) {
				min_caps = min_sys = true;
			} else {
				cli_error("verify: --minimize=%s: expected caps, syscalls or all", optarg);
				return CP_EXIT_FAILURE;
			}
			break;
		case 'o':
			output = optarg;
			break;
		case O_RUNTIME:
			runtime = optarg;
			break;
		case O_NNP_ONLY:
			go.nnp_only = true;
			break;
		case O_NO_ARGS:
			go.no_args = true;
			break;
		case O_IGNORE_OUTPUT:
			v.ignore_output = true;
			break;
		case O_SANDBOX:
			v.sandbox = true;
			break;
		case O_DOCKER:
			dk.image = optarg;
			break;
		case O_DOCKER_ARG:
			dargs = cp_xreallocarray(dargs, dk.ndocker_args + 1, sizeof(char *));
			dargs[dk.ndocker_args++] = optarg;
			break;
		case 'h':
			usage(stdout);
			return CP_EXIT_OK;
		default:
			if (optopt && strchr("ipco", optopt))
				cli_error("verify: option \"%s\" needs an argument", argv[optind - 1]);
			else
				cli_error("verify: unknown option \"%s\" (try 'capprof verify --help')", argv[optind - 1]);
			return CP_EXIT_FAILURE;
		}
	}
	if (profile && (runtime || go.nnp_only || go.no_args)) {
		cli_error("verify: --runtime, --nnp and --no-args shape a derived profile; not with --profile");
		return CP_EXIT_FAILURE;
	}
	if ((dk.ndocker_args && !dk.image) || (dk.image && (v.sandbox || caps_given || min_caps || min_sys || output ||
						      go.nnp_only || go.no_args || nnp >= 0))) {
		cli_error("verify: --docker runs exactly what 'emit --docker-run' prints: not with --docker-arg alone, "
			  "--sandbox, --cap-add, --minimize, -o, --nnp, --no-args or --[no-]new-privileges");
		return CP_EXIT_FAILURE;
	}
	r = rec_load(input, &rec, err, sizeof(err));
	if (r < 0) {
		cli_error("%s: %s", input, err);
		return CP_EXIT_FAILURE;
	}
	/* Start the way the recording did, unless told otherwise. */
	if (!dk.image && !v.sandbox && rec->env_docker_image && !caps_given && !min_caps && !min_sys && !output &&
	    !go.nnp_only && !go.no_args && nnp < 0) {
		dk.image = rec->env_docker_image;
		dargs = cp_xreallocarray(dargs, rec->env_ndocker_args + 1, sizeof(char *));
		for (size_t i = 0; i < rec->env_ndocker_args; i++)
			dargs[i] = rec->env_docker_args[i];
		dk.ndocker_args = rec->env_ndocker_args;
		printf("verify: recorded in a container of %s: verifying with --docker %s\n", dk.image, dk.image);
	} else if (!dk.image && !v.sandbox && rec->env_sandbox) {
		v.sandbox = true;
		printf("verify: recorded with --sandbox: verifying on a fresh sandbox too\n");
	}
	if (dk.image) {
		dk.docker_args = dargs;
		dk.argv = optind < argc ? argv + optind : rec->argv;
		v.rec = rec;
		return verify_docker(&v, &dk, profile, runtime);
	}
	if (profile) {
		r = cp_read_file(profile, ENF_MAX_PROFILE, &text, &len);
		if (r < 0) {
			cli_error("%s: %s", profile, r == -EFBIG ? "too large for a seccomp profile" : strerror(-r));
			return CP_EXIT_FAILURE;
		}
	} else {
		/* As `capprof emit --docker [--runtime R] [--nnp] [--no-args]` would. */
		r = runtime && !strcmp(runtime, "none") ? 0 : gen_runtime_load(runtime ? runtime : "runc", &rt, err, sizeof(err));
		if (r == -ENOENT && !runtime) {
			printf("verify: runtime-runc.json not found: deriving the profile as 'emit --runtime none' "
			       "(the runtime's own calls do not run here)\n");
		} else if (r < 0) {
			cli_error("verify: --runtime %s: %s", runtime, err);
			return CP_EXIT_FAILURE;
		}
		go.runtime = rt;
		gen_policy_build(rec, &go, &pol);
		text = gen_docker_json(pol);
		len = strlen(text);
		printf("verify: profile derived from %s as 'capprof emit --docker --runtime %s%s%s'\n", input,
		       rt ? rt->name : "none", go.nnp_only ? " --nnp" : "", go.no_args ? " --no-args" : "");
	}
	r = enf_profile_parse(text, len, &prof, err, sizeof(err));
	if (r < 0) {
		cli_error("%s: %s", profile ? profile : "derived profile", err);
		goto out;
	}
	if (caps_given) {
		r = enf_caps_parse(capnames, ncaps, &caps, err, sizeof(err));
		if (r < 0) {
			cli_error("verify: %s", err);
			goto out;
		}
	} else {
		/* As `capprof emit --caps` would. */
		const char *names[CP_MAX_CAP];
		size_t n = gen_caps(rec, names);

		for (size_t k = 0; k < n; k++)
			caps |= 1ull << cp_cap_parse(names[k]);
	}
	v.argv = optind < argc ? argv + optind : rec->argv;
	if (!v.argv || !v.argv[0]) {
		cli_error("%s: no recorded command (give one after --)", input);
		goto out;
	}
	/* The recording (and -o) are written after we chdir to the recorded directory. */
	abs_input = realpath(input, NULL);
	if (!abs_input) {
		cli_error("%s: %s", input, strerror(errno));
		goto out;
	}
	if (output && output[0] != '/') {
		cp_autofree char *cwd = getcwd(NULL, 0);

		if (!cwd) {
			cli_error("verify: current directory: %s", strerror(errno));
			goto out;
		}
		abs_output = cp_xasprintf("%s/%s", cwd, output);
		output = abs_output;
	}
	if (rec->cwd && chdir(rec->cwd) < 0) {
		cli_error("%s: recorded directory %s: %s", input, rec->cwd, strerror(errno));
		goto out;
	}
	r = trace_resolve_command(v.argv[0], &path);
	if (r < 0) {
		cli_error("%s: %s", v.argv[0], r == -ENOENT ? "command not found" : strerror(-r));
		goto out;
	}
	/* Same user as the recording. */
	if (rec->uid != geteuid()) {
		cp_autofree char *spec = cp_xasprintf("%u:%u", rec->uid, rec->gid);

		if (enf_user_parse(spec, &v.user, err, sizeof(err)) < 0) {
			cli_error("verify: recorded user: %s", err);
			goto out;
		}
	}
	v.rec = rec;
	v.text = text;
	v.len = len;
	v.prof = prof;
	v.path = path;
	v.nnp = nnp >= 0 ? nnp : gen_nnp_ok(rec);

	r = run_once(&v, caps, NULL, &o);
	if (r < 0)
		goto out;
	pass = same_outcome(&v, &o, NULL);
	printf("verify: %s: exit status %d (recorded %d), %zu denial%s\n", pass ? "PASS" : "FAIL", o.exit_code,
	       rec->exit_code, o.rec->ndenied, o.rec->ndenied == 1 ? "" : "s");
	print_output(&v, o.rec);
	print_denials(&v, o.rec);
	print_missing_caps(rec, caps, pass);
	ret = pass ? CP_EXIT_OK : CP_EXIT_DIFFERS;
	if ((min_caps || min_sys) && !pass) {
		printf("verify: --minimize skipped: the profile and capabilities do not pass\n");
	} else {
		if (min_caps && minimize_caps(&v, rec, caps, abs_input) < 0)
			ret = CP_EXIT_FAILURE;
		if (ret != CP_EXIT_FAILURE && min_sys && minimize_syscalls(&v, caps, &drop) < 0)
			ret = CP_EXIT_FAILURE;
	}
	if (output && ret != CP_EXIT_FAILURE) {
		cp_autofree char *reduced = NULL;

		if (drop.n && pol) {
			reduced = policy_without(pol, &drop);
		} else if (drop.n) {
			printf("verify: %s gets the profile as given: remove the names above from %s yourself\n",
			       output, profile);
		}
		r = cp_write_atomic(output, reduced ? reduced : text, reduced ? strlen(reduced) : len, 0644);
		if (r < 0) {
			cli_error("%s: %s", output, strerror(-r));
			ret = CP_EXIT_FAILURE;
		} else {
			printf("verify: profile written to %s\n", output);
		}
	}
out:
	rec_free(o.rec);
	free(drop.v);
	enf_user_free(&v.user);
	gen_policy_free(pol);
	gen_runtime_free(rt);
	fflush(stdout);
	return ret;
}
