// SPDX-License-Identifier: MIT
/* capprof explain: why a syscall or capability is in the profile. */
#include "cli/cli.h"
#include "generator/gen.h"
#include "generator/reach.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static void explain_usage(FILE *f)
{
	fputs("Usage: capprof explain [-i FILE] [SYSCALL|CAPABILITY]\n"
	      "       capprof explain [-i FILE] --unexercised [--json]\n"
	      "Say why each entry is needed: the first caller (pid, executable, call site,\n"
	      "arguments) of a syscall, and for a capability the failing call it fixed.\n"
	      "Capabilities are written in upper case (CHOWN or CAP_CHOWN), syscalls in lower case.\n\n"
	      "  -i, --input FILE  recording (default capprof.json)\n"
	      "  --unexercised     per executable, the syscalls its imports (and its libraries')\n"
	      "                    can make that the recording never saw, riskiest first; reads\n"
	      "                    the executables as they are on this machine now\n"
	      "  --json            with --unexercised: the same as JSON\n"
	      "  -h, --help        this help\n"
	      "Exit status: 0 ok, 1 NAME is not in the recording, 2 bad usage or bad input.\n",
	      f);
}

int cmd_explain(int argc, char **argv)
{
	enum { O_UNEXERCISED = 256, O_JSON };
	static const struct option longopts[] = {
		{ "input", required_argument, NULL, 'i' },
		{ "unexercised", no_argument, NULL, O_UNEXERCISED },
		{ "json", no_argument, NULL, O_JSON },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	char *input = "capprof.json";
	const char *name = NULL;
	cp_autorec *rec = NULL;
	cp_autofree char *text = NULL;
	struct cp_err err = { 0 };
	bool unexercised = false, json = false;
	int c, r;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":i:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'i':
			input = optarg;
			break;
		case 'h':
			explain_usage(stdout);
			return CP_EXIT_OK;
		case O_UNEXERCISED:
			unexercised = true;
			break;
		case O_JSON:
			json = true;
			break;
		default:
			return cli_bad_option("explain", c, argv);
		}
	}
	if (argc - optind > 1) {
		cli_error("explain: one name at most (got \"%s\" and \"%s\")", argv[optind], argv[optind + 1]);
		return CP_EXIT_USAGE;
	}
	if (optind < argc)
		name = argv[optind];
	if (json && !unexercised) {
		cli_error("explain: --json goes with --unexercised");
		return CP_EXIT_USAGE;
	}
	if (unexercised && name) {
		cli_error("explain: --unexercised takes no name (got \"%s\")", name);
		return CP_EXIT_USAGE;
	}
	r = gen_load_merged(&input, 1, &rec, &err);
	if (r < 0) {
		cli_error("%s", cp_err_str(&err));
		return CP_EXIT_USAGE;
	}
	if (unexercised) {
		struct reach_report *rr = NULL;

		reach_compute(rec, &rr);
		text = json ? reach_json(rr) : reach_text(rr);
		reach_report_free(rr);
		if (cli_output(NULL, text, strlen(text)) < 0) {
			cli_error("stdout: write failed");
			return CP_EXIT_USAGE;
		}
		return CP_EXIT_OK;
	}
	r = gen_explain(rec, name, &text, &err);
	if (r == -ENOENT) {
		cli_error("%s: %s", input, cp_err_str(&err));
		return CP_EXIT_DIFFERS;
	}
	if (r < 0) {
		cli_error("explain: %s", cp_err_str(&err));
		return CP_EXIT_USAGE;
	}
	if (cli_output(NULL, text, strlen(text)) < 0) {
		cli_error("stdout: write failed");
		return CP_EXIT_USAGE;
	}
	return CP_EXIT_OK;
}
