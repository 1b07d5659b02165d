// SPDX-License-Identifier: MIT
/*
 * capprof run: enforce a Docker-format seccomp profile and a capability set
 * on a command, as `docker run --cap-drop ALL --cap-add ... --security-opt
 * seccomp=...` would, without Docker. Everything that can fail cleanly is
 * done before the first privilege is dropped; then capprof becomes CMD.
 */
#include <errno.h>
#include <getopt.h>
#include <seccomp.h>
#include <signal.h>
#include <sys/capability.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "common/err.h"
#include "enforce/caps.h"
#include "tracer/tracer.h"
#include "enforce/profile.h"

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: capprof run --profile JSON [--cap-add CAP]... [--no-new-privileges] [--user U] -- CMD [ARG]...\n"
		"Run CMD under a Docker-format seccomp profile and a capability set, as Docker would.\n\n"
		"  -p, --profile JSON        the seccomp profile (Docker format) to enforce\n"
		"  -c, --cap-add CAP         keep capability CAP (NET_RAW or CAP_NET_RAW); all others are\n"
		"                            dropped from every set, as with --cap-drop ALL (ALL: all the bounding set holds)\n"
		"  -n, --no-new-privileges   set no_new_privs: set-id and file-capability binaries gain nothing\n"
		"  -u, --user U              run as U: name, uid, name:group or uid:gid\n"
		"  -h, --help                this help\n\n"
		"Exit status: CMD's, 128+N when signal N killed it; 125 capprof failed, 126 CMD cannot be\n"
		"executed, 127 CMD not found. See docs/run-verify.md.\n");
}

struct run_args {
	const char *profile;
	char **caps;
	size_t ncaps;
	bool nnp;
	const char *user;
	char **cmd;
};

/* 0, or the exit status to return (usage/help). */
static int parse_args(int argc, char **argv, struct run_args *a, int *status)
{
	static const struct option opts[] = {
		{ "profile", required_argument, NULL, 'p' },
		{ "cap-add", required_argument, NULL, 'c' },
		{ "no-new-privileges", no_argument, NULL, 'n' },
		{ "user", required_argument, NULL, 'u' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int c;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+p:c:nu:h", opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			a->profile = optarg;
			break;
		case 'c':
			a->caps = cp_xreallocarray(a->caps, a->ncaps + 1, sizeof(char *));
			a->caps[a->ncaps++] = optarg;
			break;
		case 'n':
			a->nnp = true;
			break;
		case 'u':
			a->user = optarg;
			break;
		case 'h':
			usage(stdout);
			*status = CP_EXIT_OK;
			return 1;
		default:
			if (optopt && strchr("pcu", optopt))
				cli_error("run: option \"%s\" needs an argument", argv[optind - 1]);
			else
				cli_error("run: unknown option \"%s\" (try 'capprof run --help')", argv[optind - 1]);
			*status = CP_EXIT_FAILURE;
			return 1;
		}
	}
	if (!a->profile) {
		cli_error("run: --profile JSON is required (try 'capprof run --help')");
		*status = CP_EXIT_FAILURE;
		return 1;
	}
	if (optind >= argc) {
		cli_error("run: no command given (capprof run --profile JSON -- CMD [ARG]...)");
		*status = CP_EXIT_FAILURE;
		return 1;
	}
	a->cmd = argv + optind;
	return 0;
}

/*
 * The doomed child's end when its exec failed. The profile may deny
 * exit_group and exit too: then it dies of SIGILL (the parent reports the
 * exec failure either way). Not _exit(), and not declared noreturn: a
 * sanitizer (check-asan) runs its own code before a call that does not
 * return, and it spins forever when the filter denies what it calls.
 */
__attribute__((noipa)) static void child_exit(int code)
{
	syscall(SYS_exit_group, code);
	syscall(SYS_exit, code);
	__builtin_trap();
}

/*
 * The profile denies calls every process needs: the run is doomed, so it
 * runs as a child (a new pid, the only difference) and capprof says what
 * killed it, as one line, instead of leaving a bare SIGSEGV or 127.
 */
static int run_doomed(const char *profile, const char *path, char **cmd, const struct enf_privs *pv,
		      const struct enf_vital *v, size_t nv)
{
	char names[256] = "";
	enum enf_step step;
	int st, r;
	pid_t pid;

	for (size_t i = 0; i < nv && i < 8; i++)
		snprintf(names + strlen(names), sizeof(names) - strlen(names), "%s%s", i ? ", " : "", v[i].name);
	pid = fork();
	if (pid < 0) {
		cli_error("run: fork: %s", strerror(errno));
		return CP_EXIT_FAILURE;
	}
	if (pid == 0) {
		/* exec resets handlers anyway: the workload sees no difference (see child_exit) */
		signal(SIGILL, SIG_DFL);
		r = enf_privs_apply(pv, &step);
		if (r < 0) {
			cli_error("run: %s: %s", enf_step_name(step), strerror(-r));
			child_exit(CP_EXIT_FAILURE);
			return CP_EXIT_FAILURE; /* not reached */
		}
		execv(path, cmd);
		r = errno;
		if (r == EPERM || r == EACCES)
			cli_error("%s: cannot execute: %s denies execve (%s)", path, profile, strerror(r));
		else
			cli_error("%s: cannot execute: %s", path, strerror(r));
		child_exit(r == ENOENT ? CP_EXIT_NOTFOUND : CP_EXIT_NOEXEC);
		return CP_EXIT_FAILURE; /* not reached */
	}
	signal(SIGINT, SIG_IGN); /* the terminal's ^C reaches the child too */
	signal(SIGQUIT, SIG_IGN);
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return CP_EXIT_FAILURE;
	/*
	 * execve denied outright: the exec failed, and the child could not
	 * even say so when write and exit_group are denied too. As docker run: 126.
	 */
	for (size_t i = 0; i < nv; i++) {
		if (!strcmp(v[i].name, "execve")) {
			if (WIFSIGNALED(st) || WEXITSTATUS(st) != CP_EXIT_NOEXEC)
				cli_error("%s: cannot execute: %s denies execve", path, profile);
			return CP_EXIT_NOEXEC;
		}
	}
	if (WIFSIGNALED(st)) {
		cli_error("run: %s died of SIG%s right after exec: %s denies %s, which every process needs", cmd[0],
			  sigabbrev_np(WTERMSIG(st)) ? sigabbrev_np(WTERMSIG(st)) : "?", profile, names);
		return 128 + WTERMSIG(st);
	}
	if (WEXITSTATUS(st) == CP_EXIT_NOTFOUND || (WEXITSTATUS(st) != 0 && WEXITSTATUS(st) != CP_EXIT_NOEXEC))
		cli_error("run: %s exited %d right after exec: %s denies %s, which every process needs", cmd[0],
			  WEXITSTATUS(st), profile, names);
	return WEXITSTATUS(st);
}

int cmd_run(int argc, char **argv)
{
	struct run_args a = { 0 };
	cp_autoprofile *prof = NULL;
	enf_autofilter ctx = NULL;
	cp_autofree char *path = NULL;
	struct enf_user user = { 0 };
	struct enf_compile_opts co = { 0 };
	struct enf_privs pv = { 0 };
	enum enf_step step;
	struct enf_vital vital[8];
	size_t nvital;
	struct cp_err err = { 0 };
	int status = 0, r;

	if (parse_args(argc, argv, &a, &status)) {
		free(a.caps);
		return status;
	}
	r = enf_caps_parse(a.caps, a.ncaps, &co.caps, &err);
	free(a.caps);
	if (r < 0) {
		cli_error("run: %s", cp_err_str(&err));
		return CP_EXIT_FAILURE;
	}
	r = enf_profile_load(a.profile, &prof, &err);
	if (r < 0) {
		cli_error("%s: %s", a.profile, cp_err_str(&err));
		return CP_EXIT_FAILURE;
	}
	if (enf_profile_unknown_key(prof))
		cli_warn("%s: key \"%s\" is not a seccomp profile key: Docker ignores it, and so does capprof",
			 a.profile, enf_profile_unknown_key(prof));
	if (a.user && enf_user_parse(a.user, &user, &err) < 0) {
		cli_error("run: %s", cp_err_str(&err));
		return CP_EXIT_FAILURE;
	}
	r = trace_resolve_command(a.cmd[0], &path);
	if (r < 0) {
		enf_user_free(&user);
		cli_error("%s: %s", a.cmd[0],
			  r == -ENOENT ? "command not found" : "permission denied (not executable)");
		return r == -ENOENT ? CP_EXIT_NOTFOUND : CP_EXIT_NOEXEC;
	}
	r = enf_profile_compile(prof, &co, &ctx, &err);
	if (r < 0) {
		enf_user_free(&user);
		cli_error("%s: %s", a.profile, cp_err_str(&err));
		return CP_EXIT_FAILURE;
	}
	if (!a.nnp && geteuid() != 0 && !(co.caps & (1ull << CAP_SYS_ADMIN))) {
		/* The kernel's rule: a filter without no_new_privs needs CAP_SYS_ADMIN. */
		enf_user_free(&user);
		cli_error("run: loading a seccomp filter without --no-new-privileges needs root");
		return CP_EXIT_FAILURE;
	}
	pv = (struct enf_privs){ .caps = co.caps, .user = &user, .no_new_privs = a.nnp, .filter = ctx };
	nvital = enf_profile_vital_denied(prof, co.caps, vital, CP_ARRAY_SIZE(vital));
	for (size_t i = 0; i < nvital && i < CP_ARRAY_SIZE(vital); i++)
		cli_warn("%s denies %s: %s", a.profile, vital[i].name, vital[i].why);
	fflush(NULL);
	if (nvital) {
		status = run_doomed(a.profile, path, a.cmd, &pv, vital, nvital);
		enf_user_free(&user);
		return status;
	}
	r = enf_privs_apply(&pv, &step);
	enf_user_free(&user);
	if (r < 0) {
		/* libseccomp's word for "the kernel refused it"; the usual reason is its size. */
		if (r == -ECANCELED && step == ENF_STEP_FILTER)
			cli_error("run: %s: the kernel refused the filter (%s has too many distinct rules for "
				  "its 4096-instruction limit?)",
				  enf_step_name(step), a.profile);
		else
			cli_error("run: %s: %s", enf_step_name(step), strerror(-r));
		return CP_EXIT_FAILURE;
	}
	execv(path, a.cmd);
	r = errno;
	/* The profile may deny execve itself: that is the workload failing to start. */
	cli_error("%s: cannot execute: %s", path, strerror(r));
	return r == ENOENT ? CP_EXIT_NOTFOUND : CP_EXIT_NOEXEC;
}
