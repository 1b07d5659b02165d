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
#include "verify/verify.h"

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

/* Progress on stderr, verdicts on stdout (with the workload's output, in order). */
static void on_event(void *ctx, const struct vfy_event *e)
{
	(void)ctx;
	if (e->kind == VFY_EV_TRIAL) {
		fprintf(stderr, "capprof: verify: trial %u of %u: without %s (%.1fs)\n", e->trial, e->ntrials, e->what,
			(double)e->elapsed_ns / 1e9);
		return;
	}
	if (e->is_syscall)
		printf("  %-22s %s (%s)\n", e->what, e->same ? "not needed" : "needed", e->why);
	else
		printf("  %-18s %s (%s)\n", e->what, e->same ? "tolerated" : "required", e->why);
	fflush(stdout);
}

static void print_denial(const struct enf_profile *prof, const struct cp_evidence *d)
{
	const char *en = d->err ? cp_errno_name(d->err) : NULL;
	unsigned mask = enf_profile_arg_mask(prof, d->syscall);

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
static void print_denials(const struct enf_profile *prof, const struct cp_rec *r)
{
	for (size_t i = 0; i < r->ndenied; i++) {
		bool seen = false;

		for (size_t j = 0; j < i && !seen; j++)
			seen = !strcmp(r->denied[j].syscall, r->denied[i].syscall) &&
			       r->denied[j].err == r->denied[i].err;
		if (!seen)
			print_denial(prof, &r->denied[i]);
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

static void print_output(const struct vfy *v, const struct cp_rec *run)
{
	const char *why;
	int same = vfy_output_same(v, run, &why);

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

/* --docker IMAGE: docker run with the flags of emit --docker-run (sandbox/docker.c). */
static int verify_docker(const struct vfy *v, const struct dkr_opts *d, const char *profile, const char *runtime)
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
	pass = code == v->rec->exit_code && vfy_output_same(v, run, &why) != 0;
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

/* --minimize: verdicts printed as they come (on_event), written into the recording. */
static int minimize_caps(const struct vfy *v, struct cp_rec *rec, uint64_t caps, const char *input)
{
	struct vfy_cap_result res[CP_MAX_CAP];
	char err[1024];
	int r;

	printf("verify: minimizing capabilities:\n");
	r = vfy_minimize_caps(v, caps, res, err, sizeof(err));
	if (r < 0) {
		cli_error("verify: %s", err);
		return r;
	}
	if (vfy_apply_verdicts(rec, res)) {
		r = rec_save(rec, input);
		if (r < 0) {
			cli_error("%s: cannot rewrite the recording: %s", input, strerror(-r));
			return r;
		}
		printf("verify: verdicts written to %s\n", input);
	}
	return 0;
}

/* --minimize=syscalls: the names found unneeded go to *drop. */
static int minimize_syscalls(const struct vfy *v, const struct enf_profile *prof, uint64_t caps,
			     struct vfy_names *drop)
{
	cp_autofree const char **cand_v = NULL;
	struct vfy_names cand;
	char err[1024];
	int r;

	vfy_syscall_candidates(v->rec, prof, caps, &cand);
	cand_v = cand.v;
	printf("verify: minimizing syscalls (%zu the workload made and the profile allows):\n", cand.n);
	r = vfy_minimize_syscalls(v, caps, &cand, drop, err, sizeof(err));
	if (r < 0) {
		cli_error("verify: %s", err);
		return r;
	}
	printf("verify: syscalls not needed (%zu):", drop->n);
	for (size_t i = 0; i < drop->n; i++)
		printf(" %s", drop->v[i]);
	printf("\n");
	return 0;
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
	struct vfy_traced tr = { 0 };
	struct vfy_ops ops = { .run = vfy_traced_run, .event = on_event, .ctx = &tr };
	struct vfy v = { .ops = &ops };
	struct vfy_outcome o = { 0 };
	struct vfy_trial full = { 0 };
	struct vfy_names drop = { 0 };
	struct enf_user user = { 0 };
	size_t ncaps = 0, len = 0;
	uint64_t caps = 0;
	int nnp = -1, c, r, ret = CP_EXIT_FAILURE;
	bool min_caps = false, min_sys = false, caps_given = false, pass;
	char err[1024];
	struct cp_err gerr = { 0 };
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
			tr.sandbox = true;
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
	if ((dk.ndocker_args && !dk.image) || (dk.image && (tr.sandbox || caps_given || min_caps || min_sys || output ||
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
	if (!dk.image && !tr.sandbox && rec->env_docker_image && !caps_given && !min_caps && !min_sys && !output &&
	    !go.nnp_only && !go.no_args && nnp < 0) {
		dk.image = rec->env_docker_image;
		dargs = cp_xreallocarray(dargs, rec->env_ndocker_args + 1, sizeof(char *));
		for (size_t i = 0; i < rec->env_ndocker_args; i++)
			dargs[i] = rec->env_docker_args[i];
		dk.ndocker_args = rec->env_ndocker_args;
		printf("verify: recorded in a container of %s: verifying with --docker %s\n", dk.image, dk.image);
	} else if (!dk.image && !tr.sandbox && rec->env_sandbox) {
		tr.sandbox = true;
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
		r = runtime && !strcmp(runtime, "none") ? 0 : gen_runtime_load(runtime ? runtime : "runc", &rt, &gerr);
		if (r == -ENOENT && !runtime) {
			printf("verify: runtime-runc.json not found: deriving the profile as 'emit --runtime none' "
			       "(the runtime's own calls do not run here)\n");
		} else if (r < 0) {
			cli_error("verify: --runtime %s: %s", runtime, cp_err_str(&gerr));
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
	/* Say before running what the run cannot survive (as run does). */
	{
		struct enf_vital vital[8];
		size_t nv = enf_profile_vital_denied(prof, caps, vital, CP_ARRAY_SIZE(vital));

		if (enf_profile_unknown_key(prof))
			cli_warn("%s: key \"%s\" is not a seccomp profile key: Docker ignores it, and so does capprof",
				 profile ? profile : "derived profile", enf_profile_unknown_key(prof));
		for (size_t k = 0; k < nv && k < CP_ARRAY_SIZE(vital); k++)
			cli_warn("%s denies %s: %s", profile ? profile : "derived profile", vital[k].name, vital[k].why);
	}
	tr.argv = optind < argc ? argv + optind : rec->argv;
	if (!tr.argv || !tr.argv[0]) {
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
	r = trace_resolve_command(tr.argv[0], &path);
	if (r < 0) {
		cli_error("%s: %s", tr.argv[0], r == -ENOENT ? "command not found" : strerror(-r));
		goto out;
	}
	/* Same user as the recording. */
	if (rec->uid != geteuid()) {
		cp_autofree char *spec = cp_xasprintf("%u:%u", rec->uid, rec->gid);

		if (enf_user_parse(spec, &user, err, sizeof(err)) < 0) {
			cli_error("verify: recorded user: %s", err);
			goto out;
		}
	}
	v.rec = rec;
	tr.text = text;
	tr.len = len;
	tr.path = path;
	tr.user = &user;
	tr.nnp = nnp >= 0 ? nnp : gen_nnp_ok(rec);

	full.caps = caps;
	r = vfy_traced_run(&tr, &full, &o, err, sizeof(err));
	if (r < 0) {
		cli_error("verify: %s", err);
		goto out;
	}
	pass = vfy_same_outcome(&v, &o, &full);
	printf("verify: %s: exit status %d (recorded %d), %zu denial%s\n", pass ? "PASS" : "FAIL", o.exit_code,
	       rec->exit_code, o.rec->ndenied, o.rec->ndenied == 1 ? "" : "s");
	print_output(&v, o.rec);
	print_denials(prof, o.rec);
	print_missing_caps(rec, caps, pass);
	ret = pass ? CP_EXIT_OK : CP_EXIT_DIFFERS;
	if ((min_caps || min_sys) && !pass) {
		printf("verify: --minimize skipped: the profile and capabilities do not pass\n");
	} else {
		if (min_caps && minimize_caps(&v, rec, caps, abs_input) < 0)
			ret = CP_EXIT_FAILURE;
		if (ret != CP_EXIT_FAILURE && min_sys && minimize_syscalls(&v, prof, caps, &drop) < 0)
			ret = CP_EXIT_FAILURE;
	}
	if (output && ret != CP_EXIT_FAILURE) {
		cp_autofree char *reduced = NULL;

		if (drop.n && pol) {
			gen_policy_remove_allowed(pol, drop.v, drop.n);
			reduced = gen_docker_json(pol);
		} else if (drop.n) {
			printf("verify: %s gets the profile as given: remove the names above from %s yourself\n",
			       output, profile);
		}
		r = cp_write_atomic(output, reduced ? reduced : text, reduced ? strlen(reduced) : len, 0666);
		if (r < 0) {
			cli_error("%s: %s", output, strerror(-r));
			ret = CP_EXIT_FAILURE;
		} else {
			printf("verify: profile written to %s\n", output);
		}
	}
out:
	vfy_outcome_clear(&o);
	free(drop.v);
	enf_user_free(&user);
	gen_policy_free(pol);
	gen_runtime_free(rt);
	fflush(stdout);
	return ret;
}
