// SPDX-License-Identifier: MIT
/*
 * ptrace-mode access checks between two processes of one workload: a child
 * looks at its parent through /proc/PID/{fd,environ,exe,maps},
 * process_vm_readv, kcmp and pidfd_getfd, and prints what each gives. Run
 * directly and under capprof record, the output must be the same.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/kcmp.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

static const char secret[] = "peer-memory";

static void result(const char *what, long r)
{
	printf("%s: %s\n", what, r < 0 ? strerror(errno) : "ok");
}

int main(void)
{
	pid_t parent = getpid(), child;
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC), st;

	fflush(stdout);
	child = fork();
	if (child == 0) {
		char path[64], buf[PATH_MAX];
		struct iovec local = { buf, sizeof(secret) }, remote = { (void *)secret, sizeof(secret) };
		int pidfd;
		long r;

		snprintf(path, sizeof(path), "/proc/%d/fd/%d", (int)parent, fd);
		r = readlink(path, buf, sizeof(buf));
		result("fd", r);
		snprintf(path, sizeof(path), "/proc/%d/environ", (int)parent);
		r = open(path, O_RDONLY);
		result("environ", r);
		snprintf(path, sizeof(path), "/proc/%d/exe", (int)parent);
		r = readlink(path, buf, sizeof(buf));
		result("exe", r);
		snprintf(path, sizeof(path), "/proc/%d/maps", (int)parent);
		r = open(path, O_RDONLY);
		result("maps", r);
		r = process_vm_readv(parent, &local, 1, &remote, 1, 0);
		result("process_vm_readv", r == (long)sizeof(secret) && !memcmp(buf, secret, sizeof(secret)) ? 0 : -1);
		r = syscall(SYS_kcmp, parent, getpid(), KCMP_FILE, fd, fd);
		printf("kcmp: %s\n", r < 0 ? strerror(errno) : r == 0 ? "same file" : "different");
		pidfd = (int)syscall(SYS_pidfd_open, parent, 0);
		r = pidfd < 0 ? -1 : syscall(SYS_pidfd_getfd, pidfd, fd, 0);
		result("pidfd_getfd", r);
		fflush(stdout);
		_exit(0);
	}
	waitpid(child, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 1;
}
