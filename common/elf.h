/* SPDX-License-Identifier: MIT */
/*
 * The one place capprof opens ELF files with libelf (exec facts in the
 * tracer, symbols and imports in the generator, the loader's files for a
 * container). The paths often come from a recording, which is untrusted
 * input: cp_elf_open never blocks on a FIFO, never opens a device, and
 * reads only regular files.
 */
#ifndef CP_ELF_H
#define CP_ELF_H

#include <libelf.h>

#include "common/util.h"

/* elf_end for cp_cleanup. */
void cp_elf_endp(Elf **e);
#define cp_autoelf cp_cleanup(cp_elf_endp) Elf

/*
 * An ELF object (not an archive) from an open file descriptor, read-only.
 * 0, or -ENOTSUP (libelf too old), -ENOEXEC (not ELF).
 */
int cp_elf_begin(int fd, Elf **out);

/*
 * Open path (O_NONBLOCK, O_NOCTTY, close-on-exec; a regular file only,
 * else -ENOEXEC) and begin ELF on it: *fd_out stays open as long as *out
 * is used (close it after elf_end). 0 or -errno.
 */
int cp_elf_open(const char *path, int *fd_out, Elf **out);

#endif
