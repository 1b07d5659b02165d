// SPDX-License-Identifier: MIT
/* Opening ELF files with libelf (see elf.h). */
#include "common/elf.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

void cp_elf_endp(Elf **e)
{
	if (*e)
		elf_end(*e);
	*e = NULL;
}

int cp_elf_begin(int fd, Elf **out)
{
	Elf *e;

	*out = NULL;
	if (elf_version(EV_CURRENT) == EV_NONE)
		return -ENOTSUP;
	e = elf_begin(fd, ELF_C_READ, NULL);
	if (!e)
		return -ENOEXEC;
	if (elf_kind(e) != ELF_K_ELF) {
		elf_end(e);
		return -ENOEXEC;
	}
	*out = e;
	return 0;
}

int cp_elf_open(const char *path, int *fd_out, Elf **out)
{
	struct stat st;
	int fd, r;

	*fd_out = -1;
	*out = NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return -ENOEXEC;
	}
	r = cp_elf_begin(fd, out);
	if (r < 0) {
		close(fd);
		return r;
	}
	*fd_out = fd;
	return 0;
}
