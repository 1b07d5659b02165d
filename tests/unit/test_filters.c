// SPDX-License-Identifier: MIT
/*
 * The tracer's seccomp BPF evaluator (tracer/filters.c) against programs
 * libseccomp compiles and against the kernel itself, and the kernel's rule
 * for combining filters.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <errno.h>
#include <linux/audit.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tracer/filters.h"

/* A libseccomp filter as the kernel would get it. */
static struct sock_filter *export_bpf(scmp_filter_ctx ctx, size_t *len)
{
	int fd = memfd_create("bpf", 0);
	off_t n;
	struct sock_filter *prog;

	assert_true(fd >= 0);
	assert_int_equal(seccomp_export_bpf(ctx, fd), 0);
	n = lseek(fd, 0, SEEK_END);
	assert_true(n > 0 && n % (off_t)sizeof(*prog) == 0);
	prog = malloc((size_t)n);
	assert_int_equal(pread(fd, prog, (size_t)n, 0), n);
	close(fd);
	*len = (size_t)n / sizeof(*prog);
	return prog;
}

static struct seccomp_data call(int nr, uint64_t a0, uint64_t a1)
{
	struct seccomp_data d = { .nr = nr, .arch = AUDIT_ARCH_X86_64, .args = { a0, a1 } };

	return d;
}

static void libseccomp_programs(void **state)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	struct sock_filter *prog;
	struct seccomp_data d;
	uint32_t ret;
	size_t len;

	(void)state;
	assert_non_null(ctx);
	assert_int_equal(seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(mkdir), 0), 0);
	assert_int_equal(seccomp_rule_add(ctx, SCMP_ACT_TRACE(0x8001), SCMP_SYS(getppid), 0), 0);
	assert_int_equal(seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EACCES), SCMP_SYS(socket), 1, SCMP_A0(SCMP_CMP_EQ, 10)),
			 0);
	assert_int_equal(seccomp_rule_add(ctx, SCMP_ACT_KILL_PROCESS, SCMP_SYS(kill), 1,
					  SCMP_A1(SCMP_CMP_MASKED_EQ, 0xff00, 0x0900)),
			 0);
	assert_int_equal(seccomp_rule_add(ctx, SCMP_ACT_LOG, SCMP_SYS(umask), 1, SCMP_A0(SCMP_CMP_GT, 0x1ffffffffull)),
			 0);
	prog = export_bpf(ctx, &len);

	d = call(SYS_mkdir, 0, 0);
	assert_int_equal(filt_run(prog, len, &d, &ret), 0);
	assert_int_equal(ret, SECCOMP_RET_ERRNO | EPERM);
	d = call(SYS_getppid, 0, 0);
	assert_int_equal(filt_run(prog, len, &d, &ret), 0);
	assert_int_equal(ret, SECCOMP_RET_TRACE | 0x8001);
	d = call(SYS_socket, 10, 0);
	assert_int_equal(filt_run(prog, len, &d, &ret), 0);
	assert_int_equal(ret, SECCOMP_RET_ERRNO | EACCES);
	d = call(SYS_socket, 2, 0);
	assert_int_equal(filt_run(prog, len, &d, &ret), 0);
	assert_int_equal(ret, SECCOMP_RET_ALLOW);
	d = call(SYS_kill, 1, 0x0905);
	assert_int_equal(filt_run(prog, len, &d, &ret), 0);
	assert_int_equal(ret, SECCOMP_RET_KILL_PROCESS);
	d = call(SYS_kill, 1, 0x1805);
	assert_int_equal(filt_run(prog, len, &d, &ret), 0);
	assert_int_equal(ret, SECCOMP_RET_ALLOW);
	/* A 64-bit comparison: the high word decides. */
	d = call(SYS_umask, 0x200000000ull, 0);
	assert_int_equal(filt_run(prog, len, &d, &ret), 0);
	assert_int_equal(ret, SECCOMP_RET_LOG);
	d = call(SYS_umask, 0x1ffffffffull, 0);
	assert_int_equal(filt_run(prog, len, &d, &ret), 0);
	assert_int_equal(ret, SECCOMP_RET_ALLOW);
	/* Another architecture: libseccomp's filter kills it (bad arch action). */
	d = call(SYS_mkdir, 0, 0);
	d.arch = AUDIT_ARCH_AARCH64;
	assert_int_equal(filt_run(prog, len, &d, &ret), 0);
	assert_int_equal(ret, SECCOMP_RET_KILL_THREAD);
	free(prog);
	seccomp_release(ctx);
}

/* Every instruction class, and programs the kernel would refuse. */
static void hand_programs(void **state)
{
	struct sock_filter alu[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[0])),
		BPF_STMT(BPF_ST, 3),
		BPF_STMT(BPF_LDX | BPF_IMM, 3),
		BPF_STMT(BPF_ALU | BPF_MUL | BPF_X, 0), /* a = arg0 * 3 */
		BPF_STMT(BPF_ALU | BPF_ADD | BPF_K, 1), /* + 1 */
		BPF_STMT(BPF_ALU | BPF_LSH | BPF_K, 4), /* << 4 */
		BPF_STMT(BPF_MISC | BPF_TAX, 0),
		BPF_STMT(BPF_LD | BPF_MEM, 3), /* a = arg0 again */
		BPF_STMT(BPF_ALU | BPF_XOR | BPF_X, 0), /* a ^= x */
		BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, 0x80000000, 1, 0),
		BPF_STMT(BPF_RET | BPF_A, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
	};
	struct sock_filter div0[] = {
		BPF_STMT(BPF_LDX | BPF_IMM, 0),
		BPF_STMT(BPF_ALU | BPF_DIV | BPF_X, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_filter bad_load[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, sizeof(struct seccomp_data)),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_filter bad_jump[] = {
		BPF_JUMP(BPF_JMP | BPF_JA, 5, 0, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_filter no_ret[] = {
		BPF_STMT(BPF_LD | BPF_IMM, 1),
	};
	struct sock_filter bad_mem[] = {
		BPF_STMT(BPF_LD | BPF_MEM, 16),
		BPF_STMT(BPF_RET | BPF_A, 0),
	};
	struct seccomp_data d = call(SYS_read, 5, 0);
	uint32_t ret;

	(void)state;
	assert_int_equal(filt_run(alu, (sizeof(alu) / sizeof(alu[0])), &d, &ret), 0);
	assert_int_equal(ret, 5u ^ ((5u * 3 + 1) << 4));
	assert_int_equal(filt_run(div0, (sizeof(div0) / sizeof(div0[0])), &d, &ret), 0);
	assert_int_equal(ret, 0); /* classic BPF: division by zero returns 0 = kill */
	assert_int_equal(filt_run(bad_load, (sizeof(bad_load) / sizeof(bad_load[0])), &d, &ret), -EINVAL);
	assert_int_equal(filt_run(bad_jump, (sizeof(bad_jump) / sizeof(bad_jump[0])), &d, &ret), -EINVAL);
	assert_int_equal(filt_run(no_ret, (sizeof(no_ret) / sizeof(no_ret[0])), &d, &ret), -EINVAL);
	assert_int_equal(filt_run(bad_mem, (sizeof(bad_mem) / sizeof(bad_mem[0])), &d, &ret), -EINVAL);
}

/* The kernel: lowest action (signed) wins; equal actions: the newer filter's data. */
static void combine(void **state)
{
	(void)state;
	assert_int_equal(filt_combine(SECCOMP_RET_TRACE | 1, SECCOMP_RET_TRACE | 0x8001), SECCOMP_RET_TRACE | 1);
	assert_int_equal(filt_combine(SECCOMP_RET_TRACE, SECCOMP_RET_ERRNO | 1), SECCOMP_RET_ERRNO | 1);
	assert_int_equal(filt_combine(SECCOMP_RET_ERRNO | 1, SECCOMP_RET_TRACE), SECCOMP_RET_ERRNO | 1);
	assert_int_equal(filt_combine(SECCOMP_RET_ALLOW, SECCOMP_RET_LOG), SECCOMP_RET_LOG);
	assert_int_equal(filt_combine(SECCOMP_RET_KILL_THREAD, SECCOMP_RET_KILL_PROCESS), SECCOMP_RET_KILL_PROCESS);
	assert_int_equal(filt_combine(SECCOMP_RET_USER_NOTIF, SECCOMP_RET_TRACE), SECCOMP_RET_USER_NOTIF);
}

/* The kernel agrees with the evaluator: load the program in a child and ask. */
static void against_kernel(void **state)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	struct sock_filter *prog;
	struct seccomp_data d = call(SYS_getpriority, 0, 77);
	size_t len;
	uint32_t ret;
	int st;
	pid_t pid;

	(void)state;
	assert_int_equal(
		seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EXDEV), SCMP_SYS(getpriority), 1, SCMP_A1(SCMP_CMP_EQ, 77)), 0);
	prog = export_bpf(ctx, &len);
	assert_int_equal(filt_run(prog, len, &d, &ret), 0);
	assert_int_equal(ret, SECCOMP_RET_ERRNO | EXDEV);
	pid = fork();
	if (pid == 0) {
		struct sock_fprog fp = { .len = (unsigned short)len, .filter = prog };

		if (syscall(SYS_prctl, PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
		    syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fp) < 0)
			_exit(100);
		_exit(syscall(SYS_getpriority, 0, 77) == -1 && errno == EXDEV ? 0 : 101);
	}
	assert_true(waitpid(pid, &st, 0) == pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
	free(prog);
	seccomp_release(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(libseccomp_programs),
		cmocka_unit_test(hand_programs),
		cmocka_unit_test(combine),
		cmocka_unit_test(against_kernel),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
