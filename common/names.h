/* SPDX-License-Identifier: MIT */
/*
 * Names of architectures, syscalls, capabilities and errnos. Syscall names come
 * from libseccomp and capability names from libcap, never from our own tables.
 */
#ifndef CP_NAMES_H
#define CP_NAMES_H

#include <stdint.h>

#define CP_X32_SYSCALL_BIT 0x40000000u
#define CP_MAX_CAP_NAMES 64

/* libseccomp spelling ("x86_64") of an SCMP_ARCH_* token, or NULL. */
const char *cp_arch_name(uint32_t token);
/* SCMP_ARCH_* token of a libseccomp name; 0 if unknown. */
uint32_t cp_arch_from_name(const char *name);
/* Docker spelling ("SCMP_ARCH_X86_64") <-> token. */
const char *cp_arch_docker_name(uint32_t token);
uint32_t cp_arch_from_docker_name(const char *name);
/* The token of the machine capprof runs on. */
uint32_t cp_arch_native(void);

/*
 * Syscall name for nr on arch (x32 bit already stripped), NULL if unknown.
 * The string is cached and lives as long as the process.
 */
const char *cp_syscall_name(uint32_t arch, uint32_t nr);
/* Syscall number (x32 bit stripped) for name on arch; -1 if the arch lacks it. */
int cp_syscall_nr(uint32_t arch, const char *name);

/* Docker spelling of a capability ("NET_RAW"), or NULL when out of range. */
const char *cp_cap_name(int cap);
/* Parse "NET_RAW", "CAP_NET_RAW" or "net_raw"; returns cap or -EINVAL. */
int cp_cap_parse(const char *name);
/* Highest capability number the running kernel knows. */
int cp_cap_last(void);

/* Symbolic name of an errno value ("EPERM"), or NULL. */
const char *cp_errno_name(int err);
/* errno value of "EPERM"; -1 if unknown. */
int cp_errno_parse(const char *name);

#endif
