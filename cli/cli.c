// SPDX-License-Identifier: MIT
/* Command table, global options and the shared error helpers. */
#include "cli/cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const struct cp_cmd commands[] = {
	{ "record", cmd_record, "trace a command and write its recording" },
	{ "emit", cmd_emit, "turn recordings into a profile (Docker, OCI, k8s, systemd, ...)" },
	{ "merge", cmd_merge, "union of several recordings" },
	{ "diff", cmd_diff, "what NEW needs beyond OLD (exit 1 when it needs more)" },
	{ "explain", cmd_explain, "why a syscall or capability is needed" },
	{ "run", cmd_run, "enforce a Docker seccomp profile and capabilities on a command" },
	{ "verify", cmd_verify, "re-run a recording enforced under a profile; report every denial" },
	{ "learn", cmd_learn, "turn the kernel's seccomp audit records into a recording (learning mode)" },
};

/*
 * One line on stderr. Messages quote names from files and command lines:
 * control characters become '?', so an error stays one line and carries no
 * terminal escapes.
 */
static void say(const char *prefix, const char *fmt, va_list ap)
{
	char *msg = NULL;

	if (vasprintf(&msg, fmt, ap) < 0)
		cp_oom();
	cp_scrub_controls(msg);
	fprintf(stderr, "%s%s\n", prefix, msg);
	free(msg);
}

void cli_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	say("capprof: ", fmt, ap);
	va_end(ap);
}

void cli_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	say("capprof: warning: ", fmt, ap);
	va_end(ap);
}

int cli_bad_option(const char *cmd, int c, char **argv)
{
	if (c == ':')
		cli_error("%s: %s needs an argument", cmd, argv[optind - 1]);
	else
		cli_error("%s: unknown option \"%s\" (try 'capprof %s --help')", cmd, argv[optind - 1], cmd);
	return CP_EXIT_USAGE;
}

const char *cli_write_strerror(int r)
{
	switch (r) {
	case -ELOOP:
		return "is a symbolic link; refusing to write through it";
	case -EISDIR:
		return "is a directory";
	case -EINVAL:
		return "is not a regular file";
	default:
		return strerror(-r);
	}
}

int cli_output(const char *path, const char *text, size_t len)
{
	if (!path || !strcmp(path, "-")) {
		if (fwrite(text, 1, len, stdout) != len || fflush(stdout) != 0)
			return -errno;
		return 0;
	}
	return cp_write_atomic(path, text, len, 0666);
}

static void usage(FILE *f)
{
	fprintf(f, "Usage: capprof COMMAND [OPTION]... [-- CMD [ARG]...]\n"
		   "Derive least-privilege seccomp profiles and capability sets from what a workload does.\n\n"
		   "Commands:\n");
	for (size_t i = 0; i < CP_ARRAY_SIZE(commands); i++)
		fprintf(f, "  %-8s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\n'capprof COMMAND --help' describes a command; 'man capprof' describes them all.\n"
		   "  -h, --help     this help\n"
		   "  -V, --version  print the version\n");
}

int cp_main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return CP_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return CP_EXIT_OK;
	}
	if (!strcmp(argv[1], "-V") || !strcmp(argv[1], "--version")) {
		printf("capprof %s\n", CP_VERSION);
		return CP_EXIT_OK;
	}
	for (size_t i = 0; i < CP_ARRAY_SIZE(commands); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].run(argc - 1, argv + 1);
	cli_error("unknown command \"%s\" (try 'capprof --help')", argv[1]);
	return CP_EXIT_USAGE;
}
