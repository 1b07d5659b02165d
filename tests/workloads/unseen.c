// SPDX-License-Identifier: MIT
/*
 * Things a recording cannot see: "uring" sets up an io_uring (operations
 * through it are not syscalls); "filter" loads a seccomp filter of its own
 * that fails getppid with EPERM, then calls getppid (the call never
 * reaches an outer tracer) and prints what it got.
 */
#include <errno.h>
#include <linux/filter.h>
#include <linux/io_uring.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

static int uring(void)
{
	struct io_uring_params p;
	long fd;

	memset(&p, 0, sizeof(p));
	fd = syscall(SYS_io_uring_setup, 4, &p);
	printf("io_uring_setup: %s\n", fd < 0 ? strerror(errno) : "ok");
	if (fd >= 0)
		close((int)fd);
	return 0;
}

static int filter(void)
{
	struct sock_filter insn[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_getppid, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { .len = 4, .filter = insn };
	long r;

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0) {
		perror("seccomp");
		return 1;
	}
	r = syscall(SYS_getppid);
	printf("getppid: %s\n", r < 0 ? strerror(errno) : "ok");
	return 0;
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "uring"))
		return uring();
	if (argc > 1 && !strcmp(argv[1], "filter"))
		return filter();
	fprintf(stderr, "usage: unseen uring|filter\n");
	return 2;
}
