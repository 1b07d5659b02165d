/* SPDX-License-Identifier: MIT */
/*
 * What the tracer needs to know of one architecture's registers and
 * instructions: read and write a stopped tracee's registers, make it run a
 * syscall of the tracer's choosing, skip or rewind the one it stopped in.
 * One file per architecture implements it (arch_x86_64.c); a port to
 * another one is a new file and the struct below.
 */
#ifndef CP_ARCH_H
#define CP_ARCH_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/user.h>

#if defined(__x86_64__)
struct arch_regs {
	struct user_regs_struct r;
};
#else
#error "capprof's tracer has no register code for this architecture: add tracer/arch_<arch>.c"
#endif

/* Does the engine understand calls of this SCMP_ARCH_* token (i386/x32 calls: recorded only)? */
bool arch_can_rewrite(uint32_t scmp_arch);

int arch_get_regs(pid_t pid, struct arch_regs *regs);
int arch_set_regs(pid_t pid, const struct arch_regs *regs);

uint64_t arch_sp(const struct arch_regs *regs);
uint64_t arch_pc(const struct arch_regs *regs);
/* At a syscall-exit stop: the address of the syscall instruction just executed. */
uint64_t arch_syscall_insn_addr(const struct arch_regs *regs);

/* At a syscall-entry (seccomp) stop: the call becomes nr(a0, a1). */
void arch_set_call(struct arch_regs *regs, long nr, uint64_t a0, uint64_t a1);
/* Run syscall nr (arguments set by arch_set_call) from the syscall instruction at pc. */
void arch_jump_to_syscall(struct arch_regs *regs, uint64_t pc, long nr);
/* At an exit stop: run the same call again from its syscall instruction. */
void arch_rewind(struct arch_regs *regs);
/* At an entry stop: the call does not run and returns ret. */
void arch_skip_call(struct arch_regs *regs, int64_t ret);
/* At an exit stop: the call returns ret. */
void arch_set_return(struct arch_regs *regs, int64_t ret);
/* The text word at an address with a syscall instruction written at its start. */
long arch_patch_syscall_insn(long word);

#endif
