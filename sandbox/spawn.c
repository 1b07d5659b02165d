// SPDX-License-Identifier: MIT
/* Running helper programs: see spawn.h. */
#include "sandbox/spawn.h"
#include "common/util.h"
#include "tracer/outcap.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdnoreturn.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t fwd_pid;

static void forward(int sig)
{
	if (fwd_pid > 0)
		kill(fwd_pid, sig);
}

/* In the child: exec argv; when that fails, send -errno to the parent through errfd and exit 127. */
static noreturn void exec_or_report(char *const *argv, int errfd)
{
	int e;

	execvp(argv[0], argv);
	e = -errno;
	if (write(errfd, &e, sizeof(e)) < 0)
		_exit(127);
	_exit(127);
}

/*
 * In the parent once the child has ended: the child's exec error from errfd
 * (closed here), or 0. A failed exec of docker itself is capprof's error,
 * not the workload's 127.
 */
static int exec_error(int errfd)
{
	int e = 0, r = 0;

	if (read(errfd, &e, sizeof(e)) == (ssize_t)sizeof(e) && e < 0)
		r = e;
	close(errfd);
	return r;
}

/*
 * Fork and exec argv with fds[i] (-1: capprof's own) as its stdin, stdout
 * and stderr; dfl_signals gives it the default action for the signals
 * sbx_spawn_wait ignores or forwards. Returns 0 or -errno.
 */
static int spawn_start(char *const *argv, const int fds[3], bool dfl_signals, struct sbx_child *c)
{
	int ep[2], r;

	c->pid = -1;
	c->errfd = -1;
	if (pipe2(ep, O_CLOEXEC) < 0)
		return -errno;
	c->pid = fork();
	if (c->pid < 0) {
		r = -errno;
		close(ep[0]);
		close(ep[1]);
		return r;
	}
	if (c->pid == 0) {
		for (int i = 0; i < 3; i++) {
			if (fds[i] < 0)
				continue;
			/* dup2 onto itself keeps close-on-exec: clear it instead. */
			if (fds[i] == i ? fcntl(i, F_SETFD, 0) < 0 : dup2(fds[i], i) < 0)
				_exit(125);
		}
		if (dfl_signals) {
			signal(SIGINT, SIG_DFL);
			signal(SIGQUIT, SIG_DFL);
			signal(SIGTERM, SIG_DFL);
			signal(SIGHUP, SIG_DFL);
		}
		exec_or_report(argv, ep[1]);
	}
	close(ep[1]);
	c->errfd = ep[0];
	return 0;
}

/*
 * Wait for c, killing it once cp_now_ns() passes deadline (0: never) and
 * setting *timed_out (when not NULL), then collect its exec error.
 */
static int child_wait(struct sbx_child *c, uint64_t deadline, int *status, bool *timed_out)
{
	int st = 0, werr = 0, r;
	pid_t w;

	for (;;) {
		w = waitpid(c->pid, &st, deadline ? WNOHANG : 0);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			werr = errno; /* now: exec_error's read and close may change errno */
		if (w != 0)
			break;
		if (cp_now_ns() > deadline) {
			if (timed_out)
				*timed_out = true;
			kill(c->pid, SIGKILL);
			deadline = 0; /* now wait for it */
			continue;
		}
		usleep(100000);
	}
	r = exec_error(c->errfd);
	c->errfd = -1;
	if (r < 0)
		return r;
	if (w < 0)
		return -werr;
	*status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	return 0;
}

int sbx_spawn_wait(char *const *argv, int *status, struct cp_rec *out)
{
	struct outcap oc = { .rfd = -1, .wfd = -1 };
	struct sigaction ign = { .sa_handler = SIG_IGN }, fw = { .sa_handler = forward }, old_int, old_quit, old_term,
			 old_hup;
	struct sbx_child c = { .pid = -1, .errfd = -1 };
	int fds[3], r;

	r = outcap_prepare(&oc, out != NULL);
	if (r < 0)
		return r;

	/*
	 * A terminal's ^C reaches docker too, which passes it to the container;
	 * capprof waits for the recording. SIGTERM and SIGHUP are forwarded.
	 */
	sigaction(SIGINT, &ign, &old_int);
	sigaction(SIGQUIT, &ign, &old_quit);
	sigaction(SIGTERM, &fw, &old_term);
	sigaction(SIGHUP, &fw, &old_hup);
	/* The workload writes the interposed pipe, if any (outcap_stdio). */
	outcap_stdio(&oc, fds);
	r = spawn_start(argv, fds, true, &c);
	if (r < 0) {
		if (out)
			outcap_finish(&oc, out);
		goto out;
	}
	if (outcap_start(&oc) < 0 && oc.wfd >= 0) {
		close(oc.wfd);
		oc.wfd = -1;
	}
	fwd_pid = c.pid;
	r = child_wait(&c, 0, status, NULL);
	fwd_pid = 0;
	if (out)
		outcap_finish(&oc, out);
out:
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGQUIT, &old_quit, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	sigaction(SIGHUP, &old_hup, NULL);
	return r;
}

int sbx_spawn_wait_fds(char *const *argv, const int fds[3], int *status)
{
	bool to;

	return sbx_spawn_wait_fds_timeout(argv, fds, 0, status, &to);
}

int sbx_spawn_wait_fds_timeout(char *const *argv, const int fds[3], unsigned timeout_s, int *status, bool *timed_out)
{
	uint64_t deadline = timeout_s ? cp_now_ns() + (uint64_t)timeout_s * 1000000000ull : 0;
	struct sbx_child c = { .pid = -1, .errfd = -1 };
	int r;

	*timed_out = false;
	r = spawn_start(argv, fds, false, &c);
	if (r < 0)
		return r;
	return child_wait(&c, deadline, status, timed_out);
}

int sbx_spawn_pipe(char *const *argv, struct sbx_child *c, int *out_fd)
{
	cp_autoclose int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
	int p[2], r;

	if (null < 0)
		return -errno;
	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	r = spawn_start(argv, (const int[3]){ null, p[1], -1 }, false, c);
	close(p[1]);
	if (r < 0) {
		close(p[0]);
		return r;
	}
	*out_fd = p[0];
	return 0;
}

int sbx_child_wait(struct sbx_child *c, int *status)
{
	return child_wait(c, 0, status, NULL);
}
