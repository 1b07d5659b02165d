// SPDX-License-Identifier: MIT
/* capprof merge: the union of several recordings, for CI that records several runs. */
#include "cli/cli.h"
#include "generator/gen.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static void merge_usage(FILE *f)
{
	fputs("Usage: capprof merge -o OUT IN...\n"
	      "Write the union of the recordings IN (syscalls, argument values, capabilities,\n"
	      "evidence, executables, architectures) to OUT, atomically ('-' for stdout).\n\n"
	      "  -o, --output OUT  the merged recording\n"
	      "  -h, --help        this help\n"
	      "Exit status: 0 ok, 2 bad usage or bad input.\n",
	      f);
}

int cmd_merge(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *output = NULL;
	cp_autorec *rec = NULL;
	cp_autofree char *text = NULL;
	struct cp_err err = { 0 };
	int c, r;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			output = optarg;
			break;
		case 'h':
			merge_usage(stdout);
			return CP_EXIT_OK;
		default:
			return cli_bad_option("merge", c, argv);
		}
	}
	if (!output) {
		cli_error("merge: -o OUT is required");
		return CP_EXIT_USAGE;
	}
	if (optind >= argc) {
		cli_error("merge: no input recordings (usage: capprof merge -o OUT IN...)");
		return CP_EXIT_USAGE;
	}
	r = gen_load_merged(argv + optind, (size_t)(argc - optind), &rec, &err);
	if (r < 0) {
		cli_error("%s", cp_err_str(&err));
		return CP_EXIT_USAGE;
	}
	text = rec_to_json(rec);
	r = cli_output(output, text, strlen(text));
	if (r < 0) {
		cli_error("%s: %s", output, cli_write_strerror(r));
		return CP_EXIT_USAGE;
	}
	return CP_EXIT_OK;
}
