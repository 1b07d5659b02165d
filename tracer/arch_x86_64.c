// SPDX-License-Identifier: MIT
/*
 * x86_64 registers and instructions for the tracer (tracer/arch.h). The
 * syscall instruction is 2 bytes (0f 05); the kernel reads the call number
 * from orig_rax at entry and leaves the result in rax; rdi and rsi carry
 * the first two arguments. i386 (int 0x80, sysenter) and x32 calls are
 * recorded but never rewritten: rewinding needs the instruction's length.
 */
#include "tracer/arch.h"

#include <errno.h>
#include <seccomp.h>
#include <sys/ptrace.h>

#define SYSCALL_INSN_LEN 2
#define SYSCALL_INSN 0x050fL /* 0f 05, little-endian */

bool arch_can_rewrite(uint32_t scmp_arch)
{
	return scmp_arch == SCMP_ARCH_X86_64;
}

int arch_get_regs(pid_t pid, struct arch_regs *regs)
{
	return ptrace(PTRACE_GETREGS, pid, 0, &regs->r) < 0 ? -errno : 0;
}

int arch_set_regs(pid_t pid, const struct arch_regs *regs)
{
	return ptrace(PTRACE_SETREGS, pid, 0, &regs->r) < 0 ? -errno : 0;
}

uint64_t arch_sp(const struct arch_regs *regs)
{
	return regs->r.rsp;
}

uint64_t arch_pc(const struct arch_regs *regs)
{
	return regs->r.rip;
}

uint64_t arch_syscall_insn_addr(const struct arch_regs *regs)
{
	return regs->r.rip - SYSCALL_INSN_LEN;
}

void arch_set_call(struct arch_regs *regs, long nr, uint64_t a0, uint64_t a1)
{
	regs->r.orig_rax = (uint64_t)nr;
	regs->r.rdi = a0;
	regs->r.rsi = a1;
}

void arch_jump_to_syscall(struct arch_regs *regs, uint64_t pc, long nr)
{
	regs->r.rip = pc;
	regs->r.rax = (uint64_t)nr; /* the instruction reads rax */
}

void arch_rewind(struct arch_regs *regs)
{
	regs->r.rip -= SYSCALL_INSN_LEN;
	regs->r.rax = regs->r.orig_rax;
}

void arch_skip_call(struct arch_regs *regs, int64_t ret)
{
	regs->r.orig_rax = (uint64_t)-1; /* no syscall: the kernel skips it */
	regs->r.rax = (uint64_t)ret;
}

void arch_set_return(struct arch_regs *regs, int64_t ret)
{
	regs->r.rax = (uint64_t)ret;
}

long arch_patch_syscall_insn(long word)
{
	return (word & ~0xffffL) | SYSCALL_INSN;
}
