// SPDX-License-Identifier: MIT
/*
 * A workload with a seccomp filter of its own: getppid returns
 * SECCOMP_RET_TRACE with the data given as argv[1] (0x8001 looks like
 * capprof's deny marker; 0 hides capprof's own data), everything else is
 * allowed. Without a tracer of its own the kernel fails getppid with ENOSYS.
 * Prints what getppid returned, before and after loading the filter.
 */
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

static void report(const char *when)
{
	long r = syscall(SYS_getppid);

	printf("%s: getppid %s\n", when, r >= 0 ? "ok" : strerrorname_np(errno));
}

int main(int argc, char **argv)
{
	unsigned data = argc > 1 ? (unsigned)strtoul(argv[1], NULL, 0) : 0x8001;
	struct sock_filter insn[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_getppid, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRACE | (data & SECCOMP_RET_DATA)),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { .len = sizeof(insn) / sizeof(insn[0]), .filter = insn };

	report("before");
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0) {
		perror("own_trace: seccomp");
		return 2;
	}
	report("after");
	fflush(stdout);
	return 0;
}
