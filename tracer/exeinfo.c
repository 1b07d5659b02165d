// SPDX-License-Identifier: MIT
/* Facts about each executed binary: ELF class and machine, set-id bits, file capabilities. */
#include "tracer/tracee.h"
#include "common/elf.h"
#include "common/util.h"

#include <elf.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/stat.h>
#include <unistd.h>

/* The e_machine values a Linux container meets; others are recorded by number. */
static const char *machine_name(int m)
{
	switch (m) {
	case EM_X86_64:
		return "x86_64";
	case EM_386:
		return "i386";
	case EM_AARCH64:
		return "aarch64";
	case EM_ARM:
		return "arm";
	case EM_MIPS:
		return "mips";
	case EM_PPC:
		return "ppc";
	case EM_PPC64:
		return "ppc64";
	case EM_S390:
		return "s390";
	case EM_RISCV:
		return "riscv";
	case EM_LOONGARCH:
		return "loongarch";
	default:
		return NULL;
	}
}

static void read_elf(int fd, struct cp_exe *e)
{
	cp_autoelf *elf = NULL;
	GElf_Ehdr eh;

	if (cp_elf_begin(fd, &elf) < 0)
		return;
	if (gelf_getehdr(elf, &eh)) {
		const char *m = machine_name(eh.e_machine);

		e->elf_class = eh.e_ident[EI_CLASS] == ELFCLASS64 ? 64 : eh.e_ident[EI_CLASS] == ELFCLASS32 ? 32 : 0;
		e->machine = m ? cp_xstrdup(m) : cp_xasprintf("em-%d", eh.e_machine);
	}
}

void exeinfo_record(struct cp_rec *rec, pid_t pid, const char *path)
{
	struct cp_exe *e = rec_exe(rec, path);
	char proc[64];
	struct stat st;
	cap_t caps;
	cp_autoclose int fd = -1;

	if (e->count++)
		return;
	/* /proc/PID/exe is the very file that runs, even if path was replaced since. */
	snprintf(proc, sizeof(proc), "/proc/%d/exe", (int)pid);
	fd = open(proc, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	if (fstat(fd, &st) == 0) {
		e->setuid = (st.st_mode & S_ISUID) != 0;
		e->setgid = (st.st_mode & S_ISGID) != 0;
	}
	caps = cap_get_fd(fd);
	if (caps) {
		char *txt = cap_to_text(caps, NULL);

		if (txt && txt[0] && strcmp(txt, "=") != 0)
			e->file_caps = cp_xstrdup(txt);
		cap_free(txt);
		cap_free(caps);
	}
	read_elf(fd, e);
}
