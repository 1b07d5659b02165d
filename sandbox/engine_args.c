// SPDX-License-Identifier: MIT
/* The policy for container-engine arguments a recording supplies (engine_args.h). */
#include "sandbox/engine_args.h"
#include "common/err.h"
#include "common/util.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>

/* Options that take a value: "--opt VALUE" or "--opt=VALUE" (short ones also "-vVALUE"). */
struct opt {
	const char *name;
	const char *shortname; /* or NULL */
};

/* Namespace options whose "host" or "container:X" value joins a namespace not the container's own. */
static const char *const ns_opts[] = { "--pid", "--net", "--network", "--ipc", "--uts", "--userns", "--cgroupns" };

/* Always refused: each grants the container something Docker's defaults do not. */
static const char *const refused_opts[] = {
	"--cap-add", "--device", "--device-cgroup-rule", "--gpus", "--volumes-from", "--cgroup-parent",
};

/*
 * Host paths a bind mount must not expose: the root, the system's
 * configuration and binaries, the kernel's interfaces, and the engine's
 * socket and state.
 */
static const char *const host_paths[] = {
	"/etc",
	"/root",
	"/boot",
	"/dev",
	"/proc",
	"/sys",
	"/run",
	"/var/run",
	"/var/lib/docker",
	"/var/lib/containerd",
	"/usr",
	"/bin",
	"/sbin",
	"/lib",
	"/lib64",
	"/home",
	"/var/log",
	"/srv",
};

/* Does arg name option o, and where is its value (next argument or after '=')? */
static bool takes(const char *arg, const char *o, const char *shortname, char *const *args, size_t n, size_t *i,
		  const char **val)
{
	size_t len = strlen(o);

	if (!strcmp(arg, o) || (shortname && !strcmp(arg, shortname))) {
		*val = *i + 1 < n ? args[*i + 1] : "";
		(*i)++;
		return true;
	}
	if (!strncmp(arg, o, len) && arg[len] == '=') {
		*val = arg + len + 1;
		return true;
	}
	if (shortname && !strncmp(arg, shortname, 2) && arg[2]) {
		*val = arg + 2;
		return true;
	}
	return false;
}

static bool sensitive_source(const char *src, size_t len)
{
	/* "/", "//" and the like: the host's root. */
	size_t k = 0;

	while (k < len && src[k] == '/')
		k++;
	if (len && k == len)
		return true;
	for (size_t i = 0; i < CP_ARRAY_SIZE(host_paths); i++) {
		size_t hl = strlen(host_paths[i]);

		if (len >= hl && !strncmp(src, host_paths[i], hl) && (len == hl || src[hl] == '/'))
			return true;
	}
	/* The engine's socket, wherever it is bound from. */
	return len >= 12 && !strncmp(src + len - 12, "/docker.sock", 12);
}

/* -v SRC:DST[:OPTS]: the source, when it is a host path. */
static bool volume_sensitive(const char *v)
{
	return v[0] == '/' && sensitive_source(v, strcspn(v, ":"));
}

/* --mount type=bind,source=SRC,... (also src=): the source. */
static bool mount_sensitive(const char *m)
{
	while (*m) {
		size_t n = strcspn(m, ",");

		if (!strncmp(m, "source=", 7) && m[7] == '/' && sensitive_source(m + 7, n - 7))
			return true;
		if (!strncmp(m, "src=", 4) && m[4] == '/' && sensitive_source(m + 4, n - 4))
			return true;
		m += n + (m[n] == ',');
	}
	return false;
}

/* --security-opt values that turn confinement off or replace the profile verify gives. */
static bool security_opt_widens(const char *v)
{
	return !strncmp(v, "seccomp", 7) || !strcmp(v, "apparmor=unconfined") || !strcmp(v, "apparmor:unconfined") ||
	       !strcmp(v, "label=disable") || !strcmp(v, "label:disable") || !strncmp(v, "systempaths", 11) ||
	       !strcmp(v, "no-new-privileges=false") || !strcmp(v, "no-new-privileges:false");
}

int dkr_args_check(char *const *args, size_t n, size_t *bad, struct cp_err *err)
{
	for (size_t i = 0; i < n; i++) {
		const char *a = args[i], *v = NULL, *why = NULL;
		size_t at = i;

		if (!strcmp(a, "--privileged") || !strncmp(a, "--privileged=", 13)) {
			why = "gives the container every capability and device";
		} else if (takes(a, "--security-opt", NULL, args, n, &i, &v)) {
			if (security_opt_widens(v))
				why = "turns confinement off or replaces the profile being verified";
		} else if (takes(a, "--volume", "-v", args, n, &i, &v)) {
			if (volume_sensitive(v))
				why = "binds a host system path into the container";
		} else if (takes(a, "--mount", NULL, args, n, &i, &v)) {
			if (mount_sensitive(v))
				why = "binds a host system path into the container";
		} else {
			for (size_t k = 0; k < CP_ARRAY_SIZE(ns_opts) && !why && !v; k++) {
				if (takes(a, ns_opts[k], NULL, args, n, &i, &v) &&
				    (!strcmp(v, "host") || !strncmp(v, "container:", 10)))
					why = "joins a namespace that is not the container's own";
			}
			for (size_t k = 0; k < CP_ARRAY_SIZE(refused_opts) && !why && !v; k++) {
				if (takes(a, refused_opts[k], NULL, args, n, &i, &v))
					why = "grants the container more than Docker's defaults";
			}
		}
		if (why) {
			*bad = at;
			/* cp_fail scrubs control characters: the arguments may come from a recording. */
			return cp_fail(err, -EPERM, "\"%s%s%s\" %s", a, v && i != at ? " " : "", v && i != at ? v : "",
				       why);
		}
	}
	return 0;
}
