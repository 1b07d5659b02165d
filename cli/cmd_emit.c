// SPDX-License-Identifier: MIT
/* capprof emit: one or more recordings (merged) to a profile in one format. */
#include "cli/cli.h"
#include "generator/gen.h"
#include "generator/reach.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static void emit_usage(FILE *f)
{
	fputs("Usage: capprof emit [-i FILE]... [FORMAT] [--runtime runc|crun|none] [--nnp] [--no-args]\n"
	      "                    [--with-reachable] [--complain] [--arch LIST] [--profile-path PATH]\n"
	      "                    [--keep-tolerated] [-o FILE]\n"
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
	      "  --runtime NAME       container runtime whose own syscalls to allow: runc, crun, none;\n"
	      "                       default: runc's and crun's, so the profile works with either\n"
	      "  --nnp                profile only for use with no-new-privileges (smaller runtime set)\n"
	      "  --no-args            no argument rules (socket family, clone/unshare flags, personality)\n"
	      "  --arch LIST          profile for these machines, mapped by meaning from the recording:\n"
	      "                       x86_64, aarch64 (arm64), mips64, mipsel64, s390x, riscv64, or all\n"
	      "                       (Docker's archMap); comma-separated. Default: the recorded ones\n"
	      "  --profile-path PATH  seccomp profile path the other formats refer to (default seccomp.json)\n"
	      "  --with-reachable[=RISK]  also allow the syscalls the executables' imports can make but\n"
	      "                       the recording never saw, up to RISK (low, medium, high: default all),\n"
	      "                       each rule commented as not observed; reads the executables as they are\n"
	      "                       on this machine now (see 'explain --unexercised')\n"
	      "  --no-reachable       --summary without its 'Not exercised' section (which reads the\n"
	      "                       recorded executables on this machine)\n"
	      "  --complain           learning mode (--docker, --oci, --spo): default action SCMP_ACT_LOG, so\n"
	      "                       unrecorded calls run and the kernel logs them for 'capprof learn'\n"
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

enum {
	O_RUNTIME = 256,
	O_NNP,
	O_NOARGS,
	O_PROFILE_PATH,
	O_FORMAT,
	O_WITH_REACHABLE,
	O_COMPLAIN,
	O_ARCH,
	O_KEEP_TOLERATED,
	O_NO_REACHABLE,
};

/*
 * What --with-reachable cannot see into, and the high-risk names it adds,
 * said once per executable on stderr.
 */
static void warn_blind(const struct reach_report *r, int max_risk)
{
	for (size_t i = 0; i < r->nexes; i++) {
		const struct reach_exe *e = &r->exes[i];
		struct cp_buf high = { 0 };

		for (size_t k = 0; k < e->nunseen && max_risk >= REACH_HIGH; k++)
			if (e->unseen[k].risk == REACH_HIGH)
				cp_buf_printf(&high, " %s", e->unseen[k].name);
		if (high.len)
			cli_warn("emit --with-reachable: allows high-risk syscalls %s never made:%s "
				 "(--with-reachable=medium leaves them out)",
				 e->path, high.data);
		cp_buf_free(&high);

		if (e->err)
			cli_warn("emit --with-reachable: %s: %s: its reachable syscalls are not added", e->path,
				 strerror(-e->err));
		else if (e->is_static)
			cli_warn("emit --with-reachable: %s is statically linked: what it can call cannot be seen",
				 e->path);
		if (e->raw_syscall)
			cli_warn("emit --with-reachable: %s imports syscall(): direct calls cannot be seen", e->path);
	}
}

int cmd_emit(int argc, char **argv)
{
	static const struct {
		const char *name;
		enum gen_format f;
	} formats[] = {
		{ "docker", GEN_DOCKER },   { "caps", GEN_CAPS },	{ "docker-run", GEN_DOCKER_RUN },
		{ "compose", GEN_COMPOSE }, { "oci", GEN_OCI },		{ "k8s", GEN_K8S },
		{ "spo", GEN_SPO },	    { "systemd", GEN_SYSTEMD }, { "summary", GEN_SUMMARY },
	};
	struct option longopts[CP_ARRAY_SIZE(formats) + 14];
	struct gen_opts o = { .format = GEN_DOCKER, .profile_path = "seccomp.json" };
	const char *output = NULL, *runtime = NULL, *format_seen = NULL;
	cp_autofree char **inputs = cp_xcalloc((size_t)argc + 1, sizeof(char *));
	cp_autofree char *dd_text = NULL, *dd_path = NULL, *text = NULL, *notes = NULL;
	uint32_t targets[GEN_MAX_FAMILY];
	struct gen_runtime *rt = NULL;
	struct reach_report *reach = NULL;
	bool no_reachable = false;
	cp_autorec *rec = NULL;
	size_t ninputs = 0, nl = 0;
	struct cp_err gerr = { 0 };
	int c, idx, r;

	for (size_t i = 0; i < CP_ARRAY_SIZE(formats); i++)
		longopts[nl++] = (struct option){ formats[i].name, no_argument, NULL, O_FORMAT };
	longopts[nl++] = (struct option){ "input", required_argument, NULL, 'i' };
	longopts[nl++] = (struct option){ "output", required_argument, NULL, 'o' };
	longopts[nl++] = (struct option){ "runtime", required_argument, NULL, O_RUNTIME };
	longopts[nl++] = (struct option){ "nnp", no_argument, NULL, O_NNP };
	longopts[nl++] = (struct option){ "no-args", no_argument, NULL, O_NOARGS };
	longopts[nl++] = (struct option){ "keep-tolerated", no_argument, NULL, O_KEEP_TOLERATED };
	longopts[nl++] = (struct option){ "arch", required_argument, NULL, O_ARCH };
	longopts[nl++] = (struct option){ "profile-path", required_argument, NULL, O_PROFILE_PATH };
	longopts[nl++] = (struct option){ "with-reachable", optional_argument, NULL, O_WITH_REACHABLE };
	longopts[nl++] = (struct option){ "complain", no_argument, NULL, O_COMPLAIN };
	longopts[nl++] = (struct option){ "no-reachable", no_argument, NULL, O_NO_REACHABLE };
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
		case O_ARCH:
			if (gen_arch_targets_parse(optarg, targets, CP_ARRAY_SIZE(targets), &o.ntargets, &gerr) < 0) {
				cli_error("emit: --arch: %s", cp_err_str(&gerr));
				return CP_EXIT_USAGE;
			}
			o.targets = targets;
			o.notes = &notes;
			break;
		case O_WITH_REACHABLE:
			o.with_reachable = true;
			o.reach_max_risk = REACH_HIGH;
			if (optarg && !strcmp(optarg, "low"))
				o.reach_max_risk = REACH_LOW;
			else if (optarg && !strcmp(optarg, "medium"))
				o.reach_max_risk = REACH_MEDIUM;
			else if (optarg && strcmp(optarg, "high")) {
				cli_error("emit: --with-reachable=%s: risk is low, medium or high", optarg);
				return CP_EXIT_USAGE;
			}
			break;
		case O_COMPLAIN:
			o.complain = true;
			break;
		case O_NO_REACHABLE:
			no_reachable = true;
			break;
		case O_PROFILE_PATH:
			if (!*optarg) {
				cli_error("emit: --profile-path: empty path");
				return CP_EXIT_USAGE;
			}
			o.profile_path = optarg;
			break;
		default:
			return cli_bad_option("emit", c, argv);
		}
	}
	if (optind < argc) {
		cli_error("emit: unexpected argument \"%s\" (inputs are given with -i)", argv[optind]);
		return CP_EXIT_USAGE;
	}
	if (!ninputs)
		inputs[ninputs++] = "capprof.json";
	if (o.complain && o.format != GEN_DOCKER && o.format != GEN_OCI && o.format != GEN_SPO) {
		cli_error("emit: --complain applies to --docker, --oci and --spo (--%s has no log-only default "
			  "action)",
			  format_seen);
		return CP_EXIT_USAGE;
	}

	r = gen_load_merged(inputs, ninputs, &rec, &gerr);
	if (r < 0) {
		cli_error("%s", cp_err_str(&gerr));
		return CP_EXIT_USAGE;
	}
	if ((!runtime || strcmp(runtime, "none")) &&
	    (o.format == GEN_DOCKER || o.format == GEN_OCI || o.format == GEN_SPO)) {
		r = runtime ? gen_runtime_load(runtime, &rt, &gerr) : gen_runtime_load_either(&rt, &gerr);
		if (r < 0) {
			cli_error("emit: --runtime %s: %s", runtime ? runtime : "runc/crun", cp_err_str(&gerr));
			return CP_EXIT_USAGE;
		}
		o.runtime = rt;
	}
	if (o.format == GEN_SUMMARY && gen_datafile_find("docker-default.json", &dd_path, NULL) == 0 &&
	    cp_read_file(dd_path, 4u << 20, &dd_text, NULL) == 0) {
		o.docker_default = dd_text;
		o.docker_default_path = dd_path;
	}
	if (o.with_reachable && no_reachable) {
		cli_error("emit: --with-reachable and --no-reachable: choose one");
		return CP_EXIT_USAGE;
	}
	if (o.with_reachable || (o.format == GEN_SUMMARY && !no_reachable)) {
		reach_compute(rec, &reach);
		o.reach = reach;
		if (o.with_reachable)
			warn_blind(reach, o.reach_max_risk);
	}
	r = gen_emit(rec, &o, &text, &gerr);
	gen_runtime_free(rt);
	reach_report_free(reach);
	if (r < 0) {
		cli_error("emit: %s", cp_err_str(&gerr));
		return CP_EXIT_USAGE;
	}
	/* what --arch could not carry over: one line each (the profile's comments say it too) */
	for (char *line = notes, *nl_; line && *line; line = nl_ + 1) {
		nl_ = strchr(line, '\n');
		*nl_ = '\0';
		cli_warn("emit: %s", line);
	}
	r = cli_output(output, text, strlen(text));
	if (r < 0) {
		cli_error("%s: %s", output ? output : "stdout", cli_write_strerror(r));
		return CP_EXIT_USAGE;
	}
	return CP_EXIT_OK;
}
