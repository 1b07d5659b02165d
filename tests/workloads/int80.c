// SPDX-License-Identifier: MIT
/*
 * An i386 syscall from a 64-bit process through int 0x80 (getpid, i386 nr 20).
 * Exits 77 when the kernel refuses int 0x80 (ia32 emulation off).
 */
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

static long int80_getpid(void)
{
	long ret;

	__asm__ volatile("int $0x80" : "=a"(ret) : "a"(20L) : "memory");
	return ret;
}

int main(void)
{
	int st;
	pid_t p = fork();

	/* Probe in a child: where i386 emulation is off, int 0x80 raises SIGSEGV. */
	if (p == 0)
		_exit(int80_getpid() > 0 ? 0 : 1);
	waitpid(p, &st, 0);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		printf("SKIP: this kernel refuses int 0x80 (i386 emulation off)\n");
		return 77;
	}
	printf("i386 getpid=%ld\n", int80_getpid());
	return 0;
}
