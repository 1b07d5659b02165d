// SPDX-License-Identifier: MIT
/*
 * --docker IMAGE: record inside a container. capprof itself is bind-mounted
 * read-only at /.capprof together with every shared object it has mapped,
 * each under the name the loader looks for, and run through its own loader
 * (/.capprof/lib/ld-linux-*.so --library-path /.capprof/lib), so it needs
 * nothing from the image: glibc, musl and busybox images all work. The
 * container gets every capability and no seccomp filter, so the inner
 * tracer sees what the workload would do with full privilege; its recording
 * goes to a private host directory bound at /.capprof/out.
 */
#include "sandbox/sandbox.h"
#include "common/err.h"
#include "common/names.h"
#include "common/recording.h"
#include "common/elf.h"
#include "common/util.h"
#include "sandbox/spawn.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <gelf.h>
#include <libelf.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#define DKR_ROOT "/.capprof"
#define DKR_LIB DKR_ROOT "/lib"
#define DKR_OUT DKR_ROOT "/out"

/* DT_SONAME of a shared object, or the PT_INTERP of an executable. */
static int elf_names(const char *path, char **soname, char **interp)
{
	cp_autoclose int fd = -1;
	cp_autoelf *e = NULL;
	size_t nph = 0;
	Elf_Scn *scn = NULL;
	int r;

	*soname = NULL;
	if (interp)
		*interp = NULL;
	r = cp_elf_open(path, &fd, &e);
	if (r < 0)
		return r;
	if (interp && elf_getphdrnum(e, &nph) == 0) {
		for (size_t i = 0; i < nph; i++) {
			GElf_Phdr ph;

			if (gelf_getphdr(e, (int)i, &ph) && ph.p_type == PT_INTERP && ph.p_filesz > 1 &&
			    ph.p_filesz < PATH_MAX) {
				char *s = cp_xcalloc(1, ph.p_filesz + 1);

				if (pread(fd, s, ph.p_filesz, (off_t)ph.p_offset) == (ssize_t)ph.p_filesz)
					*interp = s;
				else
					free(s);
				break;
			}
		}
	}
	while ((scn = elf_nextscn(e, scn))) {
		GElf_Shdr sh;
		Elf_Data *d;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_DYNAMIC)
			continue;
		d = elf_getdata(scn, NULL);
		for (size_t i = 0; d && sh.sh_entsize && i < sh.sh_size / sh.sh_entsize; i++) {
			GElf_Dyn dyn;
			const char *s;

			if (!gelf_getdyn(d, (int)i, &dyn))
				break;
			if (dyn.d_tag != DT_SONAME)
				continue;
			s = elf_strptr(e, sh.sh_link, dyn.d_un.d_val);
			if (s)
				*soname = cp_xstrdup(s);
			break;
		}
	}
	return 0;
}

void dkr_files_free(struct dkr_file *f, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(f[i].host);
		free(f[i].name);
	}
	free(f);
}

int dkr_self_files(struct dkr_file **out, size_t *n, size_t *loader, struct cp_err *err)
{
	cp_autofree char *exe = realpath("/proc/self/exe", NULL);
	cp_autofree char *interp = NULL, *soname = NULL, *interp_real = NULL, *line = NULL;
	cp_autofclose FILE *maps = NULL;
	struct dkr_file *f = NULL;
	size_t len = 0, cap = 0;
	int r;

	*out = NULL;
	*n = 0;
	*loader = SIZE_MAX;
	if (!exe)
		return cp_fail(err, -errno, "cannot find capprof's own executable (/proc/self/exe): %s",
			       strerror(errno));
	r = elf_names(exe, &soname, &interp);
	if (r < 0)
		return cp_fail(err, r, "%s: cannot read its ELF headers: %s", exe, strerror(-r));
	if (interp)
		interp_real = realpath(interp, NULL);
	f = cp_xcalloc(1, sizeof(*f));
	f[0].host = cp_xstrdup(exe);
	f[0].name = cp_xstrdup("capprof");
	len = 1;

	maps = fopen("/proc/self/maps", "re");
	if (!maps) {
		r = cp_fail(err, -errno, "/proc/self/maps: %s", strerror(errno));
		dkr_files_free(f, len);
		return r;
	}
	while (getline(&line, &cap, maps) > 0) {
		char *path = strchr(line, '/'), *nl;
		cp_autofree char *so = NULL;
		bool seen = false;

		if (!path)
			continue;
		nl = strchr(path, '\n');
		if (nl)
			*nl = '\0';
		if (strstr(path, " (deleted)"))
			continue;
		for (size_t i = 0; i < len && !seen; i++)
			seen = !strcmp(f[i].host, path);
		if (seen)
			continue;
		/* Data files (locale archive) are no ELF objects: not needed. */
		if (elf_names(path, &so, NULL) < 0 || !so)
			continue;
		f = cp_xreallocarray(f, len + 1, sizeof(*f));
		f[len].host = cp_xstrdup(path);
		f[len].name = cp_steal_pointer(&so);
		if (interp_real && !strcmp(interp_real, path))
			*loader = len;
		len++;
	}
	if (interp && *loader == SIZE_MAX) {
		dkr_files_free(f, len);
		return cp_fail(err, -ENOENT, "%s: its loader %s is not among the mapped files", exe, interp);
	}
	*out = f;
	*n = len;
	return 0;
}

/* ---- running docker ---- */

static bool apparmor_enabled(void)
{
	cp_autofree char *t = NULL;

	return cp_read_file("/sys/module/apparmor/parameters/enabled", 64, &t, NULL) == 0 && t[0] == 'Y';
}

/* docker run's common head: --rm, stdin, and a tty when we have one and may use it. Podman takes the same flags. */
static void run_head(struct cp_strv *a, const struct dkr_opts *o, bool tty)
{
	cp_strv_add(a, o->engine ? o->engine : "docker");
	cp_strv_add(a, "run");
	cp_strv_add(a, "--rm");
	cp_strv_add(a, "-i");
	if (tty && isatty(0) && isatty(1))
		cp_strv_add(a, "-t");
}

/*
 * "--cap-add ALL" alone fails ("unable to apply caps") on a machine whose
 * bounding set lacks a capability (this one has no SYS_RESOURCE): drop those.
 * Listing each capability instead would not do: Docker 20.10 refuses names
 * newer than it (BPF, PERFMON).
 */
static void add_all_caps(struct cp_strv *a)
{
	int last = cp_cap_last();

	cp_strv_add(a, "--cap-add");
	cp_strv_add(a, "ALL");
	for (int c = 0; c <= last; c++) {
		if (prctl(PR_CAPBSET_READ, c, 0, 0, 0) == 1 || !cp_cap_name(c))
			continue;
		cp_strv_add(a, "--cap-drop");
		cp_strv_add(a, cp_cap_name(c));
	}
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path) < 0 && errno != ENOENT ? -1 : 0;
}

/* Does a --docker-arg set the container's user (-u U, -uU, --user U, --user=U)? */
static bool sets_user(const struct dkr_opts *o)
{
	for (size_t i = 0; i < o->ndocker_args; i++) {
		const char *a = o->docker_args[i];

		if (!strncmp(a, "--user", 6) || (a[0] == '-' && a[1] == 'u'))
			return true;
	}
	return false;
}

/* The numeric uid a --docker-arg user is given as ("-u 1000", "--user=1000:1000"), or -1 for a name or none. */
static long numeric_user(const struct dkr_opts *o)
{
	long uid = -1;

	for (size_t i = 0; i < o->ndocker_args; i++) {
		const char *a = o->docker_args[i], *v = NULL;
		char *end;

		if (!a)
			continue;

		if (!strcmp(a, "--user") || !strcmp(a, "-u"))
			v = i + 1 < o->ndocker_args ? o->docker_args[i + 1] : NULL;
		else if (!strncmp(a, "--user=", 7))
			v = a + 7;
		else if (a[0] == '-' && a[1] == 'u' && a[2])
			v = a + 2;
		if (!v)
			continue;
		errno = 0;
		uid = strtol(v, &end, 10);
		if (errno || end == v || (*end && *end != ':') || uid < 0)
			uid = -1;
	}
	return uid;
}

/*
 * The container's recording, read without trusting the directory: not
 * through a symlink, a regular file with one link, owned by root or by the
 * container's numeric user (a named user's uid lives in the image: any owner
 * but a link is accepted then; the directory it sits in is private anyway).
 */
static int load_container_rec(const char *path, bool user_set, long uid, struct cp_rec **rec, struct cp_err *err)
{
	cp_autoclose int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	char proc[64];
	struct stat st;
	int r;

	if (fd < 0)
		return cp_fail(err, -errno, "the container's recording: %s",
			       errno == ELOOP ? "is a symbolic link; refusing to read through it" : strerror(errno));
	if (fstat(fd, &st) < 0)
		return cp_fail(err, -errno, "the container's recording: %s", strerror(errno));
	if (!S_ISREG(st.st_mode) || st.st_nlink != 1 ||
	    (st.st_uid != 0 && (!user_set || (uid >= 0 && st.st_uid != (uid_t)uid))))
		return cp_fail(err, -EPERM,
			       "the container's recording is not a regular file with one link owned by the container's "
			       "user (owner uid %u, %ju links): refusing it",
			       (unsigned)st.st_uid, (uintmax_t)st.st_nlink);
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	r = rec_load(proc, rec, err);
	if (r < 0)
		return cp_err_wrap(err, r, "the container's recording");
	return 0;
}

/* An image name docker would take for an option: refuse it. */
static int check_image(const struct dkr_opts *o, struct cp_err *err)
{
	if (!o->image[0] || o->image[0] == '-')
		return cp_fail(err, -EINVAL, "\"%s\" is not an image name", o->image);
	return 0;
}

int dkr_record(const struct dkr_opts *o, char *const *record_opts, size_t nrecord_opts, struct cp_rec **rec,
	       int *exit_code, struct cp_err *err)
{
	struct dkr_file *files = NULL;
	cp_autostrv a = { 0 };
	size_t nfiles = 0, loader;
	const char *base = getenv("TMPDIR");
	cp_autofree char *top = cp_xasprintf("%s/capprof-docker.XXXXXX", base && *base ? base : "/var/tmp");
	cp_autofree char *out = NULL;
	cp_autofree char *recpath = NULL;
	bool user_set = sets_user(o);
	long uid = numeric_user(o);
	int r;

	*rec = NULL;
	*exit_code = 125;
	r = check_image(o, err);
	if (r < 0)
		return r;
	r = dkr_self_files(&files, &nfiles, &loader, err);
	if (r < 0)
		return r;
	for (size_t i = 0; i < nfiles; i++) {
		if (strchr(files[i].host, ':') || strchr(files[i].name, '/')) {
			r = cp_fail(err, -EINVAL, "%s: a path docker -v cannot take (':' in it)", files[i].host);
			dkr_files_free(files, nfiles);
			return r;
		}
	}
	/*
	 * TOP (mode 0700, ours) holds OUT, the directory mounted into the
	 * container: no local user can reach OUT to swap the recording, whatever
	 * OUT's own mode. The inner capprof runs as the container's user, who
	 * must be able to write OUT: it is given that uid when --user is
	 * numeric; a user named in the image gets mode 0777, still closed off
	 * by TOP.
	 */
	if (!mkdtemp(top)) {
		r = cp_fail(err, -errno, "cannot make the output directory %s: %s", top, strerror(errno));
		dkr_files_free(files, nfiles);
		return r;
	}
	out = cp_xasprintf("%s/out", top);
	if (mkdir(out, 0700) < 0 || (user_set && uid >= 0 && chown(out, (uid_t)uid, (gid_t)-1) < 0) ||
	    (user_set && uid < 0 && chmod(out, 0777) < 0)) {
		r = cp_fail(err, -errno, "cannot make the output directory %s: %s", out, strerror(errno));
		dkr_files_free(files, nfiles);
		rmdir(out);
		rmdir(top);
		return r;
	}
	run_head(&a, o, true);
	add_all_caps(&a);
	cp_strv_add(&a, "--security-opt");
	cp_strv_add(&a, "seccomp=unconfined");
	if (apparmor_enabled()) {
		cp_strv_add(&a, "--security-opt");
		cp_strv_add(&a, "apparmor=unconfined");
	}
	for (size_t i = 0; i < nfiles; i++) {
		cp_strv_add(&a, "-v");
		if (i == 0)
			cp_strv_addf(&a, "%s:" DKR_ROOT "/capprof:ro", files[i].host);
		else
			cp_strv_addf(&a, "%s:" DKR_LIB "/%s:ro", files[i].host, files[i].name);
	}
	cp_strv_add(&a, "-v");
	cp_strv_addf(&a, "%s:" DKR_OUT, out);
	cp_strv_add(&a, "--entrypoint");
	if (loader != SIZE_MAX)
		cp_strv_addf(&a, DKR_LIB "/%s", files[loader].name);
	else
		cp_strv_add(&a, DKR_ROOT "/capprof");
	for (size_t i = 0; i < o->ndocker_args; i++)
		cp_strv_add(&a, o->docker_args[i]);
	cp_strv_add(&a, o->image);
	if (loader != SIZE_MAX) {
		cp_strv_add(&a, "--library-path");
		cp_strv_add(&a, DKR_LIB);
		cp_strv_add(&a, DKR_ROOT "/capprof");
	}
	cp_strv_add(&a, "record");
	cp_strv_add(&a, "-o");
	cp_strv_add(&a, DKR_OUT "/capprof.json");
	for (size_t i = 0; i < nrecord_opts; i++)
		cp_strv_add(&a, record_opts[i]);
	cp_strv_add(&a, "--");
	for (size_t i = 0; o->argv[i]; i++)
		cp_strv_add(&a, o->argv[i]);
	dkr_files_free(files, nfiles);

	r = sbx_spawn_wait(a.v, exit_code, NULL);
	if (r < 0) {
		cp_fail(err, r, "cannot run docker: %s", strerror(-r));
		goto out;
	}
	recpath = cp_xasprintf("%s/capprof.json", out);
	if (faccessat(AT_FDCWD, recpath, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
		r = load_container_rec(recpath, user_set, uid, rec, err);
out:
	nftw(top, rm_entry, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
	return r;
}

int dkr_verify_run(const struct dkr_opts *o, char *const *run_args, size_t nrun_args, struct cp_rec *run,
		   int *exit_code, struct cp_err *err)
{
	cp_autostrv a = { 0 };
	int r;

	*exit_code = 125;
	r = check_image(o, err);
	if (r < 0)
		return r;
	run_head(&a, o, !o->use_fds);
	for (size_t i = 0; i < nrun_args; i++)
		cp_strv_add(&a, run_args[i]);
	for (size_t i = 0; i < o->ndocker_args; i++)
		cp_strv_add(&a, o->docker_args[i]);
	cp_strv_add(&a, o->image);
	for (size_t i = 0; o->argv[i]; i++)
		cp_strv_add(&a, o->argv[i]);
	{
		bool to = false;

		r = o->use_fds ? sbx_spawn_wait_fds_timeout(a.v, o->fds, o->timeout_s, exit_code, &to) :
				 sbx_spawn_wait(a.v, exit_code, run);
		if (o->timed_out)
			*o->timed_out = to;
	}
	if (r < 0)
		return cp_fail(err, r, "cannot run docker: %s", strerror(-r));
	return 0;
}
