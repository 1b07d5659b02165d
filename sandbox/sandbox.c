// SPDX-License-Identifier: MIT
/*
 * --sandbox: the workload runs in a private mount namespace whose root is an
 * overlay of the host's root filesystem, with every other writable mount it
 * can reach overlaid the same way, so nothing it writes reaches the host.
 * The upper layers live in a private directory on the host that the parent
 * removes afterwards (or keeps, for --keep-changes). The parent (the tracer,
 * which writes the recording) never leaves the host's namespace.
 *
 * What is overlaid and what is shared (docs/sandbox-and-docker.md):
 *  - "/" and every writable mount of a directory, whatever the filesystem
 *    (ext4, xfs, btrfs, tmpfs at /tmp, NFS...): overlay, upper layer private;
 *  - /proc, /sys, /dev and /run with everything below them, when they are
 *    mount points: bound recursively as on the host (kernel interfaces;
 *    /run holds the sockets of running daemons, which an overlay would cut);
 *  - read-only mounts and pseudo filesystems elsewhere: bound as they are;
 *  - mounts of single files (a container's /etc/resolv.conf): bound read-only.
 */
#include "sandbox/sandbox.h"
#include "common/err.h"
#include "common/util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

struct sbx {
	char *dir; /* absolute; upper layers are dir/NAME */
	bool keep;
	int errfd[2]; /* child -> parent: int errno, then a message */
	char cwd[PATH_MAX];
};

struct mnt {
	char *point;
	char *fstype;
	bool ro;
	size_t order; /* position in mountinfo: later mounts are on top */
};

/* Trees bound recursively as on the host when they are mount points. */
static const char *const host_trees[] = { "/proc", "/sys", "/dev", "/run" };

/* Kernel interfaces: bound as they are, never overlaid. */
static const char *const pseudo_fs[] = {
	"proc",	       "sysfs",	    "devtmpfs",	  "devpts", "mqueue",	"cgroup",     "cgroup2",
	"debugfs",     "tracefs",   "securityfs", "pstore", "bpf",	"configfs",   "fusectl",
	"binfmt_misc", "hugetlbfs", "autofs",	  "nsfs",   "efivarfs", "rpc_pipefs", "selinuxfs",
};

const char *sbx_dir(const struct sbx *s)
{
	return s->dir;
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	if (remove(path) < 0 && errno != ENOENT)
		return -1;
	return 0;
}

/* rm -rf that never leaves the filesystem or follows a symlink. */
static int rm_tree(const char *path)
{
	struct stat st;

	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : -errno;
	if (nftw(path, rm_entry, 32, FTW_DEPTH | FTW_PHYS | FTW_MOUNT) < 0)
		return errno ? -errno : -EIO;
	return 0;
}

static bool dir_is_empty(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	int n = 0;

	if (!d)
		return false;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	closedir(d);
	return n == 0;
}

int sbx_begin(const char *keep_dir, struct sbx **out, struct cp_err *err)
{
	struct sbx *s;
	char *dir;
	int r;

	*out = NULL;
	if (geteuid() != 0)
		return cp_fail(err, -EPERM, "--sandbox needs root: it mounts overlays in a private mount namespace");
	if (keep_dir) {
		if (mkdir(keep_dir, 0700) < 0 && errno != EEXIST)
			return cp_fail(err, -errno, "--keep-changes %s: %s", keep_dir, strerror(errno));
		if (!dir_is_empty(keep_dir))
			return cp_fail(err, -EEXIST, "--keep-changes %s: not an empty directory", keep_dir);
		dir = realpath(keep_dir, NULL);
		if (!dir)
			return cp_fail(err, -errno, "--keep-changes %s: %s", keep_dir, strerror(errno));
	} else {
		const char *base = getenv("TMPDIR");

		dir = cp_xasprintf("%s/capprof-sandbox.XXXXXX", base && *base ? base : "/var/tmp");
		if (!mkdtemp(dir)) {
			r = cp_fail(err, -errno, "cannot make the sandbox directory %s: %s", dir, strerror(errno));
			free(dir);
			return r;
		}
		{
			char *abs = realpath(dir, NULL);

			if (abs) {
				free(dir);
				dir = abs;
			}
		}
	}
	s = cp_xcalloc(1, sizeof(*s));
	s->dir = dir;
	s->keep = keep_dir != NULL;
	if (!getcwd(s->cwd, sizeof(s->cwd))) {
		r = cp_fail(err, -errno, "cannot read the working directory: %s", strerror(errno));
		goto fail;
	}
	if (pipe2(s->errfd, O_CLOEXEC) < 0) {
		r = cp_fail(err, -errno, "pipe: %s", strerror(errno));
		goto fail;
	}
	fcntl(s->errfd[0], F_SETFL, O_NONBLOCK);
	*out = s;
	return 0;
fail:
	if (!s->keep)
		rmdir(s->dir);
	free(s->dir);
	free(s);
	return r;
}

/* ---- in the child ---- */

/* Report a failure to the parent: errno, then one line. Returns r. */
static int child_fail(struct sbx *s, int r, const char *fmt, ...) CP_PRINTF(3, 4);
static int child_fail(struct sbx *s, int r, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	int n;

	memcpy(buf, &r, sizeof(r));
	va_start(ap, fmt);
	n = vsnprintf(buf + sizeof(r), sizeof(buf) - sizeof(r), fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	if ((size_t)n >= sizeof(buf) - sizeof(r))
		n = sizeof(buf) - sizeof(r) - 1;
	if (write(s->errfd[1], buf, sizeof(r) + (size_t)n) < 0)
		return r;
	return r;
}

/* mountinfo escapes space, tab, newline and backslash as \ooo. */
static char *unescape(const char *s)
{
	char *o = cp_xmalloc(strlen(s) + 1), *p = o;

	while (*s) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' && s[3] >= '0' &&
		    s[3] <= '7') {
			*p++ = (char)((s[1] - '0') << 6 | (s[2] - '0') << 3 | (s[3] - '0'));
			s += 4;
		} else {
			*p++ = *s++;
		}
	}
	*p = '\0';
	return o;
}

/* Overlay options separate with ',' and ':' and escape with '\'. */
static void opt_path(struct cp_buf *b, const char *path)
{
	for (; *path; path++) {
		if (*path == ',' || *path == ':' || *path == '\\')
			cp_buf_add(b, "\\", 1);
		cp_buf_add(b, path, 1);
	}
}

static bool has_opt(const char *opts, const char *opt)
{
	size_t n = strlen(opt);

	for (const char *p = opts; p; p = strchr(p, ',')) {
		if (*p == ',')
			p++;
		if (!strncmp(p, opt, n) && (p[n] == ',' || p[n] == '\0'))
			return true;
	}
	return false;
}

static void mnts_free(struct mnt *m, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(m[i].point);
		free(m[i].fstype);
	}
	free(m);
}

static int read_mounts(struct mnt **out, size_t *n)
{
	cp_autofclose FILE *f = fopen("/proc/self/mountinfo", "re");
	cp_autofree char *line = NULL;
	size_t cap = 0, len = 0;
	struct mnt *m = NULL;

	if (!f)
		return -errno;
	while (getline(&line, &cap, f) > 0) {
		char *save = NULL, *fld[6] = { 0 }, *tok, *dash, *fstype, *super;
		int i = 0;

		dash = strstr(line, " - ");
		if (!dash)
			continue;
		*dash = '\0';
		fstype = strtok_r(dash + 3, " \n", &save);
		strtok_r(NULL, " \n", &save); /* source */
		super = strtok_r(NULL, " \n", &save);
		save = NULL;
		for (tok = strtok_r(line, " ", &save); tok && i < 6; tok = strtok_r(NULL, " ", &save))
			fld[i++] = tok;
		if (i < 6 || !fstype)
			continue;
		m = cp_xreallocarray(m, len + 1, sizeof(*m));
		m[len].point = unescape(fld[4]);
		m[len].fstype = cp_xstrdup(fstype);
		m[len].ro = has_opt(fld[5], "ro") || (super && has_opt(super, "ro"));
		m[len].order = len;
		len++;
	}
	*out = m;
	*n = len;
	return 0;
}

/* Parents before children; at one mount point, the topmost last. */
static int mnt_cmp(const void *a, const void *b)
{
	const struct mnt *x = a, *y = b;
	int c = strcmp(x->point, y->point);

	return c ? c : (x->order > y->order) - (x->order < y->order);
}

static bool under(const char *path, const char *tree)
{
	size_t n = strlen(tree);

	return !strncmp(path, tree, n) && (path[n] == '\0' || path[n] == '/');
}

static bool is_pseudo(const char *fstype)
{
	for (size_t i = 0; i < CP_ARRAY_SIZE(pseudo_fs); i++)
		if (!strcmp(fstype, pseudo_fs[i]))
			return true;
	return false;
}

/* The upper layer's name for a mount point: "root", or the path with '/' as '_'. */
static char *layer_name(const char *point, char **used, size_t nused)
{
	char *base, *name;

	if (!strcmp(point, "/"))
		base = cp_xstrdup("root");
	else {
		base = cp_xstrdup(point + 1);
		for (char *p = base; *p; p++)
			if (*p == '/')
				*p = '_';
		if (strlen(base) > 200) {
			/* Keep names under NAME_MAX: the tail tells most. */
			char *t = cp_xasprintf("_%s", base + strlen(base) - 200);

			free(base);
			base = t;
		} else if (base[0] == '.' || !base[0]) {
			char *t = cp_xasprintf("_%s", base);

			free(base);
			base = t;
		}
	}
	name = cp_xstrdup(base);
	for (int k = 2;; k++) {
		bool clash = false;

		for (size_t i = 0; i < nused && !clash; i++)
			clash = !strcmp(used[i], name) || !strcmp(name, "mounts");
		if (!clash)
			break;
		free(name);
		name = cp_xasprintf("%s.%d", base, k);
	}
	free(base);
	return name;
}

/*
 * A mount failed with ENOENT because its mount point went away after
 * build_tree read mountinfo: a container's overlay that its engine unmounted
 * and removed meanwhile (seen: a Docker test's container exiting while
 * another test built a sandbox). The host no longer has it either, so the
 * sandbox does not show it.
 */
static bool vanished(int r, const char *src, const char *target)
{
	struct stat st;

	return r == -ENOENT && (stat(src, &st) < 0 || lstat(target, &st) < 0);
}

/* 0, 1 when lower vanished meanwhile (nothing mounted), or -errno (reported). */
static int mount_overlay(struct sbx *s, const char *lower, const char *target, const char *name)
{
	cp_autofree char *upper = cp_xasprintf("%s/%s", s->dir, name);
	cp_autofree char *work = cp_xasprintf("%s/.work/%s", s->dir, name);
	struct cp_buf o = { 0 };
	int r = 0;

	if (mkdir(upper, 0755) < 0 || mkdir(work, 0700) < 0)
		return child_fail(s, -errno, "cannot make the overlay directory for %s in %s: %s", lower, s->dir,
				  strerror(errno));
	cp_buf_puts(&o, "lowerdir=");
	opt_path(&o, lower);
	cp_buf_puts(&o, ",upperdir=");
	opt_path(&o, upper);
	cp_buf_puts(&o, ",workdir=");
	opt_path(&o, work);
	if (mount("overlay", target, "overlay", 0, o.data) < 0) {
		r = -errno;
		if (vanished(r, lower, target)) {
			rmdir(work);
			rmdir(upper);
			r = 1;
		} else if (r == -ENODEV)
			child_fail(
				s, r,
				"overlayfs is not available in this kernel (mount -t overlay: %s; try 'modprobe overlay')",
				strerror(-r));
		else if (r == -EINVAL && !strcmp(lower, "/"))
			child_fail(
				s, r,
				"cannot mount an overlay of / with its upper layer in %s (%s): that filesystem cannot hold an overlay upper layer (is it overlayfs itself?); set TMPDIR or --keep-changes to a directory on ext4, xfs, btrfs or tmpfs",
				s->dir, strerror(-r));
		else
			child_fail(s, r, "cannot overlay %s (upper layer %s): %s", lower, upper, strerror(-r));
	}
	cp_buf_free(&o);
	return r;
}

/* 0 (also when src vanished meanwhile: nothing bound), or -errno (reported). */
static int bind(struct sbx *s, const char *src, const char *target, bool rec, bool ro)
{
	if (mount(src, target, NULL, MS_BIND | (rec ? MS_REC : 0), NULL) < 0) {
		int r = -errno;

		if (vanished(r, src, target))
			return 0;
		return child_fail(s, r, "cannot bind %s into the sandbox: %s", src, strerror(-r));
	}
	if (ro && mount(NULL, target, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY, NULL) < 0)
		return child_fail(s, -errno, "cannot make %s read-only in the sandbox: %s", src, strerror(errno));
	return 0;
}

static int build_tree(struct sbx *s, const char *merged)
{
	struct mnt *m = NULL;
	size_t n = 0;
	char **used = NULL;
	size_t nused = 0;
	struct cp_buf list = { 0 };
	bool tree_is_mount[CP_ARRAY_SIZE(host_trees)] = { 0 };
	int r;

	r = read_mounts(&m, &n);
	if (r < 0)
		return child_fail(s, r, "cannot read /proc/self/mountinfo: %s", strerror(-r));
	if (n)
		qsort(m, n, sizeof(*m), mnt_cmp);
	r = 0;
	for (size_t i = 0; i < n && r == 0; i++) {
		const char *p = m[i].point;
		cp_autofree char *target = NULL;
		bool in_tree = false;
		struct stat st;

		/* Only the topmost mount at a point is visible: skip those under it. */
		if (i + 1 < n && !strcmp(p, m[i + 1].point))
			continue;
		for (size_t t = 0; t < CP_ARRAY_SIZE(host_trees); t++) {
			if (!strcmp(p, host_trees[t]))
				tree_is_mount[t] = true;
			in_tree |= under(p, host_trees[t]);
		}
		if (in_tree)
			continue;
		if (!strcmp(p, "/")) {
			target = cp_xstrdup(merged);
		} else {
			target = cp_xasprintf("%s%s", merged, p);
			/* A mount point the overlay below cannot show (deleted, or under a bound tree). */
			if (lstat(target, &st) < 0)
				continue;
		}
		if (stat(p, &st) < 0)
			continue;
		if (!S_ISDIR(st.st_mode)) {
			r = bind(s, p, target, false, true);
		} else if (m[i].ro || is_pseudo(m[i].fstype)) {
			r = bind(s, p, target, false, false);
		} else {
			char *name = layer_name(p, used, nused);

			used = cp_xreallocarray(used, nused + 1, sizeof(char *));
			used[nused++] = name;
			r = mount_overlay(s, p, target, name);
			if (r == 0)
				cp_buf_printf(&list, "%s\t%s\t%s\n", name, p, m[i].fstype);
			else if (r == 1)
				r = 0; /* gone from the host meanwhile */
		}
	}
	for (size_t t = 0; t < CP_ARRAY_SIZE(host_trees) && r == 0; t++) {
		cp_autofree char *target = cp_xasprintf("%s%s", merged, host_trees[t]);
		struct stat st;

		if (!tree_is_mount[t] || stat(target, &st) < 0 || !S_ISDIR(st.st_mode))
			continue;
		r = bind(s, host_trees[t], target, true, false);
	}
	if (r == 0 && list.len) {
		cp_autofree char *path = cp_xasprintf("%s/mounts", s->dir);

		/* Which upper layer belongs to which mount point, for --keep-changes. */
		r = cp_write_atomic(path, list.data, list.len, 0644);
		if (r < 0)
			child_fail(s, r, "%s: %s", path, strerror(-r));
	}
	cp_buf_free(&list);
	cp_strv_free_n(used, nused);
	mnts_free(m, n);
	return r;
}

/* Engine sockets a sandboxed workload must not reach: each would give it the host. */
static const char *const engine_sockets[] = {
	"/run/docker.sock",	   "/var/run/docker.sock", "/run/containerd/containerd.sock",
	"/run/podman/podman.sock", "/run/crio/crio.sock",
};

/*
 * Inside the new root: what the overlay does not cover but would reach the
 * host. /dev/shm becomes a private tmpfs (a file written there would outlive
 * the run on the host), /proc/sys read-only (kernel settings are the
 * host's), and container engines' sockets are covered with /dev/null.
 * The pid and network namespaces stay the host's (docs/sandbox-and-docker.md).
 */
static int isolate(struct sbx *s)
{
	struct stat st, seen[CP_ARRAY_SIZE(engine_sockets)];
	size_t nseen = 0;

	if (stat("/dev/shm", &st) == 0 && S_ISDIR(st.st_mode) &&
	    mount("shm", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777") < 0)
		return child_fail(s, -errno, "cannot mount a private /dev/shm: %s", strerror(errno));
	if (stat("/proc/sys", &st) == 0 && (mount("/proc/sys", "/proc/sys", NULL, MS_BIND | MS_REC, NULL) < 0 ||
					    mount(NULL, "/proc/sys", NULL, MS_BIND | MS_REMOUNT | MS_RDONLY, NULL) < 0))
		return child_fail(s, -errno, "cannot make /proc/sys read-only: %s", strerror(errno));
	for (size_t i = 0; i < CP_ARRAY_SIZE(engine_sockets); i++) {
		bool dup = false;

		if (stat(engine_sockets[i], &st) < 0 || !S_ISSOCK(st.st_mode))
			continue;
		for (size_t k = 0; k < nseen; k++)
			dup |= seen[k].st_dev == st.st_dev && seen[k].st_ino == st.st_ino;
		if (dup)
			continue;
		seen[nseen++] = st;
		if (mount("/dev/null", engine_sockets[i], NULL, MS_BIND, NULL) < 0)
			return child_fail(s, -errno, "cannot hide %s: %s", engine_sockets[i], strerror(errno));
	}
	return 0;
}

int sbx_enter(struct sbx *s)
{
	cp_autofree char *merged = cp_xasprintf("%s/.merged", s->dir);
	cp_autofree char *work = cp_xasprintf("%s/.work", s->dir);
	int r;

	close(s->errfd[0]);
	if (unshare(CLONE_NEWNS) < 0)
		return child_fail(s, -errno,
				  "cannot make a private mount namespace (unshare: %s): --sandbox needs CAP_SYS_ADMIN",
				  strerror(errno));
	/* Nothing mounted from here on may propagate back to the host. */
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return child_fail(s, -errno, "cannot make / private in the new namespace: %s", strerror(errno));
	if ((mkdir(merged, 0755) < 0 && errno != EEXIST) || (mkdir(work, 0700) < 0 && errno != EEXIST))
		return child_fail(s, -errno, "cannot make directories in %s: %s", s->dir, strerror(errno));
	r = build_tree(s, merged);
	if (r < 0)
		return r;
	/* pivot_root(".", ".") stacks the old root on the new one; detach it. */
	if (chdir(merged) < 0)
		return child_fail(s, -errno, "chdir %s: %s", merged, strerror(errno));
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		return child_fail(s, -errno, "pivot_root into the overlay: %s", strerror(errno));
	if (umount2(".", MNT_DETACH) < 0)
		return child_fail(s, -errno, "cannot detach the host's root: %s", strerror(errno));
	r = isolate(s);
	if (r < 0)
		return r;
	if (chdir(s->cwd) < 0)
		return child_fail(s, -errno, "working directory %s does not exist in the sandbox: %s", s->cwd,
				  strerror(errno));
	return 0;
}

int sbx_end(struct sbx *s, struct cp_err *err)
{
	char buf[1024];
	ssize_t n;
	int r = 0, cr;

	if (!s)
		return 0;
	n = read(s->errfd[0], buf, sizeof(buf) - 1);
	if (n >= (ssize_t)sizeof(int)) {
		buf[n] = '\0';
		memcpy(&r, buf, sizeof(r));
		if (r >= 0)
			r = -EIO;
		cp_fail(err, r, "sandbox: %s", buf + sizeof(int));
	}
	close(s->errfd[0]);
	close(s->errfd[1]);
	if (s->keep) {
		cp_autofree char *work = cp_xasprintf("%s/.work", s->dir);
		cp_autofree char *merged = cp_xasprintf("%s/.merged", s->dir);

		cr = rm_tree(work);
		if (rmdir(merged) < 0 && errno != ENOENT && cr == 0)
			cr = -errno;
	} else {
		cr = rm_tree(s->dir);
	}
	if (cr < 0 && r == 0)
		r = cp_fail(err, cr, "sandbox: cannot remove %s: %s", s->dir, strerror(-cr));
	free(s->dir);
	free(s);
	return r;
}
