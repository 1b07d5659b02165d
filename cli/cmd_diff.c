// SPDX-License-Identifier: MIT
/* capprof diff OLD NEW: the CI gate that fails when a release needs new privileges. */
#include "cli/cli.h"
#include "generator/gen.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static void diff_usage(FILE *f)
{
	fputs("Usage: capprof diff OLD NEW\n"
	      "Show what NEW needs beyond OLD ('+' lines: syscalls per architecture, argument\n"
	      "values, capabilities) and what it no longer needs ('-' lines). OLD and NEW are\n"
	      "recordings or Docker seccomp profiles (a profile has no capabilities to compare).\n\n"
	      "  -h, --help  this help\n"
	      "Exit status: 0 NEW needs nothing more, 1 NEW needs more, 2 bad usage or bad input.\n",
	      f);
}

int cmd_diff(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	cp_autorec *old = NULL;
	cp_autorec *new_ = NULL;
	cp_autofree char *text = NULL;
	struct gen_diff_side a, b;
	bool more;
	struct cp_err err = { 0 };
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (c == 'h') {
			diff_usage(stdout);
			return CP_EXIT_OK;
		}
		return cli_bad_option("diff", c, argv);
	}
	if (argc - optind != 2) {
		cli_error("diff: expected two files, OLD and NEW (got %d)", argc - optind);
		return CP_EXIT_USAGE;
	}
	if (gen_load_any(argv[optind], &old, &a.is_profile, &err) < 0 ||
	    gen_load_any(argv[optind + 1], &new_, &b.is_profile, &err) < 0) {
		cli_error("%s", cp_err_str(&err));
		return CP_EXIT_USAGE;
	}
	a.rec = old;
	b.rec = new_;
	text = gen_diff(&a, &b, &more);
	if (cli_output(NULL, text, strlen(text)) < 0) {
		cli_error("stdout: write failed");
		return CP_EXIT_USAGE;
	}
	return more ? CP_EXIT_DIFFERS : CP_EXIT_OK;
}
