// SPDX-License-Identifier: MIT
/*
 * sandbox/: the files --docker binds into a container, the docker run argv,
 * the helper spawners, and --keep-changes checks.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/err.h"
#include "common/recording.h"
#include "common/util.h"
#include "generator/gen.h"
#include "sandbox/sandbox.h"
#include "sandbox/spawn.h"

/* This test binary is dynamic: itself, its loader, libc and cmocka by soname. */
static void self_files(void **state)
{
	struct dkr_file *f = NULL;
	size_t n = 0, loader = 0;
	struct cp_err err = { 0 };
	char exe[PATH_MAX];
	bool libc = false, cmocka = false;
	ssize_t len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	(void)state;
	assert_true(len > 0);
	exe[len] = '\0';
	assert_int_equal(dkr_self_files(&f, &n, &loader, &err), 0);
	assert_true(n >= 3);
	assert_string_equal(f[0].name, "capprof");
	assert_string_equal(f[0].host, exe);
	assert_true(loader < n);
	assert_non_null(strstr(f[loader].name, "ld-linux"));
	for (size_t i = 1; i < n; i++) {
		assert_null(strchr(f[i].name, '/'));
		assert_int_equal(f[i].host[0], '/');
		libc |= !strcmp(f[i].name, "libc.so.6");
		cmocka |= !strncmp(f[i].name, "libcmocka.so", 12);
		for (size_t j = 1; j < i; j++)
			assert_string_not_equal(f[i].host, f[j].host);
	}
	assert_true(libc);
	assert_true(cmocka);
	dkr_files_free(f, n);
}

/*
 * The verify --docker hand-off: the generator's words, run by sandbox/ as
 * they are. A stand-in engine (echo) prints the argv docker would get.
 */
static void docker_run_argv(void **state)
{
	cp_autorec *rec = rec_new();
	struct gen_opts go = { .format = GEN_DOCKER_RUN, .profile_path = "/p/seccomp one.json" };
	cp_autostrv words = { 0 };
	cp_autofree char *text = NULL;
	struct cp_buf want = { 0 };
	char *const docker_args[] = { "--name", "trial" }, *const argv[] = { "sh", "-c", "true", NULL };
	struct dkr_opts o = { .image = "debian:12", .engine = "echo", .argv = argv, .use_fds = true };
	char out[1024] = "";
	struct cp_err err = { 0 };
	int code = -1, fd = memfd_create("argv", MFD_CLOEXEC);
	ssize_t n;

	(void)state;
	rec->caps[0].hits = 1; /* CHOWN */
	rec->caps[1].hits = 1; /* DAC_OVERRIDE */
	gen_docker_run_args(rec, &go, &words);
	assert_int_equal(gen_emit(rec, &go, &text, NULL), 0);
	/* The text of emit --docker-run is the same words, a flag and its value a line. */
	cp_buf_puts(&want, "");
	for (size_t i = 0; i + 1 < words.n; i += 2)
		cp_buf_printf(&want, "%s %s\n", words.v[i], words.v[i + 1]);
	assert_string_equal(text, want.data);
	assert_string_equal(words.v[0], "--cap-drop");
	assert_string_equal(words.v[words.n - 3], "seccomp=/p/seccomp one.json");
	assert_string_equal(words.v[words.n - 1], "no-new-privileges"); /* nothing here needs new privileges */
	cp_buf_free(&want);

	assert_true(fd >= 0);
	o.docker_args = docker_args;
	o.ndocker_args = 2;
	o.fds[0] = o.fds[2] = open("/dev/null", O_RDWR | O_CLOEXEC);
	o.fds[1] = fd;
	assert_int_equal(dkr_verify_run(&o, words.v, words.n, NULL, &code, &err), 0);
	assert_int_equal(code, 0);
	n = pread(fd, out, sizeof(out) - 1, 0);
	assert_true(n > 0);
	out[n] = '\0';
	assert_string_equal(
		out,
		"run --rm -i --cap-drop ALL --cap-add CHOWN --cap-add DAC_OVERRIDE --security-opt "
		"seccomp=/p/seccomp one.json --security-opt no-new-privileges --name trial debian:12 sh -c true\n");
	close(o.fds[0]);
	close(fd);
}

/* The spawners: exit status passed on, the timeout, a command that cannot be executed is capprof's error. */
static void spawn_status(void **state)
{
	char *const exit3[] = { "sh", "-c", "exit 3", NULL }, *const missing[] = { "/nonexistent/capprof-x", NULL };
	char *const slow[] = { "sleep", "30", NULL };
	int fds[3], status = -1;
	bool to = true;

	(void)state;
	fds[0] = fds[1] = fds[2] = open("/dev/null", O_RDWR | O_CLOEXEC);
	assert_true(fds[0] >= 0);
	assert_int_equal(sbx_spawn_wait_fds_timeout(exit3, fds, 0, &status, &to), 0);
	assert_int_equal(status, 3);
	assert_false(to);
	/* Past its timeout it is killed (128+SIGKILL), and says so. */
	assert_int_equal(sbx_spawn_wait_fds_timeout(slow, fds, 1, &status, &to), 0);
	assert_true(to);
	assert_int_equal(status, 128 + 9);
	assert_int_equal(sbx_spawn_wait_fds(missing, fds, &status), -ENOENT);
	assert_int_equal(sbx_spawn_wait(missing, &status, NULL), -ENOENT);
	status = -1;
	assert_int_equal(sbx_spawn_wait(exit3, &status, NULL), 0);
	assert_int_equal(status, 3);
	close(fds[0]);
}

/* Everything the child wrote to fd, until EOF. */
static size_t read_all(int fd, char *buf, size_t cap)
{
	size_t len = 0;
	ssize_t n;

	while (len < cap - 1 && (n = read(fd, buf + len, cap - 1 - len)) > 0)
		len += (size_t)n;
	buf[len] = '\0';
	return len;
}

/* learn's spawner: stdout read back through the pipe, stdin /dev/null, the exit status and exec errors. */
static void spawn_pipe(void **state)
{
	char *const prog[] = { "sh", "-c", "printf 'one\\ntwo\\n'; cat; exit 5", NULL };
	char *const own127[] = { "sh", "-c", "exit 127", NULL }, *const missing[] = { "/nonexistent/capprof-x", NULL };
	struct sbx_child c;
	char buf[64];
	int fd = -1, status = -1;

	(void)state;
	assert_int_equal(sbx_spawn_pipe(prog, &c, &fd), 0);
	assert_int_equal(read_all(fd, buf, sizeof(buf)), 8);
	assert_string_equal(buf, "one\ntwo\n");
	close(fd);
	assert_int_equal(sbx_child_wait(&c, &status), 0);
	assert_int_equal(status, 5);

	/* The program's own 127 is its status; a command that is not there is -ENOENT. */
	assert_int_equal(sbx_spawn_pipe(own127, &c, &fd), 0);
	assert_int_equal(read_all(fd, buf, sizeof(buf)), 0);
	close(fd);
	assert_int_equal(sbx_child_wait(&c, &status), 0);
	assert_int_equal(status, 127);
	status = -1;
	assert_int_equal(sbx_spawn_pipe(missing, &c, &fd), 0);
	assert_int_equal(read_all(fd, buf, sizeof(buf)), 0);
	close(fd);
	assert_int_equal(sbx_child_wait(&c, &status), -ENOENT);
	assert_int_equal(status, -1);
}

/* An fd given as the very stdio slot it sits in reaches the child, even when close-on-exec. */
static void spawn_fd_in_place(void **state)
{
	char *const hello[] = { "echo", "hi", NULL };
	int p[2], saved = dup(1), status = -1;
	int fds[3] = { -1, 1, -1 };
	char buf[16];
	int r;

	(void)state;
	assert_true(saved >= 0);
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	fflush(stdout);
	assert_int_equal(dup3(p[1], 1, O_CLOEXEC), 1);
	close(p[1]);
	r = sbx_spawn_wait_fds(hello, fds, &status);
	assert_int_equal(dup2(saved, 1), 1);
	close(saved);
	assert_int_equal(r, 0);
	assert_int_equal(status, 0);
	assert_int_equal(read_all(p[0], buf, sizeof(buf)), 3);
	assert_string_equal(buf, "hi\n");
	close(p[0]);
}

static void keep_dir_must_be_empty(void **state)
{
	char dir[] = "/tmp/capprof-unit.XXXXXX";
	struct cp_err err = { 0 };
	char *file, *sub;
	struct sbx *s = NULL;
	struct stat st;

	(void)state;
	if (geteuid() != 0) {
		assert_int_equal(sbx_begin(NULL, &s, &err), -EPERM);
		assert_non_null(strstr(cp_err_str(&err), "needs root"));
		skip();
	}
	assert_non_null(mkdtemp(dir));
	file = NULL;
	assert_true(asprintf(&file, "%s/x", dir) > 0);
	assert_true(asprintf(&sub, "%s/new", dir) > 0);
	/* A missing directory is made, an empty one used, and sbx_end keeps it. */
	assert_int_equal(sbx_begin(sub, &s, &err), 0);
	assert_string_equal(sbx_dir(s), sub);
	assert_int_equal(sbx_end(s, &err), 0);
	assert_int_equal(stat(sub, &st), 0);
	assert_int_equal(rmdir(sub), 0);
	/* A non-empty one is refused, naming it. */
	fclose(fopen(file, "w"));
	assert_int_equal(sbx_begin(dir, &s, &err), -EEXIST);
	assert_null(s);
	assert_non_null(strstr(cp_err_str(&err), "not an empty directory"));
	assert_non_null(strstr(cp_err_str(&err), dir));
	unlink(file);
	rmdir(dir);
	free(file);
	free(sub);
	assert_int_equal(sbx_end(NULL, &err), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(self_files),	     cmocka_unit_test(docker_run_argv),
		cmocka_unit_test(spawn_status),	     cmocka_unit_test(spawn_pipe),
		cmocka_unit_test(spawn_fd_in_place), cmocka_unit_test(keep_dir_must_be_empty),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
