// SPDX-License-Identifier: MIT
/* capprof emit: one or more recordings (merged) to a profile in one format. */
#include "cli/cli.h"
#include "generator/gen.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static void emit_usage(FILE *f)
{
	fputs("Usage: capprof emit [-i FILE]... [FORMAT] [--runtime runc|crun|none] [--nnp] [--no-args]\n"
	      "                    [--profile-path PATH] [--keep-tolerated] [-o FILE]\n"
	      "Turn recordings (merged when several -i are given) into a profile; stdout unless -o.\n\n"
	      "  -i, --input FILE     recording to read (default capprof.json; repeatable)\n"
	      "  -o, --output FILE    write atomically to FILE instead of stdout\n"
	      "Formats (one):\n"
	      "  --docker             Docker/Podman seccomp JSON (default)\n"
	      "  --caps               capabilities, one a line, Docker spelling\n"
	      "  --docker-run         docker run flags, one a line ('#' lines are advice)\n"
	      "  --compose            docker compose service settings (YAML)\n"
	      "  --oci                OCI config.json fragment: process.capabilities, linux.seccomp\n"
	      "  --k8s                Kubernetes Pod securityContext with a Localhost seccomp profile\n"
	      "  --spo                Security Profiles Operator SeccompProfile resource\n"
	      "  --systemd            systemd unit options\n"
	      "  --summary            human summary with evidence and warnings\n"
	      "Options:\n"
	      "  --runtime NAME       container runtime whose own syscalls to allow: runc (default), crun, none\n"
	      "  --nnp                profile only for use with no-new-privileges (smaller runtime set)\n"
	      "  --no-args            no argument rules (socket family, clone/unshare flags, personality)\n"
	      "  --profile-path PATH  seccomp profile path the other formats refer to (default seccomp.json)\n"
	      "  --keep-tolerated     grant capabilities 'verify --minimize' found tolerated too (by default\n"
	      "                       every format grants only required ones and those without a verdict,\n"
	      "                       and allows the syscalls a tolerated one's other path needs)\n"
	      "  -h, --help           this help\n"
	      "Exit status: 0 ok, 2 bad usage or bad input. Formats: docs/formats.md.\n",
	      f);
}

static bool runtime_name_ok(const char *s)
{
	if (!*s || strlen(s) > 32)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-' || *s == '_'))
			return false;
	return true;
}

enum { O_RUNTIME = 256, O_NNP, O_NOARGS, O_PROFILE_PATH, O_FORMAT, O_KEEP_TOLERATED };

int cmd_emit(int argc, char **argv)
{
	static const struct {
		const char *name;
		enum gen_format f;
	} formats[] = {
		{ "docker", GEN_DOCKER }, { "caps", GEN_CAPS }, { "docker-run", GEN_DOCKER_RUN },
		{ "compose", GEN_COMPOSE }, { "oci", GEN_OCI }, { "k8s", GEN_K8S },
		{ "spo", GEN_SPO }, { "systemd", GEN_SYSTEMD }, { "summary", GEN_SUMMARY },
	};
	struct option longopts[CP_ARRAY_SIZE(formats) + 9];
	struct gen_opts o = { .format = GEN_DOCKER, .profile_path = "seccomp.json" };
	const char *output = NULL, *runtime = "runc", *format_seen = NULL;
	cp_autofree char **inputs = cp_xcalloc((size_t)argc + 1, sizeof(char *));
	cp_autofree char *dd_text = NULL, *dd_path = NULL, *text = NULL;
	struct gen_runtime *rt = NULL;
	cp_autorec *rec = NULL;
	size_t ninputs = 0, nl = 0;
	char err[1024];
	int c, idx, r;

	for (size_t i = 0; i < CP_ARRAY_SIZE(formats); i++)
		longopts[nl++] = (struct option){ formats[i].name, no_argument, NULL, O_FORMAT };
	longopts[nl++] = (struct option){ "input", required_argument, NULL, 'i' };
	longopts[nl++] = (struct option){ "output", required_argument, NULL, 'o' };
	longopts[nl++] = (struct option){ "runtime", required_argument, NULL, O_RUNTIME };
	longopts[nl++] = (struct option){ "nnp", no_argument, NULL, O_NNP };
	longopts[nl++] = (struct option){ "no-args", no_argument, NULL, O_NOARGS };
	longopts[nl++] = (struct option){ "keep-tolerated", no_argument, NULL, O_KEEP_TOLERATED };
	longopts[nl++] = (struct option){ "profile-path", required_argument, NULL, O_PROFILE_PATH };
	longopts[nl++] = (struct option){ "help", no_argument, NULL, 'h' };
	longopts[nl] = (struct option){ 0 };

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":i:o:h", longopts, &idx)) != -1) {
		switch (c) {
		case 'i':
			inputs[ninputs++] = optarg;
			break;
		case 'o':
			output = optarg;
			break;
		case 'h':
			emit_usage(stdout);
			return CP_EXIT_OK;
		case O_FORMAT:
			if (format_seen && strcmp(format_seen, longopts[idx].name)) {
				cli_error("emit: --%s and --%s: choose one format", format_seen, longopts[idx].name);
				return CP_EXIT_USAGE;
			}
			format_seen = longopts[idx].name;
			o.format = formats[idx].f;
			break;
		case O_RUNTIME:
			if (!runtime_name_ok(optarg)) {
				cli_error("emit: --runtime: \"%s\" is not a runtime name (runc, crun or none)", optarg);
				return CP_EXIT_USAGE;
			}
			runtime = optarg;
			break;
		case O_NNP:
			o.nnp_only = true;
			break;
		case O_NOARGS:
			o.no_args = true;
			break;
		case O_KEEP_TOLERATED:
			o.keep_tolerated = true;
			break;
		case O_PROFILE_PATH:
			if (!*optarg) {
				cli_error("emit: --profile-path: empty path");
				return CP_EXIT_USAGE;
			}
			o.profile_path = optarg;
			break;
		case ':':
			cli_error("emit: %s needs an argument", argv[optind - 1]);
			return CP_EXIT_USAGE;
		default:
			cli_error("emit: unknown option \"%s\" (try 'capprof emit --help')", argv[optind - 1]);
			return CP_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		cli_error("emit: unexpected argument \"%s\" (inputs are given with -i)", argv[optind]);
		return CP_EXIT_USAGE;
	}
	if (!ninputs)
		inputs[ninputs++] = "capprof.json";

	r = gen_load_merged(inputs, ninputs, &rec, err, sizeof(err));
	if (r < 0) {
		cli_error("%s", err);
		return CP_EXIT_USAGE;
	}
	if (strcmp(runtime, "none") && (o.format == GEN_DOCKER || o.format == GEN_OCI || o.format == GEN_SPO)) {
		r = gen_runtime_load(runtime, &rt, err, sizeof(err));
		if (r < 0) {
			cli_error("emit: --runtime %s: %s", runtime, err);
			return CP_EXIT_USAGE;
		}
		o.runtime = rt;
	}
	if (o.format == GEN_SUMMARY && gen_datafile_find("docker-default.json", &dd_path, err, sizeof(err)) == 0 &&
	    cp_read_file(dd_path, 4u << 20, &dd_text, NULL) == 0) {
		o.docker_default = dd_text;
		o.docker_default_path = dd_path;
	}
	r = gen_emit(rec, &o, &text, err, sizeof(err));
	gen_runtime_free(rt);
	if (r < 0) {
		cli_error("emit: %s", err);
		return CP_EXIT_USAGE;
	}
	r = cli_output(output, text, strlen(text));
	if (r < 0) {
		cli_error("%s: %s", output ? output : "stdout", cli_write_strerror(r));
		return CP_EXIT_USAGE;
	}
	return CP_EXIT_OK;
}
