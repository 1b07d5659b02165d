/* SPDX-License-Identifier: MIT */
/* The command-line layer: the only code that prints errors and picks exit codes. */
#ifndef CP_CLI_H
#define CP_CLI_H

#include "common/util.h"

/* Exit codes (README.md, "Exit codes"; man/capprof.1, EXIT STATUS). */
enum {
	CP_EXIT_OK = 0,
	CP_EXIT_DIFFERS = 1, /* diff: NEW needs more; verify: fail */
	CP_EXIT_USAGE = 2, /* file commands: bad usage or bad input */
	CP_EXIT_FAILURE = 125, /* workload commands: capprof's own failure */
	CP_EXIT_NOEXEC = 126,
	CP_EXIT_NOTFOUND = 127,
};

struct cp_cmd {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
};

int cp_main(int argc, char **argv);

int cmd_record(int argc, char **argv);
int cmd_emit(int argc, char **argv);
int cmd_merge(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_explain(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_learn(int argc, char **argv);

/* "capprof: <message>" on stderr, one line. */
void cli_error(const char *fmt, ...) CP_PRINTF(1, 2);
void cli_warn(const char *fmt, ...) CP_PRINTF(1, 2);

/*
 * A getopt_long result the command does not handle (':' a missing argument,
 * anything else an unknown option), said in one line naming argv[optind - 1];
 * returns CP_EXIT_USAGE.
 */
int cli_bad_option(const char *cmd, int c, char **argv);

/* Why cp_write_atomic/cli_output failed, phrased for the file at fault. */
const char *cli_write_strerror(int r);

/* Write text to path atomically, or to stdout when path is NULL or "-". */
int cli_output(const char *path, const char *text, size_t len);

#endif
