// SPDX-License-Identifier: MIT
/* capprof record: trace a command and write its recording. */
#include "cli/cli.h"
#include "common/recording.h"
#include "generator/gen.h"
#include "sandbox/sandbox.h"
#include "tracer/tracer.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

static void usage(FILE *f)
{
	fputs("Usage: capprof record [-o FILE] [--no-caps] [--quiet] [--sandbox [--keep-changes DIR]]\n"
	      "                      [--docker|--podman IMAGE [--docker-arg ARG]...] [--minimize[=WHAT]] -- CMD [ARG]...\n"
	      "Run CMD and its whole process tree under the tracer; record every syscall, the\n"
	      "argument values a profile can use, the executed binaries and (unless --no-caps)\n"
	      "every capability the workload exercised.\n\n"
	      "  -o, --output FILE  write the recording to FILE (default capprof.json), atomically\n"
	      "      --no-caps      do not run the capability retry engine (faster)\n"
	      "      --baseline FILE  an earlier recording or a Docker profile: what FILE allows\n"
	      "                     runs without stopping (only new calls and argument values are\n"
	      "                     traced; with capabilities, only calls that cannot need one\n"
	      "                     FILE's recording did not prove); the recording marks those\n"
	      "                     syscalls and capabilities \"inherited\" (CI fast path)\n"
	      "  -q, --quiet        no progress line on stderr\n"
	      "      --stats        print syscalls, processes and capprof's peak memory at the end\n"
	      "      --sandbox      run CMD on a throw-away overlay of the host's filesystems, in a\n"
	      "                     private mount namespace: files it writes stay there, /dev/shm is\n"
	      "                     private, /proc/sys read-only, Docker's and other engines' sockets\n"
	      "                     hidden. NOT isolated: the host's processes (pid namespace: it can\n"
	      "                     see and signal them), network (namespace: sockets, daemons on\n"
	      "                     localhost), writes to /sys and /dev devices, and the kernel itself\n"
	      "      --keep-changes DIR  with --sandbox: keep the overlay's upper layers in DIR\n"
	      "      --docker IMAGE run CMD in a container of IMAGE (all capabilities, no seccomp\n"
	      "                     filter); capprof runs inside it from the host's files\n"
	      "      --docker-arg ARG  pass ARG to 'docker run' (repeat: --docker-arg --network=host)\n"
	      "      --podman IMAGE  as --docker, with podman as the engine (--docker-arg goes to\n"
	      "                     'podman run'); verify it with 'verify --podman IMAGE'\n"
	      "      --minimize[=WHAT]  then run 'capprof verify --minimize[=WHAT]' on the recording, in\n"
	      "                     the same environment (a fresh container or overlay per trial):\n"
	      "                     the recording gets verdicts, and emit grants only the required\n"
	      "                     capabilities. WHAT: caps (default), syscalls, all\n"
	      "      --no-output-hash  do not hash stdout (by default its SHA-256 is recorded for\n"
	      "                     verify without changing its kind: a regular file is read back,\n"
	      "                     a pipe or socket gets one of the same kind in between;\n"
	      "                     /dev/null, devices and terminals are left alone, not hashed)\n"
	      "  -h, --help         this help\n\n"
	      "Exit status: CMD's (128+N if signal N killed it); 125 capprof failed (with --minimize:\n"
	      "also when the derived profile does not reproduce the run),\n"
	      "126 CMD not executable, 127 CMD not found.\n",
	      f);
}

/* --podman IMAGE: --docker with podman as the client (Podman takes the same run flags). */
static const char *record_engine;

/* In the traced child with --sandbox: enter the sandbox, then load the tracer's filter. */
static int record_child_setup(void *arg)
{
	int r = sbx_enter(arg);

	return r < 0 ? r : trace_load_filter();
}

/* --docker IMAGE: capprof record runs inside the container; its recording is saved here. */
static int record_docker(const char *image, char **dargs, size_t ndargs, char **cmd, const char *out, bool caps,
			 bool quiet, bool stats, bool hash_output)
{
	struct dkr_opts d = {
		.image = image, .engine = record_engine, .docker_args = dargs, .ndocker_args = ndargs, .argv = cmd
	};
	char *inner[4];
	size_t ninner = 0;
	cp_autorec *rec = NULL;
	struct cp_err err = { 0 };
	int code, r;

	if (!caps)
		inner[ninner++] = "--no-caps";
	if (quiet)
		inner[ninner++] = "--quiet";
	if (stats)
		inner[ninner++] = "--stats";
	if (!hash_output)
		inner[ninner++] = "--no-output-hash";
	r = dkr_record(&d, inner, ninner, &rec, &code, &err);
	if (r < 0) {
		cli_error("record --docker %s: %s", image, cp_err_str(&err));
		return CP_EXIT_FAILURE;
	}
	if (!rec) {
		cli_error("record --docker %s: the container left no recording (docker exited %d)", image, code);
		return code ? code : CP_EXIT_FAILURE;
	}
	/* So that verify can run it the same way. */
	free(rec->env_docker_image);
	rec->env_docker_image = cp_xstrdup(image);
	rec->env_docker_args = cp_xcalloc(ndargs + 1, sizeof(char *));
	for (size_t i = 0; i < ndargs; i++)
		rec->env_docker_args[i] = cp_xstrdup(dargs[i]);
	rec->env_ndocker_args = ndargs;
	r = rec_save(rec, out);
	if (r < 0) {
		cli_error("%s: cannot write recording: %s", out, cli_write_strerror(r));
		return CP_EXIT_FAILURE;
	}
	if (!quiet && isatty(2))
		fprintf(stderr, "capprof: %zu distinct syscalls recorded in %s to %s\n", rec_count_syscalls(rec), image,
			out);
	return code;
}

static void baseline_freep(struct trace_baseline **b)
{
	trace_baseline_free(*b);
}

/* --minimize: verify --minimize on the recording just written, where it was made. */
/*
 * --minimize: verify --minimize on the recording just written, where it was
 * made. The docker image and arguments are passed as given on this command
 * line: the user gave them, so verify need not distrust them as recorded ones.
 */
static int record_minimize(const char *out, const char *what, int code, const char *image, char **dargs, size_t ndargs)
{
	cp_autofree char *opt = cp_xasprintf("--minimize=%s", what ? what : "caps");
	cp_autofree char **vargv = cp_xcalloc(7 + 2 * ndargs, sizeof(char *));
	int n = 0, r;

	vargv[n++] = "verify";
	vargv[n++] = "-i";
	vargv[n++] = (char *)out;
	vargv[n++] = opt;
	if (image) {
		vargv[n++] = "--docker";
		vargv[n++] = (char *)image;
		for (size_t i = 0; i < ndargs; i++)
			vargv[n++] = cp_xasprintf("--docker-arg=%s", dargs[i]);
	}
	fflush(stdout);
	fprintf(stderr, "capprof: record: minimizing in the environment of the recording (%s)\n", opt);
	r = cmd_verify(n, vargv);
	for (int i = image ? 6 : n; i < n; i++)
		free(vargv[i]);
	if (r == CP_EXIT_OK)
		return code;
	if (r == CP_EXIT_DIFFERS)
		cli_error(
			"record --minimize: the derived profile does not reproduce the run: no verdicts written to %s",
			out);
	return CP_EXIT_FAILURE;
}

int cmd_record(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },   { "no-caps", no_argument, NULL, 'C' },
		{ "quiet", no_argument, NULL, 'q' },	      { "stats", no_argument, NULL, 'S' },
		{ "sandbox", no_argument, NULL, 'X' },	      { "keep-changes", required_argument, NULL, 'K' },
		{ "docker", required_argument, NULL, 'D' },   { "docker-arg", required_argument, NULL, 'A' },
		{ "podman", required_argument, NULL, 'P' },   { "no-output-hash", no_argument, NULL, 'H' },
		{ "baseline", required_argument, NULL, 'B' }, { "minimize", optional_argument, NULL, 'M' },
		{ "help", no_argument, NULL, 'h' },	      { 0 },
	};
	const char *out = "capprof.json", *keep = NULL, *image = NULL, *minimize = NULL, *baseline = NULL;
	cp_autorec *base = NULL;
	cp_cleanup(baseline_freep) struct trace_baseline *tb = NULL;
	bool caps = true, quiet = false, stats = false, hash_output = true, sandbox = false, min = false;
	cp_autofree char **dargs = NULL;
	size_t ndargs = 0;
	struct sbx *sb = NULL;
	struct cp_err serr = { 0 };
	struct trace_opts o = { 0 };
	struct trace_result res;
	cp_autorec *rec = NULL;
	cp_autofree char *path = NULL;
	int c, r;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+o:qh", longopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			out = optarg;
			break;
		case 'C':
			caps = false;
			break;
		case 'q':
			quiet = true;
			break;
		case 'S':
			stats = true;
			break;
		case 'X':
			sandbox = true;
			break;
		case 'K':
			keep = optarg;
			break;
		case 'D':
		case 'P':
			image = optarg;
			record_engine = c == 'P' ? "podman" : NULL;
			break;
		case 'A':
			dargs = cp_xreallocarray(dargs, ndargs + 1, sizeof(char *));
			dargs[ndargs++] = optarg;
			break;
		case 'H':
			hash_output = false;
			break;
		case 'B':
			baseline = optarg;
			break;
		case 'M':
			if (optarg && strcmp(optarg, "caps") && strcmp(optarg, "syscalls") && strcmp(optarg, "all")) {
				cli_error("record: --minimize=%s: expected caps, syscalls or all", optarg);
				return CP_EXIT_FAILURE;
			}
			min = true;
			minimize = optarg;
			break;
		case 'h':
			usage(stdout);
			return CP_EXIT_OK;
		default:
			if (optopt && strchr("KDABP", optopt))
				cli_error("record: option \"%s\" needs a value", argv[optind - 1]);
			else if (optopt)
				cli_error("record: option -%c %s", optopt,
					  strchr("o", optopt) ? "needs a value" : "is unknown");
			else
				cli_error("record: unknown option \"%s\" (try 'capprof record --help')",
					  argv[optind - 1]);
			return CP_EXIT_FAILURE;
		}
	}
	if (optind >= argc) {
		cli_error("record: no command given (usage: capprof record [OPTION]... -- CMD [ARG]...)");
		return CP_EXIT_FAILURE;
	}
	if (!out || !*out) {
		cli_error("record: -o: empty file name");
		return CP_EXIT_FAILURE;
	}
	if (keep && !sandbox) {
		cli_error("record: --keep-changes needs --sandbox");
		return CP_EXIT_FAILURE;
	}
	if (ndargs && !image) {
		cli_error("record: --docker-arg needs --docker IMAGE");
		return CP_EXIT_FAILURE;
	}
	if (image && sandbox) {
		cli_error("record: --docker and --sandbox: choose one (a container is already a sandbox)");
		return CP_EXIT_FAILURE;
	}
	if (baseline && image) {
		cli_error("record: --baseline with --docker is not supported yet (record without --baseline)");
		return CP_EXIT_FAILURE;
	}
	if (min && !caps) {
		cli_error("record: --minimize needs the capabilities traced: not with --no-caps");
		return CP_EXIT_FAILURE;
	}
	if (image) {
		r = record_docker(image, dargs, ndargs, argv + optind, out, caps, quiet, stats, hash_output);
		/* record_docker returns the workload's status (or 125-127 when docker or capprof failed). */
		if (!min || r >= CP_EXIT_FAILURE || access(out, F_OK) < 0)
			return r;
		return record_minimize(out, minimize, r, image, dargs, ndargs);
	}
	r = trace_resolve_command(argv[optind], &path);
	if (r < 0) {
		cli_error("%s: %s", argv[optind], r == -ENOENT ? "command not found" : strerror(-r));
		return r == -ENOENT ? CP_EXIT_NOTFOUND : CP_EXIT_NOEXEC;
	}
	if (caps && geteuid() != 0)
		cli_warn("not running as root: no capability can be exercised, so none will be found");

	if (baseline) {
		bool is_profile;
		struct cp_err gerr = { 0 };

		r = gen_load_any(baseline, &base, &is_profile, &gerr);
		if (r < 0) {
			cli_error("record: --baseline %s", cp_err_str(&gerr));
			return CP_EXIT_FAILURE;
		}
		r = trace_baseline_new(base, caps, &tb);
		if (r < 0) {
			cli_error("record: --baseline %s: cannot build the filter: %s", baseline, strerror(-r));
			return CP_EXIT_FAILURE;
		}
		o.baseline = tb;
	}
	o.argv = argv + optind;
	o.path = path;
	o.caps = caps;
	o.progress = !quiet;
	if (sandbox) {
		r = sbx_begin(keep, &sb, &serr);
		if (r < 0) {
			cli_error("record: %s", cp_err_str(&serr));
			return CP_EXIT_FAILURE;
		}
		o.child_setup = record_child_setup;
		o.child_arg = sb;
	}
	o.hash_output = hash_output;
	rec = rec_new();
	rec->env_sandbox = sandbox;
	if (baseline)
		rec->baseline = cp_xstrdup(baseline);
	r = trace_run(&o, rec, &res);
	if (sb && sbx_end(cp_steal_pointer(&sb), &serr) < 0) {
		cli_error("record: %s", cp_err_str(&serr));
		return CP_EXIT_FAILURE;
	}
	if (res.exec_errno) {
		cli_error("%s: cannot execute: %s", argv[optind], strerror(res.exec_errno));
		return res.exec_errno == ENOENT ? CP_EXIT_NOTFOUND : CP_EXIT_NOEXEC;
	}
	if (r < 0 && !rec->argc) {
		cli_error("record: tracing failed: %s", strerror(-r));
		return CP_EXIT_FAILURE;
	}
	/* A finished or interrupted run is always written. */
	{
		int w = rec_save(rec, out);

		if (w < 0) {
			cli_error("%s: cannot write recording: %s", out, cli_write_strerror(w));
			return CP_EXIT_FAILURE;
		}
	}
	if (r < 0) {
		cli_error("record: tracing failed: %s (partial recording written to %s)", strerror(-r), out);
		return CP_EXIT_FAILURE;
	}
	if (stats) {
		struct rusage ru;

		getrusage(RUSAGE_SELF, &ru);
		fprintf(stderr,
			"capprof: stats: syscalls %llu, processes %llu, distinct %zu, peak RSS %ld KiB, %llu ms\n",
			(unsigned long long)res.syscalls, (unsigned long long)res.processes, rec_count_syscalls(rec),
			ru.ru_maxrss, (unsigned long long)rec->duration_ms);
	}
	for (int k = 0; k < CP_UNSEEN_MAX; k++)
		if (rec->unseen[k].hits)
			cli_warn("%s (%s by pid %d %s); the recording says so under \"unseen\"", rec_unseen_why(k),
				 rec->unseen[k].ev.syscall, rec->unseen[k].ev.pid,
				 rec->unseen[k].ev.exe ? rec->unseen[k].ev.exe : "");
	if (res.interrupted_by)
		cli_warn("interrupted by %s: recording in %s is marked incomplete", strsignal(res.interrupted_by), out);
	if (!quiet && isatty(2))
		fprintf(stderr, "capprof: %zu distinct syscalls recorded to %s\n", rec_count_syscalls(rec), out);
	if (min && res.interrupted_by) {
		cli_error("record --minimize: the run was interrupted: not minimized");
		return CP_EXIT_FAILURE;
	}
	if (min)
		return record_minimize(out, minimize, res.exit_code, NULL, NULL, 0);
	return res.exit_code;
}
