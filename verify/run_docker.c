// SPDX-License-Identifier: MIT
/*
 * The trial of a --docker recording: a fresh container of the recorded
 * image (with the recorded docker arguments) per trial, `docker run` with
 * the flags `capprof emit --docker-run` makes for the trial's capabilities
 * and its profile. Nothing runs on the host but docker itself. stdout and
 * stderr are captured in memory files; stdin is /dev/null. Also the one
 * run of plain verify --docker (vfy_docker_verify). The flags reach
 * sandbox/ as words (gen_docker_run_args), never as text to split.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <sha2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/util.h"
#include "generator/gen.h"
#include "sandbox/sandbox.h"
#include "sandbox/spawn.h"
#include "verify/verify.h"

/* The trial's profile text: the given one, or derived, without t->drop. */
static char *trial_profile(const struct vfy_docker *d, const struct cp_rec *view, const struct vfy_trial *t)
{
	struct gen_opts go = { .format = GEN_DOCKER, .runtime = d->runtime };
	struct gen_policy *pol = NULL;
	char *text;

	if (d->profile_text)
		return cp_xstrdup(d->profile_text);
	gen_policy_build(view, &go, &pol);
	if (t->drop.n)
		gen_policy_remove_allowed(pol, t->drop.v, t->drop.n);
	text = gen_docker_json(pol);
	gen_policy_free(pol);
	return text;
}

static int mkfd(const char *name)
{
	int fd = memfd_create(name, MFD_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

int vfy_docker_run(void *ctx, const struct vfy_trial *t, struct vfy_outcome *o, struct cp_err *err)
{
	struct vfy_docker *d = ctx;
	struct cp_rec view = *d->rec;
	struct gen_opts go = { .format = GEN_DOCKER_RUN, .keep_tolerated = true };
	struct dkr_opts dk = { .image = d->image, .argv = d->argv };
	cp_autofree char **dargs = cp_xcalloc(d->ndocker_args + 3, sizeof(char *));
	cp_autofree char *name = cp_xasprintf("capprof-trial-%d-%u", (int)getpid(), ++d->ntrials);
	bool timed_out = false;
	uint64_t t0, took;
	cp_autofree char *text = NULL, *path = NULL;
	cp_autostrv flags = { 0 };
	cp_autoclose int in = -1;
	cp_autoclose int cout = -1;
	cp_autoclose int cerr = -1;
	const char *base = getenv("TMPDIR");
	char hex[SHA256_DIGEST_STRING_LENGTH];
	int r, code = 125;

	if (t->add.n) {
		return cp_fail(err, -EINVAL, "a container shows no denials: no syscall trade can be tried there");
	}
	/* The recording as emit sees it, with exactly the trial's capabilities. */
	for (int c = 0; c < CP_MAX_CAP; c++) {
		view.caps[c].hits = (t->caps >> c) & 1 ? (view.caps[c].hits ? view.caps[c].hits : 1) : 0;
		view.caps[c].verdict = CP_VERDICT_HIT;
	}
	if (!d->dir) {
		d->dir = cp_xasprintf("%s/capprof-minimize.XXXXXX", base && *base ? base : "/var/tmp");
		if (!mkdtemp(d->dir)) {
			r = -errno;
			cp_fail(err, r, "cannot make %s: %s", d->dir, strerror(-r));
			free(d->dir);
			d->dir = NULL;
			return r;
		}
		/* dockerd reads the profile: it runs as root, the directory stays private. */
		chmod(d->dir, 0700);
	}
	text = trial_profile(d, &view, t);
	path = cp_xasprintf("%s/seccomp.json", d->dir);
	r = cp_write_atomic(path, text, strlen(text), 0600);
	if (r < 0) {
		return cp_fail(err, r, "%s: %s", path, strerror(-r));
	}
	go.profile_path = path;
	gen_docker_run_args(&view, &go, &flags);
	in = open("/dev/null", O_RDONLY | O_CLOEXEC);
	cout = mkfd("capprof-stdout");
	cerr = mkfd("capprof-stderr");
	if (in < 0 || cout < 0 || cerr < 0) {
		return cp_fail(err, -EIO, "cannot make the capture files: %s", strerror(errno));
	}
	/* A name, so that a trial that hangs can be stopped (killing the client leaves the container). */
	dargs[0] = "--name";
	dargs[1] = name;
	for (size_t i = 0; i < d->ndocker_args; i++)
		dargs[i + 2] = d->docker_args[i];
	dk.docker_args = dargs;
	dk.ndocker_args = d->ndocker_args + 2;
	dk.use_fds = true;
	dk.fds[0] = in;
	dk.fds[1] = cout;
	dk.fds[2] = cerr;
	dk.timeout_s = (unsigned)(d->slowest_ns * 5 / 1000000000ull);
	if (dk.timeout_s < 120)
		dk.timeout_s = 120;
	dk.timed_out = &timed_out;
	o->rec = rec_new();
	t0 = cp_now_ns();
	r = dkr_verify_run(&dk, flags.v, flags.n, NULL, &code, err);
	took = cp_now_ns() - t0;
	if (timed_out) {
		char *kill_argv[] = { "docker", "kill", name, NULL };
		const int nfd[3] = { in, in, in };
		int kc, kr;
		bool kto;
		char line[160];

		/* docker kill's own status is not checked: the container may have ended meanwhile. */
		kr = sbx_spawn_wait_fds_timeout(kill_argv, nfd, 60, &kc, &kto);
		if (kr < 0)
			return cp_fail(err, kr, "cannot run docker kill %s: %s", name, strerror(-kr));
		code = 124;
		snprintf(line, sizeof(line),
			 "capprof: trial stopped after %us (5 times the slowest run, at least 120 s)\n", dk.timeout_s);
		if (write(cerr, line, strlen(line)) < 0)
			return cp_fail(err, -errno, "cannot write the captured stderr: %s", strerror(errno));
		r = 0;
	} else if (took > d->slowest_ns) {
		d->slowest_ns = took;
	}
	if (r < 0)
		return r;
	o->exit_code = code;
	o->denials_seen = false;
	r = vfy_read_capture(cout, &o->out, &o->nout);
	if (r < 0 && r != -EFBIG)
		return r;
	r = vfy_read_capture(cerr, &o->err, &o->nerr);
	if (r < 0 && r != -EFBIG)
		return r;
	o->captured = true;
	if (o->out) {
		SHA256Data((const uint8_t *)o->out, o->nout, hex);
		o->rec->output_sha256 = cp_xstrdup(hex);
		o->rec->output_bytes = o->nout;
	}
	/*
	 * docker's own failures (125: daemon, flags) are capprof's error, not an
	 * outcome, unless the trial left syscalls out: then the runtime itself
	 * may have needed one of them, which is the trial's outcome.
	 */
	if (code == 125 && !t->drop.n && o->err && strstr(o->err, "docker: ")) {
		char line[300];
		const char *p = strstr(o->err, "docker: ");
		size_t n = strcspn(p, "\n");

		snprintf(line, sizeof(line), "%.*s", (int)(n > 250 ? 250 : n), p);
		cp_scrub_controls(line);
		return cp_fail(err, -EIO, "docker run failed: %s", line);
	}
	return 0;
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path) < 0 && errno != ENOENT ? -1 : 0;
}

void vfy_docker_cleanup(struct vfy_docker *d)
{
	if (!d->dir)
		return;
	nftw(d->dir, rm_entry, 8, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
	free(d->dir);
	d->dir = NULL;
}

/* The runtime a --docker-arg names (--runtime X or --runtime=X), else runc. */
static const char *docker_runtime(const struct dkr_opts *o)
{
	for (size_t i = 0; i < o->ndocker_args; i++) {
		const char *a = o->docker_args[i];

		if (!strncmp(a, "--runtime=", 10))
			return a + 10;
		if (!strcmp(a, "--runtime") && i + 1 < o->ndocker_args)
			return o->docker_args[i + 1];
	}
	/* each engine's default runtime on Debian */
	return o->engine && !strcmp(o->engine, "podman") ? "crun" : "runc";
}

int vfy_docker_verify(const struct cp_rec *rec, const struct dkr_opts *o, const char *profile_path, const char *runtime,
		      struct cp_rec *run, struct cp_strv *flags, int *exit_code, struct cp_err *err)
{
	const char *base = getenv("TMPDIR");
	cp_autofree char *dir = NULL, *gen_path = NULL, *text = NULL, *abs = NULL;
	struct gen_opts go = { .format = GEN_DOCKER };
	struct gen_runtime *rt = NULL;
	int r;

	*exit_code = 125;
	if (!profile_path) {
		const char *name = runtime ? runtime : docker_runtime(o);

		if (strcmp(name, "none")) {
			r = gen_runtime_load(name, &rt, err);
			if (r < 0)
				return r;
		}
		go.runtime = rt;
		r = gen_emit(rec, &go, &text, err);
		gen_runtime_free(rt);
		if (r < 0)
			return r;
		dir = cp_xasprintf("%s/capprof-verify.XXXXXX", base && *base ? base : "/var/tmp");
		if (!mkdtemp(dir)) {
			r = -errno;
			return cp_fail(err, r, "cannot make %s: %s", dir, strerror(-r));
		}
		gen_path = cp_xasprintf("%s/seccomp.json", dir);
		r = cp_write_atomic(gen_path, text, strlen(text), 0644);
		if (r < 0) {
			cp_fail(err, r, "%s: %s", gen_path, strerror(-r));
			goto out;
		}
		profile_path = gen_path;
	} else {
		/* dockerd reads the profile path itself: make it absolute. */
		abs = realpath(profile_path, NULL);
		if (!abs) {
			r = -errno;
			return cp_fail(err, r, "%s: %s", profile_path, strerror(-r));
		}
		profile_path = abs;
	}
	go.format = GEN_DOCKER_RUN;
	go.profile_path = profile_path;
	go.runtime = NULL;
	gen_docker_run_args(rec, &go, flags);
	r = dkr_verify_run(o, flags->v, flags->n, run, exit_code, err);
out:
	if (gen_path)
		unlink(gen_path);
	if (dir)
		rmdir(dir);
	return r;
}
