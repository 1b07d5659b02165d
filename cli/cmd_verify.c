// SPDX-License-Identifier: MIT
/*
 * capprof verify: re-run the recorded command enforced under a profile and a
 * capability set, traced, with the filter's deny actions turned into
 * RET_TRACE so that every denial is seen (the workload still gets the
 * profile's errno). Without --profile, the profile and capabilities are the
 * ones `capprof emit --docker` and `emit --caps` make from the recording.
 * Pass: no denial, the recorded exit status and the recorded output hash.
 * --minimize finds the capabilities (and with =syscalls the syscalls) the
 * workload needs for the same outcome, in the environment it was recorded
 * in (verify/minimize.c decides; this file parses and prints).
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
#include "sandbox/engine_args.h"
#include "sandbox/sandbox.h" /* --sandbox, --docker (docs/sandbox-and-docker.md) */
#include "tracer/tracer.h"
#include "verify/verify.h"

static void usage(FILE *f)
{
	fputs("Usage: capprof verify [-i FILE] [--profile JSON] [--cap-add CAP]... [--minimize[=caps|syscalls|all]]\n"
	      "                      [--runtime runc|crun|none] [--nnp] [--no-args] [--ignore-output] [-o FILE]\n"
	      "                      [--sandbox | --in-place | --docker|--podman IMAGE [--docker-arg ARG]...] [-- CMD [ARG]...]\n"
	      "Re-run the recorded command (or CMD) in the recorded directory as the recorded user,\n"
	      "enforced under the profile and capabilities and traced: report every denied syscall and\n"
	      "whether the outcome (exit status, output) matches the recording. It runs where the\n"
	      "recording was made: in a container of the recorded image for record --docker, on a\n"
	      "fresh overlay for record --sandbox, else on this host.\n\n"
	      "  -i, --input FILE          the recording (default capprof.json)\n"
	      "  -p, --profile JSON        the Docker seccomp profile to verify (default: the one\n"
	      "                            'capprof emit --docker' makes from the recording)\n"
	      "  -c, --cap-add CAP         capability to grant (default: 'capprof emit --caps'; with\n"
	      "                            --minimize every capability the recording hit)\n"
	      "      --runtime NAME        deriving the profile: as emit --runtime (default runc when\n"
	      "                            its data is installed, else none)\n"
	      "      --nnp, --no-args      deriving the profile: as emit --nnp, --no-args\n"
	      "  -n, --no-new-privileges   set no_new_privs (default: when no set-id or file-capability\n"
	      "                            binary ran in the recording)\n"
	      "      --new-privileges      do not set no_new_privs\n"
	      "      --ignore-output       do not compare output (exit status and denials only)\n"
	      "  -m, --minimize[=WHAT]     caps (the default): find the capabilities the workload needs\n"
	      "                            for the same outcome (exit status, stdout, stderr, denials)\n"
	      "                            and mark each required or tolerated in the recording\n"
	      "                            (rewritten atomically), with what happened without it;\n"
	      "                            syscalls: find the allowed syscalls it does not need; all:\n"
	      "                            both. Two runs with everything granted first: output lines\n"
	      "                            that differ between them are masked. Each trial starts\n"
	      "                            from the same state: a fresh container (--docker\n"
	      "                            recordings) or a fresh overlay (--sandbox recordings and,\n"
	      "                            unless --in-place, host recordings). Progress on stderr\n"
	      "  -o, --output FILE         write the profile verified (after --minimize=syscalls, the\n"
	      "                            reduced one) to FILE\n"
	      "      --sandbox             run on a fresh throw-away overlay of the host (as record\n"
	      "                            --sandbox), so every run starts from the same state\n"
	      "      --in-place            run on this host as it is; with --minimize each trial sees\n"
	      "                            what the ones before it left (a warning says so)\n"
	      "      --docker IMAGE        run in a container of IMAGE: 'docker run' with exactly the\n"
	      "                            flags 'capprof emit --docker-run' prints; compares exit\n"
	      "                            status and output (a container shows no denials)\n"
	      "      --docker-arg ARG      pass ARG to 'docker run' (repeat). Arguments that widen the\n"
	      "                            container's privileges (--privileged, --cap-add, --device,\n"
	      "                            host namespaces, unconfined --security-opt, host system\n"
	      "                            paths bound) are refused when they come from the recording\n"
	      "      --podman IMAGE        as --docker, with podman (default runtime crun) as the engine\n"
	      "      --no-run              show what would run (command, user, capabilities, engine\n"
	      "                            arguments) and check the profile, without running anything\n"
	      "  -h, --help                this help\n\n"
	      "Exit status: 0 pass, 1 fail, 125 error (also when the environment the recording asks for\n"
	      "cannot be honoured). See docs/run-verify.md, docs/sandbox-and-docker.md.\n",
	      f);
}

enum env { ENV_HOST, ENV_SANDBOX, ENV_DOCKER };

/*
 * What will run, before it runs (a recording is data anyone may have
 * written): the command, the user, the capabilities and where, with the
 * engine's arguments.
 */
static void show_plan(const struct cp_rec *rec, char *const *cmd, enum env env, const struct dkr_opts *dk,
		      bool args_from_rec, const char *profile, uint64_t caps, bool no_run)
{
	printf("verify: %s:", no_run ? "would run (--no-run: nothing is run)" : "will run");
	for (size_t i = 0; cmd && cmd[i]; i++)
		printf(" %s", cmd[i]);
	printf("\n  as uid %u gid %u in %s\n", rec->uid, rec->gid, rec->cwd ? rec->cwd : "(current directory)");
	if (env == ENV_DOCKER) {
		printf("  in a container of %s, docker run arguments from %s:", dk->image,
		       args_from_rec ? "the recording" : "the command line");
		for (size_t i = 0; i < dk->ndocker_args; i++)
			printf(" %s", dk->docker_args[i]);
		printf("%s\n", dk->ndocker_args ? "" : " (none)");
		return;
	}
	printf("  %s, profile %s, capabilities:",
	       env == ENV_SANDBOX ? "on a throw-away overlay of this host" : "on this host",
	       profile ? profile : "derived from the recording");
	for (int c = 0; c < CP_MAX_CAP; c++)
		if (caps & (1ull << c))
			printf(" %s", cp_cap_name(c));
	printf("%s\n", caps ? "" : " (none)");
	fflush(stdout);
}

/* Progress on stderr: each trial and its result as it comes. */
static void on_event(void *ctx, const struct vfy_event *e)
{
	(void)ctx;
	if (e->kind == VFY_EV_TRIAL)
		fprintf(stderr, "capprof: minimize: trial %u of %u: without %s (%.1fs elapsed)\n", e->trial, e->ntrials,
			e->what, (double)e->elapsed_ns / 1e9);
	else if (e->same && !strcmp(e->why, "outcome unchanged"))
		fprintf(stderr, "capprof: minimize:   outcome unchanged\n");
	else
		fprintf(stderr, "capprof: minimize:   %s (%s)\n", e->same ? "outcome unchanged" : "outcome changed",
			e->why);
}

static void print_denial(const struct enf_profile *prof, const struct cp_evidence *d)
{
	const char *en = d->err ? cp_errno_name(d->err) : NULL;
	unsigned mask = enf_profile_arg_mask(prof, d->syscall);

	printf("  denied: %s (%s) pid %d exe %s args [", d->syscall,
	       cp_arch_name(d->arch) ? cp_arch_name(d->arch) : "?", d->pid, d->exe ? d->exe : "?");
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

/* --docker IMAGE: docker run with the flags of emit --docker-run (verify/run_docker.c). */
static int verify_docker(const struct vfy *v, const struct dkr_opts *d, const char *profile, const char *runtime)
{
	cp_autorec *run = rec_new();
	cp_autostrv flags = { 0 };
	const char *why;
	struct cp_err err = { 0 };
	int code, r;
	bool pass;

	fflush(stdout);
	r = vfy_docker_verify(v->rec, d, profile, runtime, run, &flags, &code, &err);
	if (r < 0) {
		cli_error("verify --docker %s: %s", d->image, cp_err_str(&err));
		return CP_EXIT_FAILURE;
	}
	pass = code == v->rec->exit_code && vfy_output_same(v, run, &why) != 0;
	printf("verify: %s: exit status %d (recorded %d) in a container of %s\n", pass ? "PASS" : "FAIL", code,
	       v->rec->exit_code, d->image);
	print_output(v, run);
	printf("  docker run flags:");
	for (size_t i = 0; i < flags.n; i++)
		printf(" %s", flags.v[i]);
	printf("\n");
	if (!pass)
		printf("  (a container reports no denials: 'capprof verify' without --docker shows them)\n");
	return pass ? CP_EXIT_OK : CP_EXIT_DIFFERS;
}

/* What the reference could not compare, and what it masked. */
static void print_ref(const struct vfy_ref *ref)
{
	if (!ref->captured)
		printf("  output: not compared (not captured)\n");
	if (ref->out.why[0])
		printf("  %s\n", ref->out.why);
	if (ref->err.why[0])
		printf("  %s\n", ref->err.why);
	if (!ref->denials_seen)
		printf("  denials: not seen in a container (exit status and output decide)\n");
}

static void print_stats(const char *what, const struct vfy_stats *st, size_t n)
{
	printf("verify: %s: %u trial%s for %zu, %.1fs (and 2 runs with everything granted first)\n", what, st->trials,
	       st->trials == 1 ? "" : "s", n, (double)st->elapsed_ns / 1e9);
}

/* --minimize: verdicts printed and written into the recording. */
static int minimize_caps(const struct vfy *v, struct cp_rec *rec, uint64_t caps, const char *input)
{
	struct vfy_cap_result res[CP_MAX_CAP];
	struct vfy_stats st = { 0 };
	struct cp_err err = { 0 };
	int r;

	printf("verify: minimizing capabilities (%d):\n", __builtin_popcountll(caps));
	fflush(stdout);
	r = vfy_minimize_caps(v, caps, res, &st, &err);
	if (r < 0) {
		cli_error("verify: %s", cp_err_str(&err));
		vfy_cap_results_clear(res);
		return r;
	}
	for (int c = 0; c < CP_MAX_CAP; c++) {
		if (!res[c].tried)
			continue;
		printf("  %-18s %s (%s)\n", cp_cap_name(c), res[c].same ? "tolerated" : "required", res[c].why);
	}
	print_stats("capabilities", &st, (size_t)__builtin_popcountll(caps));
	if (vfy_apply_verdicts(rec, res)) {
		r = rec_save(rec, input);
		if (r < 0) {
			cli_error("%s: cannot rewrite the recording: %s", input, strerror(-r));
			vfy_cap_results_clear(res);
			return r;
		}
		printf("verify: verdicts written to %s\n", input);
	}
	vfy_cap_results_clear(res);
	return 0;
}

/* --minimize=syscalls: the names found unneeded go to *drop. */
static int minimize_syscalls(const struct vfy *v, const struct enf_profile *prof, uint64_t caps, struct vfy_names *drop)
{
	cp_autofree const char **cand_v = NULL;
	cp_autofree struct vfy_sys_result *res = NULL;
	struct vfy_stats st = { 0 };
	struct vfy_names cand;
	struct cp_err err = { 0 };
	int r;

	vfy_syscall_candidates(v->rec, prof, caps, &cand);
	cand_v = cand.v;
	res = cp_xcalloc(cand.n + 1, sizeof(*res));
	printf("verify: minimizing syscalls (%zu the workload made and the profile allows):\n", cand.n);
	fflush(stdout);
	r = vfy_minimize_syscalls(v, caps, &cand, res, drop, &st, &err);
	if (r < 0) {
		cli_error("verify: %s", cp_err_str(&err));
		return r;
	}
	for (size_t i = 0; i < cand.n; i++)
		printf("  %-22s %s (%s)\n", cand.v[i], res[i].same ? "not needed" : "needed", res[i].why);
	print_stats("syscalls", &st, cand.n);
	printf("verify: syscalls not needed (%zu):", drop->n);
	for (size_t i = 0; i < drop->n; i++)
		printf(" %s", drop->v[i]);
	printf("\n");
	return 0;
}

/* Where the runs happen. */

enum {
	O_RUNTIME = 256,
	O_NNP_ONLY,
	O_NO_ARGS,
	O_IGNORE_OUTPUT,
	O_SANDBOX,
	O_DOCKER,
	O_DOCKER_ARG,
	O_IN_PLACE,
	O_NO_RUN,
	O_PODMAN,
};

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
		{ "in-place", no_argument, NULL, O_IN_PLACE },
		{ "docker", required_argument, NULL, O_DOCKER },
		{ "docker-arg", required_argument, NULL, O_DOCKER_ARG },
		{ "no-run", no_argument, NULL, O_NO_RUN },
		{ "podman", required_argument, NULL, O_PODMAN },
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
	struct vfy_docker vd = { 0 };
	struct vfy_ops ops = { .event = on_event };
	struct vfy v = { .ops = &ops };
	struct vfy_outcome o = { 0 };
	struct vfy_trial full = { 0 };
	struct vfy_names drop = { 0 };
	struct vfy_ref ref = { 0 };
	struct enf_user user = { 0 };
	struct cp_rec view;
	size_t ncaps = 0, len = 0;
	uint64_t caps = 0;
	int nnp = -1, c, r, ret = CP_EXIT_FAILURE;
	bool no_run = false, args_from_rec = false;
	size_t bad;
	bool min_caps = false, min_sys = false, caps_given = false, pass, sandbox = false, in_place = false;
	enum env env;
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
			sandbox = true;
			break;
		case O_IN_PLACE:
			in_place = true;
			break;
		case O_DOCKER:
		case O_PODMAN:
			dk.image = optarg;
			dk.engine = c == O_PODMAN ? "podman" : NULL;
			break;
		case O_DOCKER_ARG:
			dargs = cp_xreallocarray(dargs, dk.ndocker_args + 1, sizeof(char *));
			dargs[dk.ndocker_args++] = optarg;
			break;
		case O_NO_RUN:
			no_run = true;
			break;
		case 'h':
			usage(stdout);
			return CP_EXIT_OK;
		default:
			if (optopt && strchr("ipco", optopt))
				cli_error("verify: option \"%s\" needs an argument", argv[optind - 1]);
			else
				cli_error("verify: unknown option \"%s\" (try 'capprof verify --help')",
					  argv[optind - 1]);
			return CP_EXIT_FAILURE;
		}
	}
	if (profile && (runtime || go.nnp_only || go.no_args)) {
		cli_error("verify: --runtime, --nnp and --no-args shape a derived profile; not with --profile");
		return CP_EXIT_FAILURE;
	}
	if ((sandbox + in_place + !!dk.image) > 1) {
		cli_error("verify: --sandbox, --in-place and --docker each say where to run: give one");
		return CP_EXIT_FAILURE;
	}
	if (dk.ndocker_args && !dk.image) {
		cli_error("verify: --docker-arg without --docker");
		return CP_EXIT_FAILURE;
	}
	r = rec_load(input, &rec, &gerr);
	if (r < 0) {
		cli_error("%s: %s", input, cp_err_str(&gerr));
		return CP_EXIT_FAILURE;
	}
	/*
	 * Where to run: where the user says, else where the recording was
	 * made. A host recording is minimised on fresh overlays, so that each
	 * trial starts from the same state, unless --in-place.
	 */
	if (dk.image) {
		env = ENV_DOCKER;
		if (min_caps || min_sys)
			printf("verify: minimizing in a fresh container per trial of %s\n", dk.image);
	} else if (sandbox) {
		env = ENV_SANDBOX;
	} else if (in_place) {
		env = ENV_HOST;
		if (rec->env_docker_image || rec->env_sandbox)
			cli_warn("verify: --in-place: recorded %s%s, running on this host as told",
				 rec->env_docker_image ? "in a container of " : "with --sandbox",
				 rec->env_docker_image ? rec->env_docker_image : "");
	} else if (rec->env_docker_image) {
		env = ENV_DOCKER;
		dk.image = rec->env_docker_image;
		dargs = cp_xreallocarray(dargs, rec->env_ndocker_args + 1, sizeof(char *));
		for (size_t i = 0; i < rec->env_ndocker_args; i++)
			dargs[i] = rec->env_docker_args[i];
		dk.ndocker_args = rec->env_ndocker_args;
		args_from_rec = true;
		/* The recording is data anyone may have written: it must not widen the container's privileges. */
		if (dkr_args_check(dargs, dk.ndocker_args, &bad, &gerr) < 0) {
			cli_error(
				"%s: recorded docker argument %s; refusing it (give --docker %s with the --docker-arg "
				"values you trust to run anyway)",
				input, cp_err_str(&gerr), dk.image);
			return CP_EXIT_FAILURE;
		}
		printf("verify: recorded in a container of %s: verifying in %s of %s\n", dk.image,
		       min_caps || min_sys ? "a fresh container per trial" : "a container", dk.image);
	} else if (rec->env_sandbox) {
		env = ENV_SANDBOX;
		printf("verify: recorded with --sandbox: verifying on a fresh sandbox%s too\n",
		       min_caps || min_sys ? " per trial" : "");
	} else if (min_caps || min_sys) {
		env = ENV_SANDBOX;
		printf("verify: minimizing on a fresh overlay of this host per trial (--in-place to run on the host "
		       "as it is)\n");
	} else {
		env = ENV_HOST;
	}
	if (env == ENV_HOST && (min_caps || min_sys))
		cli_warn("verify: --in-place: each trial sees the state the ones before it left; verdicts may "
			 "reflect that state rather than the capability");
	if (env == ENV_DOCKER && (go.nnp_only || go.no_args || nnp >= 0)) {
		cli_error("verify: runs in a container of %s: --nnp, --no-args and --[no-]new-privileges cannot be "
			  "honoured there (the flags are those of 'emit --docker-run'); give --sandbox or --in-place "
			  "to run on this host instead",
			  dk.image);
		return CP_EXIT_FAILURE;
	}
	if (env == ENV_DOCKER && !min_caps && !min_sys && !caps_given && !output) {
		dk.docker_args = dargs;
		dk.argv = optind < argc ? argv + optind : rec->argv;
		show_plan(rec, dk.argv, env, &dk, args_from_rec, NULL, 0, no_run);
		if (no_run)
			return CP_EXIT_OK;
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
		const char *rname = runtime;

		if (!rname && env == ENV_DOCKER) {
			rname = "runc";
			for (size_t i = 0; i < dk.ndocker_args; i++) {
				if (!strncmp(dargs[i], "--runtime=", 10))
					rname = dargs[i] + 10;
				else if (!strcmp(dargs[i], "--runtime") && i + 1 < dk.ndocker_args)
					rname = dargs[i + 1];
			}
		}
		r = rname && !strcmp(rname, "none") ? 0 : gen_runtime_load(rname ? rname : "runc", &rt, &gerr);
		if (r == -ENOENT && !rname) {
			printf("verify: runtime-runc.json not found: deriving the profile as 'emit --runtime none' "
			       "(the runtime's own calls do not run here)\n");
		} else if (r < 0) {
			cli_error("verify: --runtime %s: %s", rname, cp_err_str(&gerr));
			return CP_EXIT_FAILURE;
		}
		go.runtime = rt;
		/* Minimising starts from everything hit; plain verify checks what emit gives. */
		if (min_caps || min_sys)
			view = *rec;
		else
			gen_least_view(rec, &view);
		gen_policy_build(&view, &go, &pol);
		text = gen_docker_json(pol);
		len = strlen(text);
		printf("verify: profile derived from %s as 'capprof emit --docker --runtime %s%s%s%s'\n", input,
		       rt ? rt->name : "none", go.nnp_only ? " --nnp" : "", go.no_args ? " --no-args" : "",
		       min_caps || min_sys ? " --keep-tolerated" : "");
	}
	r = enf_profile_parse(text, len, &prof, &gerr);
	if (r < 0) {
		cli_error("%s: %s", profile ? profile : "derived profile", cp_err_str(&gerr));
		goto out;
	}
	if (caps_given) {
		r = enf_caps_parse(capnames, ncaps, &caps, &gerr);
		if (r < 0) {
			cli_error("verify: %s", cp_err_str(&gerr));
			goto out;
		}
	} else {
		/* As `capprof emit --caps` would (with --minimize: every capability hit). */
		const char *names[CP_MAX_CAP];
		size_t n;

		if (min_caps || min_sys)
			view = *rec;
		else
			gen_least_view(rec, &view);
		n = gen_caps(&view, names);
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
			cli_warn("%s denies %s: %s", profile ? profile : "derived profile", vital[k].name,
				 vital[k].why);
	}
	tr.argv = optind < argc ? argv + optind : rec->argv;
	if (!tr.argv || !tr.argv[0]) {
		cli_error("%s: no recorded command (give one after --)", input);
		goto out;
	}
	dk.docker_args = dargs;
	show_plan(rec, tr.argv, env, &dk, args_from_rec, profile, caps, no_run);
	if (no_run) {
		ret = CP_EXIT_OK;
		goto out;
	}
	/* The recording (and -o) are written after we chdir to the recorded directory. */
	if (!strcmp(input, "-")) {
		/* Read from stdin: there is no file to write the verdicts back into. */
		if (min_caps) {
			cli_error(
				"verify: --minimize writes its verdicts into the recording: give it as a file, not -");
			goto out;
		}
	} else if (!(abs_input = realpath(input, NULL))) {
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
	v.rec = rec;
	if (env == ENV_DOCKER) {
		vd.rec = rec;
		vd.image = dk.image;
		vd.docker_args = dargs;
		vd.ndocker_args = dk.ndocker_args;
		vd.argv = tr.argv;
		vd.profile_text = profile ? text : NULL;
		vd.runtime = rt;
		ops.run = vfy_docker_run;
		ops.ctx = &vd;
	} else {
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

			if (enf_user_parse(spec, &user, &gerr) < 0) {
				cli_error("verify: recorded user: %s", cp_err_str(&gerr));
				goto out;
			}
		}
		tr.text = text;
		tr.len = len;
		tr.path = path;
		tr.user = &user;
		tr.nnp = nnp >= 0 ? nnp : gen_nnp_ok(rec);
		tr.sandbox = env == ENV_SANDBOX;
		ops.run = vfy_traced_run;
		ops.ctx = &tr;
		ops.can_add = true;
	}

	full.caps = caps;
	/* Minimising: the output is captured (and compared line by line), not shown. */
	full.capture = min_caps || min_sys || env == ENV_DOCKER;
	r = ops.run(ops.ctx, &full, &o, &gerr);
	if (r < 0) {
		cli_error("verify: %s", cp_err_str(&gerr));
		goto out;
	}
	pass = vfy_same_outcome(&v, &o, &full);
	if (env == ENV_DOCKER)
		printf("verify: %s: exit status %d (recorded %d) in a container of %s\n", pass ? "PASS" : "FAIL",
		       o.exit_code, rec->exit_code, dk.image);
	else
		printf("verify: %s: exit status %d (recorded %d), %zu denial%s\n", pass ? "PASS" : "FAIL", o.exit_code,
		       rec->exit_code, o.rec->ndenied, o.rec->ndenied == 1 ? "" : "s");
	print_output(&v, o.rec);
	print_denials(prof, o.rec);
	print_missing_caps(rec, caps, pass);
	ret = pass ? CP_EXIT_OK : CP_EXIT_DIFFERS;
	if (min_caps || min_sys) {
		/*
		 * The reference is this run and a second one with everything
		 * granted; output that differs from the recording's does not
		 * stop minimisation (the recording's stdout may have been
		 * captured another way), a different exit status or a denial does.
		 */
		if (o.exit_code != rec->exit_code || vfy_hard_denials(o.rec, &full, NULL)) {
			printf("verify: --minimize skipped: the profile and capabilities do not pass\n");
			goto write;
		}
		r = vfy_baseline(&v, &full, &o, &ref, &gerr);
		if (r < 0) {
			cli_error("verify: --minimize: %s", cp_err_str(&gerr));
			ret = CP_EXIT_FAILURE;
			goto out;
		}
		v.ref = &ref;
		print_ref(&ref);
		if (min_caps && minimize_caps(&v, rec, caps, abs_input) < 0)
			ret = CP_EXIT_FAILURE;
		if (ret != CP_EXIT_FAILURE && min_sys && minimize_syscalls(&v, prof, caps, &drop) < 0)
			ret = CP_EXIT_FAILURE;
	}
write:
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
	vfy_ref_clear(&ref);
	vfy_docker_cleanup(&vd);
	free(drop.v);
	enf_user_free(&user);
	gen_policy_free(pol);
	gen_runtime_free(rt);
	fflush(stdout);
	return ret;
}
